"""The user directory: who a user is (the name messages greet them by) and where their email goes.

Notify owns no accounts: the marketplace's account service does. ``HttpUserDirectory`` asks it
(``GET {base}/users?ids=a,b`` → ``[{"id", "name", "email"}]``) and keeps answers for a while;
``DevUserDirectory`` holds the dev users of contract/RULES.md. A user the directory does not know
gets no email (the feed still has the message), never an address made up from the id.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx


@dataclass(frozen=True)
class Contact:
    """A user as messages address them."""

    user_id: str
    name: str
    email: str | None


class UserDirectory(Protocol):
    """Looks users up."""

    async def contacts(self, user_ids: Iterable[str]) -> dict[str, Contact]:
        """Every asked-for user, unknown ones with their id as name and no email."""
        ...

    async def close(self) -> None:
        """Lets go of connections."""
        ...


def unknown(user_id: str) -> Contact:
    """A user the directory does not know: named by id, with nowhere to email."""
    return Contact(user_id=user_id, name=user_id, email=None)


# The dev users of contract/RULES.md ("user U is U@example.test in the dev data").
DEV_USERS: Mapping[str, str] = {
    "u_buyer_1": "Bea Buyer",
    "u_buyer_2": "Ben Buyer",
    "u_provider_1": "Pia Photographer",
    "u_provider_2": "Max Model",
    "u_agent_1": "Sam Support",
    "u_admin": "Ada Admin",
}


class DevUserDirectory:
    """The dev data's users, in memory."""

    def __init__(self, users: Mapping[str, str] = DEV_USERS, *, email_domain: str = "example.test") -> None:
        self._users = users
        self._domain = email_domain

    async def contacts(self, user_ids: Iterable[str]) -> dict[str, Contact]:
        """Known dev users with their address; anyone else unknown."""
        return {user_id: self._contact(user_id) for user_id in dict.fromkeys(user_ids)}

    def _contact(self, user_id: str) -> Contact:
        name = self._users.get(user_id)
        return (
            unknown(user_id) if name is None else Contact(user_id=user_id, name=name, email=f"{user_id}@{self._domain}")
        )

    async def close(self) -> None:
        """Nothing to let go of."""


class HttpUserDirectory:
    """The account service over HTTP, answers kept for ``ttl`` seconds (an address change reaches
    messages within that time)."""

    def __init__(self, base_url: str, *, token: str = "", ttl: float = 300.0, timeout: float = 5.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout, trust_env=False)
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Contact]] = {}

    async def contacts(self, user_ids: Iterable[str]) -> dict[str, Contact]:
        """Cached users at once, the rest in one request; raises when the service cannot answer, so
        the caller retries rather than sending without an address."""
        wanted = list(dict.fromkeys(user_ids))
        now = time.monotonic()
        found = {user_id: hit[1] for user_id in wanted if (hit := self._cache.get(user_id)) and hit[0] > now}
        if missing := [user_id for user_id in wanted if user_id not in found]:
            response = await self._client.get("/users", params={"ids": ",".join(missing)})
            response.raise_for_status()
            for entry in response.json():
                contact = Contact(
                    user_id=str(entry["id"]),
                    name=str(entry.get("name") or entry["id"]),
                    email=entry.get("email") or None,
                )
                if contact.user_id in missing:
                    self._cache[contact.user_id] = (now + self._ttl, contact)
                    found[contact.user_id] = contact
        return {user_id: found.get(user_id) or unknown(user_id) for user_id in wanted}

    async def close(self) -> None:
        """Closes the HTTP client."""
        await self._client.aclose()
