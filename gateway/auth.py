"""Authentication: the bearer token names the caller, who then travels to the services.

The gateway only authenticates; every service authorizes with the caller it receives in gRPC
metadata (see ``callsheet_kit.identity``).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import jwt
from jwt.warnings import InsecureKeyLengthWarning

from callsheet_kit.errors import unauthenticated
from callsheet_kit.identity import Caller, reset_caller, set_caller

_ALGORITHM = "HS256"

# The contract fixes the dev secret (20 bytes); PyJWT would warn about it on every request.
# The gateway checks the secret's length once, at start-up, outside dev instead.
warnings.filterwarnings("ignore", category=InsecureKeyLengthWarning)
MIN_SECRET_BYTES = 32


def caller_from_authorization(header: str | None, *, secret: str) -> Caller:
    """The caller named by an ``Authorization: Bearer <JWT>`` header, or UNAUTHENTICATED."""
    if not header:
        raise unauthenticated("the Authorization header with a bearer token is missing")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("the Authorization header must be 'Bearer <token>'")
    try:
        claims = jwt.decode(token.strip(), secret, algorithms=[_ALGORITHM], options={"require": ["sub"]})
    except jwt.PyJWTError as exc:
        raise unauthenticated(f"the bearer token is invalid: {exc}") from None
    return _caller_from_claims(claims)


def _caller_from_claims(claims: dict[str, object]) -> Caller:
    sub = claims.get("sub")
    roles = claims.get("roles", [])
    if not isinstance(sub, str) or not sub:
        raise unauthenticated("the bearer token has no subject")
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise unauthenticated("the bearer token's roles claim must be a list of strings")
    return Caller(user_id=sub, roles=frozenset(roles))


@contextmanager
def acting_as(caller: Caller) -> Iterator[Caller]:
    """Makes ``caller`` current, so every gRPC call made inside carries it."""
    token = set_caller(caller)
    try:
        yield caller
    finally:
        reset_caller(token)
