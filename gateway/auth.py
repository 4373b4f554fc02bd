"""Authentication: the bearer token names the caller, who then travels to the services.

The gateway only authenticates; every service authorizes with the caller it receives in its
signed service credential (see ``callsheet_kit.identity``). What a token claims is checked here,
before it goes anywhere: a subject and roles the services can carry safely, and a bounded life.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from callsheet_kit.errors import DomainError, unauthenticated
from callsheet_kit.identity import Caller, remember_bounded

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
class _Verified:
    """A token whose signature and claims were checked; its times are checked again on every use."""

    caller: Caller
    expires_at: float
    not_before: float | None
    issued_at: float | None


@dataclass(frozen=True)
class TokenVerifier:
    """Verifies bearer tokens signed with ``secret``, allowing ``leeway`` seconds of clock skew.

    A client sends the same token with every request until it expires, so a token verified once
    is remembered (a bounded cache): later requests skip the signature and the claim checks, and
    only its times are checked again against the clock.
    """

    secret: str
    leeway: float = 0.0
    clock: Callable[[], float] = time.time
    _verified: dict[str, _Verified] = field(default_factory=dict, init=False, repr=False, compare=False)

    def caller(self, header: str | None) -> Caller:
        """The caller named by an ``Authorization: Bearer <JWT>`` header, or UNAUTHENTICATED."""
        if not header:
            raise unauthenticated("the Authorization header with a bearer token is missing")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise unauthenticated("the Authorization header must be 'Bearer <token>'")
        verified = self._verified.get(token)
        if verified is None:
            verified = self._verify(token)
            remember_bounded(self._verified, token, verified)
        else:
            self._check_times(verified)
        return verified.caller

    def _verify(self, token: str) -> _Verified:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[_ALGORITHM],
                leeway=self.leeway,
                options={"require": _REQUIRED_CLAIMS, "verify_iat": True, "verify_nbf": True},
            )
        except jwt.PyJWTError as exc:
            raise unauthenticated(f"the bearer token is invalid: {exc}") from None
        return _Verified(
            _caller_from_claims(claims),
            expires_at=float(claims["exp"]),
            not_before=_number(claims.get("nbf")),
            issued_at=_number(claims.get("iat")),
        )

    def _check_times(self, verified: _Verified) -> None:
        # The same rules and messages as PyJWT's, for a token that was valid when first seen.
        now = self.clock()
        if verified.expires_at <= now - self.leeway:
            raise unauthenticated("the bearer token is invalid: Signature has expired")
        if verified.not_before is not None and verified.not_before > now + self.leeway:
            raise unauthenticated("the bearer token is invalid: The token is not yet valid (nbf)")
        if verified.issued_at is not None and verified.issued_at > now + self.leeway:
            raise unauthenticated("the bearer token is invalid: The token is not yet valid (iat)")


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


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
