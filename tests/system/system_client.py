"""A small client of the running system: GraphQL calls as dev users, the mailbox, fresh slots."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import httpx
from google.protobuf.message import Message

from callsheet_kit.identity import Caller, CredentialIssuer, reset_caller, set_caller
from callsheet_kit.keys import private_key_from_text
from callsheet_kit.rpc import invoke, open_channel
from devstack.stack import Stack
from devstack.tokens import mint

_slots = itertools.count()
# Well inside the booking horizon (two years) and past any slot the clock tests move through.
_base_day = random.randint(60, 300)


class GraphQLError(AssertionError):
    """The operation failed; ``code`` is extensions.code."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors)
        self.errors = errors
        self.code = errors[0].get("extensions", {}).get("code")
        self.extensions = errors[0].get("extensions", {})


class System:
    """Talks to the gateway and the mail sink of a running stack."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.http = httpx.Client(base_url=stack.gateway_url, timeout=30, trust_env=False)

    def gql(
        self, user: str, query: str, variables: dict[str, Any] | None = None, roles: list[str] | None = None
    ) -> Any:
        """Runs an operation as ``user``; raises GraphQLError when it failed."""
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {mint(user, roles or [], secret=self.stack.jwt_secret)}"},
        )
        body = response.json()
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        return body["data"]

    def rest(self, user: str, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """Calls a /v1 route as ``user``."""
        token = mint(user, [], secret=self.stack.jwt_secret)
        return self.http.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})

    def mail_to(self, address: str) -> list[dict[str, Any]]:
        """Messages the SMTP sink received for ``address``."""
        response = httpx.get(f"{self.stack.mail_http_url}/messages", params={"to": address}, trust_env=False)
        return list(response.json())

    def mails_about(self, address: str, subject_part: str, about: str) -> list[dict[str, Any]]:
        """Messages to ``address`` with ``subject_part`` in the subject and ``about`` (an order id) in the text."""
        return [m for m in self.mail_to(address) if subject_part in m["subject"] and about in (m["text"] or "")]

    def wait_for_mail(
        self, address: str, subject_part: str, *, about: str = "", timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        """Waits until a message with ``subject_part`` (and ``about`` in its text) reached ``address``;
        returns all such messages."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.mails_about(address, subject_part, about)
            if found:
                return found
            time.sleep(0.2)
        raise AssertionError(f"no mail to {address} about {subject_part!r} {about}")


def _calls(
    system: System,
    service: str,
    stub: Callable[[grpc.aio.Channel], Any],
    method: str,
    requests: list[Message],
    *,
    caller: str,
    acting_for: Caller,
    timeout: float,
) -> list[Any]:
    """Sends ``requests`` at the same time on one channel signed as ``caller``; each answer or its error, in order."""

    async def run() -> list[Any]:
        issuer = CredentialIssuer(service=caller, key=private_key_from_text(system.stack.keys.private_keys[caller]))
        channel = open_channel(f"127.0.0.1:{system.stack.ports[service]}", issuer=issuer, audience=service)
        call = getattr(stub(channel), method)
        token = set_caller(acting_for)
        try:
            return await asyncio.gather(
                *(invoke(call, request, timeout=timeout) for request in requests), return_exceptions=True
            )
        finally:
            reset_caller(token)
            await channel.close(None)

    return asyncio.run(run())


def rpc(
    system: System,
    service: str,
    stub: Callable[[grpc.aio.Channel], Any],
    method: str,
    request: Message,
    *,
    user: str = "",
    roles: frozenset[str] = frozenset(),
    caller: str = "gateway",
) -> Any:
    """Calls a service directly, as ``caller`` (the gateway, or another service) would, acting for ``user``.

    Lets a test prove what a service itself refuses, whatever the gateway would have caught.
    """
    [answer] = _calls(
        system,
        service,
        stub,
        method,
        [request],
        caller=caller,
        acting_for=Caller(user_id=user, roles=roles),
        timeout=10,
    )
    if isinstance(answer, BaseException):
        raise answer
    return answer


def rpc_all_at_once(
    system: System,
    service: str,
    stub: Callable[[grpc.aio.Channel], Any],
    method: str,
    requests: list[Message],
    *,
    caller: str,
    user: str = "",
) -> list[Any]:
    """Sends every request at the same time as ``caller`` (acting for ``user``); each answer or DomainError, in order."""
    return _calls(system, service, stub, method, requests, caller=caller, acting_for=Caller(user_id=user), timeout=60)


def fresh_slot(hours: int = 2) -> tuple[str, str]:
    """A future slot no other test books."""
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    start = today + timedelta(days=_base_day + next(_slots))
    return start.isoformat().replace("+00:00", "Z"), (start + timedelta(hours=hours)).isoformat().replace("+00:00", "Z")


QUOTE = """mutation($i: CreateQuoteInput!) { createQuote(input: $i) {
  id total { amountCents currency } subtotal { amountCents } platformFee { amountCents } tax { amountCents }
  deposit { amountCents } policySnapshot expiresAt } }"""
CHECKOUT = "mutation($i: CheckoutInput!) { checkout(input: $i) { id state version buyerId providerId } }"
CONFIRM = "mutation($i: OrderCommandInput!) { confirmOrder(input: $i) { id state version } }"
CANCEL = "mutation($i: OrderCommandInput!) { cancelOrder(input: $i) { id state version } }"
ORDER = """query($id: ID!) { order(id: $id) { id state version startUtc priceSnapshot policySnapshot
  payment { authorized { amountCents } captured { amountCents } refunded { amountCents } }
  timeline(first: 50) { edges { cursor node { kind subtype actorUserId payload } } pageInfo { hasNextPage endCursor } } } }"""


def quote_input(start: str, end: str, provider: str = "u_provider_1", role: str = "photographer") -> dict[str, Any]:
    """A createQuote input for a slot."""
    return {
        "providerId": provider,
        "roleCode": role,
        "startUtc": start,
        "endUtc": end,
        "timezone": "America/New_York",
        "location": {"country": "US", "region": "NY", "city": "New York"},
    }
