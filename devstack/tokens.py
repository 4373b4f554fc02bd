"""Dev bearer tokens: HS256 JWTs with the contract's claims (sub, roles)."""

from __future__ import annotations

import time
import warnings

import jwt
from jwt.warnings import InsecureKeyLengthWarning

DEFAULT_SECRET = "dev-secret-change-me"

# The dev users of contract/RULES.md and their global roles.
DEV_USERS: dict[str, list[str]] = {
    "u_buyer_1": [],
    "u_buyer_2": [],
    "u_provider_1": [],
    "u_provider_2": [],
    "u_agent_1": ["support_agent"],
    "u_admin": ["admin"],
}


def mint(user_id: str, roles: list[str] | None = None, *, secret: str = DEFAULT_SECRET, ttl: int = 30 * 86400) -> str:
    """A signed token for ``user_id``."""
    now = int(time.time())
    claims = {"sub": user_id, "roles": roles or [], "iat": now, "exp": now + ttl}
    with warnings.catch_warnings():
        # The contract fixes the dev secret, shorter than HS256 wants; outside dev the gateway refuses it.
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(claims, secret, algorithm="HS256")
