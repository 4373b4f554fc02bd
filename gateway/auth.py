"""Authentication: the bearer token names the caller, who then travels to the services.

The gateway only authenticates; every service authorizes with the caller it receives in its
signed service credential (see ``callsheet_kit.identity``). What a token claims is checked here,
before it goes anywhere: a subject and roles the services can carry safely, and a bounded life.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from callsheet_kit.errors import DomainError, unauthenticated
from callsheet_kit.identity import Caller

_ALGORITHM = "HS256"
# PyJWT warns about a short secret on every decode. The gateway refuses one at start-up outside
# dev and test (``GatewaySettings``), so where it runs with one, the short secret is on purpose.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)

# What a token may claim: ids and role names are printable ASCII without spaces, and short.
MAX_SUBJECT_LENGTH = 64
MAX_ROLE_LENGTH = 32
MAX_ROLES = 16
_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")
# exp is required: a token without one would never expire.
_REQUIRED_CLAIMS = ["sub", "exp"]


@dataclass(frozen=True)
class TokenVerifier:
    """Verifies bearer tokens signed with ``secret``, allowing ``leeway`` seconds of clock skew."""

    secret: str
    leeway: float = 0.0

    def caller(self, header: str | None) -> Caller:
        """The caller named by an ``Authorization: Bearer <JWT>`` header, or UNAUTHENTICATED."""
        if not header:
            raise unauthenticated("the Authorization header with a bearer token is missing")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated("the Authorization header must be 'Bearer <token>'")
        try:
            claims = jwt.decode(
                token.strip(),
                self.secret,
                algorithms=[_ALGORITHM],
                leeway=self.leeway,
                options={"require": _REQUIRED_CLAIMS, "verify_iat": True, "verify_nbf": True},
            )
        except jwt.PyJWTError as exc:
            raise unauthenticated(f"the bearer token is invalid: {exc}") from None
        return _caller_from_claims(claims)


def _caller_from_claims(claims: dict[str, object]) -> Caller:
    sub = claims.get("sub")
    roles = claims.get("roles", [])
    if not isinstance(sub, str) or not sub:
        raise unauthenticated("the bearer token has no subject")
    if not _is_name(sub, MAX_SUBJECT_LENGTH):
        raise _bad_claim("sub", MAX_SUBJECT_LENGTH)
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise unauthenticated("the bearer token's roles claim must be a list of strings")
    if len(roles) > MAX_ROLES:
        raise unauthenticated(f"the bearer token's roles claim must hold at most {MAX_ROLES} roles")
    if not all(_is_name(role, MAX_ROLE_LENGTH) for role in roles):
        raise _bad_claim("roles", MAX_ROLE_LENGTH, each=True)
    return Caller(user_id=sub, roles=frozenset(roles))


def _is_name(value: str, max_length: int) -> bool:
    return len(value) <= max_length and _PRINTABLE_ASCII.fullmatch(value) is not None


def _bad_claim(claim: str, max_length: int, *, each: bool = False) -> DomainError:
    subject = f"each of the bearer token's {claim}" if each else f"the bearer token's {claim} claim"
    return unauthenticated(
        f"{subject} must be 1 to {max_length} printable ASCII characters, without spaces or control characters"
    )
