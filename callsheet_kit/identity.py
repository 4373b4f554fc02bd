"""Who is calling: the user (and roles) the gateway authenticated, and the calling service.

The gateway puts the caller in gRPC metadata; the server bootstrap reads it into a context
variable for the duration of the call, and outgoing calls pass it on, so a service acting on a
user's behalf carries the user to its peers.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

USER_KEY = "x-callsheet-user"
ROLES_KEY = "x-callsheet-roles"
SERVICE_KEY = "x-callsheet-service"

SUPPORT_AGENT = "support_agent"
ADMIN = "admin"


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

    def to_metadata(self, *, service: str) -> list[tuple[str, str]]:
        """The metadata that carries this caller to a peer, sent by ``service``."""
        pairs = [(SERVICE_KEY, service)]
        if self.user_id:
            pairs.append((USER_KEY, self.user_id))
        if self.roles:
            pairs.append((ROLES_KEY, ",".join(sorted(self.roles))))
        return pairs

    @classmethod
    def from_metadata(cls, metadata: Iterable[tuple[str, str | bytes]] | None) -> Caller:
        """Reads the caller from gRPC metadata; absent keys leave an anonymous caller."""
        values: dict[str, str] = {}
        for key, value in metadata or ():
            values[key] = value.decode() if isinstance(value, bytes) else value
        roles = frozenset(r for r in values.get(ROLES_KEY, "").split(",") if r)
        return cls(user_id=values.get(USER_KEY, ""), roles=roles, service=values.get(SERVICE_KEY, ""))


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
