"""Who is calling: the calling service, proven by a signed credential, and the user it acts for.

Every call between processes carries a short-lived credential, a JWT signed (EdDSA) with the
calling process's own key. Its claims name the calling service (``iss``, also the header's
``kid``), the callee (``aud``), the user the call acts for (``sub``) and their ``roles``, when it
was issued (``iat``) and when it expires (``exp``, a minute later). A callee believes only what a
credential it verified says: signed by the key its keyring holds for the issuer, addressed to
itself, and not expired. The server bootstrap makes the verified caller current for the duration
of the call, and outgoing calls carry its user on, so a service acting on a user's behalf carries
the user to its peers under its own name.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from callsheet_kit.errors import CommonReason, DomainError

SUPPORT_AGENT = "support_agent"
ADMIN = "admin"

ALGORITHM = "EdDSA"
CREDENTIAL_LIFETIME_SECONDS = 60
CREDENTIAL_REFUSED = CommonReason.SERVICE_CREDENTIAL_INVALID.value

# An issued credential is reused for calls on behalf of the same user while at least this much
# of its life remains, so most calls cost neither a signature nor a verification.
_REUSE_MARGIN_SECONDS = 30
# Tolerated difference between the clocks of two hosts.
_CLOCK_SKEW_SECONDS = 5
# A credential meant to live longer than this is refused, whoever signed it.
_LONGEST_LIFETIME_SECONDS = 5 * 60
# Issued and verified credentials kept per process; past this the oldest are forgotten.
_REMEMBERED = 4096

K = TypeVar("K")
V = TypeVar("V")

# Credentials are timed by the real wall clock, never by the service clock: in dev the service
# clock can be moved forward by days (advanceClock), and a credential must not expire, or live
# on, because of that. The clock is a parameter only so tests can move it.
WallClock = Callable[[], float]


@dataclass(frozen=True)
class Caller:
    """The user on whose behalf a call runs, and the service that made it, if any."""

    user_id: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    service: str = ""

    @property
    def is_staff(self) -> bool:
        """Support agents and admins may see any order."""
        return bool(self.roles & {SUPPORT_AGENT, ADMIN})


ANONYMOUS = Caller()
_current: ContextVar[Caller] = ContextVar("callsheet_caller", default=ANONYMOUS)


def current_caller() -> Caller:
    """The caller of the RPC being served (anonymous outside one)."""
    return _current.get()


def set_caller(caller: Caller) -> object:
    """Makes ``caller`` current; returns a token for ``reset_caller``."""
    return _current.set(caller)


def reset_caller(token: object) -> None:
    """Restores the caller before ``set_caller``."""
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def acting_as(caller: Caller) -> Iterator[Caller]:
    """Makes ``caller`` current for the block, so every call made inside carries it."""
    token = set_caller(caller)
    try:
        yield caller
    finally:
        reset_caller(token)


def remember_bounded(cache: dict[K, V], key: K, value: V) -> None:
    """Keeps ``value`` under ``key`` in a cache of verified or signed tokens, forgetting the oldest quarter when full."""
    # Bounded: a forgotten entry only costs one more signature or verification.
    if len(cache) >= _REMEMBERED:
        for oldest in list(itertools.islice(cache, _REMEMBERED // 4)):
            del cache[oldest]
    cache[key] = value


def _refused(message: str) -> DomainError:
    """The UNAUTHENTICATED error of a call without a valid service credential."""
    return CommonReason.SERVICE_CREDENTIAL_INVALID.error(message)


class CredentialIssuer:
    """Signs the credentials of one process's outgoing calls with its key, loaded once."""

    def __init__(self, *, service: str, key: Ed25519PrivateKey, clock: WallClock = time.time) -> None:
        self.service = service
        self._key = key
        self._headers = {"kid": service}
        self._clock = clock
        self._issued: dict[tuple[str, str, frozenset[str]], tuple[str, int]] = {}

    def credential(self, caller: Caller, *, audience: str) -> str:
        """A credential for a call to ``audience`` on behalf of ``caller``'s user and roles."""
        now = self._clock()
        wanted = (audience, caller.user_id, caller.roles)
        issued = self._issued.get(wanted)
        if issued is not None and issued[1] - now >= _REUSE_MARGIN_SECONDS:
            return issued[0]
        issued_at = int(now)
        expires_at = issued_at + CREDENTIAL_LIFETIME_SECONDS
        claims: dict[str, Any] = {"iss": self.service, "aud": audience, "iat": issued_at, "exp": expires_at}
        if caller.user_id:
            claims["sub"] = caller.user_id
        if caller.roles:
            claims["roles"] = sorted(caller.roles)
        credential = jwt.encode(claims, self._key, algorithm=ALGORITHM, headers=self._headers)
        remember_bounded(self._issued, wanted, (credential, expires_at))
        return credential


@dataclass(frozen=True)
class _Verified:
    caller: Caller
    issued_at: int
    expires_at: int


class CredentialVerifier:
    """Checks the credentials of calls to one service against the public keys of its callers."""

    def __init__(self, *, audience: str, keyring: Mapping[str, Ed25519PublicKey], clock: WallClock = time.time) -> None:
        self.audience = audience
        self._keyring = dict(keyring)
        self._clock = clock
        self._verified: dict[str, _Verified] = {}

    def caller(self, credential: str | None) -> Caller:
        """The caller that ``credential`` proves; UNAUTHENTICATED when it proves nothing."""
        if not credential:
            raise _refused("a service credential is required")
        verified = self._verified.get(credential)
        if verified is None:
            verified = self._verify(credential)
            remember_bounded(self._verified, credential, verified)
        now = self._clock()
        if verified.expires_at + _CLOCK_SKEW_SECONDS <= now:
            raise _refused("the service credential has expired")
        if verified.issued_at - _CLOCK_SKEW_SECONDS > now:
            raise _refused("the service credential is not valid yet")
        return verified.caller

    def _verify(self, credential: str) -> _Verified:
        try:
            issuer = jwt.get_unverified_header(credential).get("kid")
        except jwt.PyJWTError:
            raise _refused("the service credential is malformed") from None
        key = self._keyring.get(issuer) if isinstance(issuer, str) else None
        if key is None:
            raise _refused("the service credential's issuer is not trusted here")
        try:
            # Times are checked by the caller of this method, on every use, against the wall clock.
            claims = jwt.decode(
                credential,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=issuer,
                options={"require": ["iss", "aud", "iat", "exp"], "verify_exp": False, "verify_iat": False},
            )
        except jwt.InvalidAudienceError:
            raise _refused("the service credential is addressed to another service") from None
        except jwt.PyJWTError as exc:
            raise _refused(f"the service credential is invalid: {exc}") from None
        return _Verified(_caller_from_claims(claims), *_lifetime(claims))


def _lifetime(claims: Mapping[str, Any]) -> tuple[int, int]:
    issued_at, expires_at = claims["iat"], claims["exp"]
    if not isinstance(issued_at, int) or not isinstance(expires_at, int):
        raise _refused("the service credential's iat and exp must be whole seconds")
    if expires_at - issued_at > _LONGEST_LIFETIME_SECONDS:
        raise _refused("the service credential lives too long")
    return issued_at, expires_at


def _caller_from_claims(claims: Mapping[str, Any]) -> Caller:
    user_id = claims.get("sub", "")
    roles = claims.get("roles", [])
    if not isinstance(user_id, str):
        raise _refused("the service credential's sub must be a string")
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise _refused("the service credential's roles must be a list of strings")
    return Caller(user_id=user_id, roles=frozenset(roles), service=str(claims["iss"]))
