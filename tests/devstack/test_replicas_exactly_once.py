"""Two replicas of every service side by side on one PostgreSQL and one NATS, as the chart's
``replicas: 2`` runs them, and every flow still happens once.

A booking is captured once, put on its timeline once and told to each participant once; an
accepted EXTRAS card charges once, with one receipt; an EXTRAS card left unanswered expires once
though both cards replicas sweep; a support case past its first-response target escalates once
though both support replicas sweep, and its agent is told once. Across all of it, both replicas of
every service serve calls and pull from each durable consumer, every event crosses the stream
once, and each reader is told of each event once per channel, each email sent once.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx
import psycopg
import pytest

from callsheet.clock.v1 import clock_pb2, clock_pb2_grpc
from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.bus import Bus
from callsheet_kit.identity import Caller, CredentialIssuer, reset_caller, set_caller
from callsheet_kit.keys import private_key_from_text
from callsheet_kit.proto import datetime_of
from callsheet_kit.rpc import invoke, open_channel
from devstack.stack import SERVICES, Stack, random_suffix
from devstack.tokens import mint

BUYER, PROVIDER, AGENT, ADMIN = "u_buyer_1", "u_provider_1", "u_agent_1", "u_admin"
SCHEMAS = {"orders": "ord", "cards": "cards", "payments": "pay", "support": "sup", "notify": "ntf"}
FEED, EMAIL = "in_app", "email"
# 2 × 50.00 of extras, the 10 % fee and New York's 8.88 % tax on both.
EXTRAS = {"items": [{"description": "second look", "quantity": 2, "unitAmountCents": 5_000}], "currency": "USD"}
EXTRAS_TOTAL = 11_977

QUOTE = "mutation($i: CreateQuoteInput!) { createQuote(input: $i) { id total { amountCents } } }"
CHECKOUT = "mutation($i: CheckoutInput!) { checkout(input: $i) { id state version } }"
CONFIRM = "mutation($i: OrderCommandInput!) { confirmOrder(input: $i) { id state version } }"
ORDER = """query($id: ID!) { order(id: $id) { id state payment { captured { amountCents } }
  timeline(first: 100) { edges { node { kind subtype payload } } } } }"""
CREATE_CARD = """mutation($i: CreateCardInput!) { createCard(input: $i) { id state version expiresAt } }"""
RESPOND = "mutation($i: RespondToCardInput!) { respondToCard(input: $i) { id state version } }"
CARD = "query($id: ID!) { card(id: $id) { id state version } }"
OPEN_CASE = """mutation($i: OpenSupportCaseInput!) { openSupportCase(input: $i) {
  id state firstResponseDueAt } }"""
CASE = "query($id: ID!) { supportCase(id: $id) { id state slaBreached events { kind payload } } }"
FEED_QUERY = "query { notifications(first: 100) { edges { node { id eventType channel } } } }"
ADVANCE = "mutation($s: Int!) { advanceClock(seconds: $s) }"
# Enough reads that a round-robin channel cannot leave a replica out.
READS_PER_SERVICE = 6

T = TypeVar("T")
Told = tuple[str, str, str]  # (event type, user, channel)

_slots = itertools.count()
_base_day = random.randint(60, 300)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Two replicas of each of the five services, one gateway; every process prints its spans to its log."""
    suffix = random_suffix()
    stack = Stack.from_environment(
        tmp_path_factory.mktemp("replicas-once") / "stack",
        database_name=f"callsheet_test_{suffix}",
        event_prefix=f"cstest{suffix}",
        env_name="test",
        gateway_port=0,
        replicas=dict.fromkeys(SERVICES, 2),
        # The console exporter is how a replica shows, in its own log, which calls it served.
        extra_env={"CALLSHEET_TRACES_EXPORTER": "console", "OTEL_BSP_SCHEDULE_DELAY": "100"},
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
        if stack.postgres is not None:
            stack.postgres.purge()
        elif stack.admin_url:
            from callsheet_kit.provision import drop_database

            drop_database(stack.admin_url, stack.database_name)


@dataclass
class Gateway:
    """GraphQL through the gateway as a dev user; the gateway spreads its calls over each service's replicas."""

    stack: Stack
    http: httpx.Client

    def gql(self, user: str, query: str, variables: dict[str, Any] | None = None, roles: tuple[str, ...] = ()) -> Any:
        """The operation's data; fails the test on any error."""
        token = mint(user, list(roles), secret=self.stack.jwt_secret)
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]


@pytest.fixture(scope="module")
def gateway(stack: Stack) -> Iterator[Gateway]:
    with httpx.Client(base_url=stack.gateway_url, timeout=30, trust_env=False) as http:
        yield Gateway(stack, http)


# --- waiting ---------------------------------------------------------------------------------


def wait_for(probe: Callable[[], T], done: Callable[[T], bool], *, what: str, timeout: float = 30) -> T:
    """Polls ``probe`` until ``done`` holds of its value; fails naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never happened; last seen: {value!r}")
        time.sleep(0.25)


def key() -> str:
    return uuid.uuid4().hex


def repeated(items: list[str]) -> dict[str, int]:
    """The items that occur more than once, with their counts."""
    return {item: count for item, count in Counter(items).items() if count > 1}


# --- the booking and its card ------------------------------------------------------------------


def fresh_slot() -> tuple[str, str]:
    """A two-hour slot months ahead, well past any clock move of this module, no other test books."""
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    start += timedelta(days=_base_day + next(_slots))
    return (
        start.isoformat().replace("+00:00", "Z"),
        (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
    )


def confirmed_booking(gateway: Gateway) -> dict[str, Any]:
    """A fresh slot quoted and checked out by the buyer, then confirmed by the provider."""
    start, end = fresh_slot()
    quote_input = {
        "providerId": PROVIDER,
        "roleCode": "photographer",
        "startUtc": start,
        "endUtc": end,
        "timezone": "America/New_York",
        "location": {"country": "US", "region": "NY", "city": "New York"},
    }
    quote = gateway.gql(BUYER, QUOTE, {"i": quote_input})["createQuote"]
    checkout = {"quoteId": quote["id"], "paymentMethodId": "pm_card_visa", "idempotencyKey": key()}
    order = gateway.gql(BUYER, CHECKOUT, {"i": checkout})["checkout"]
    assert order["state"] == "AUTHORIZED"
    command = {"orderId": order["id"], "expectedVersion": order["version"], "idempotencyKey": key()}
    confirmed = gateway.gql(PROVIDER, CONFIRM, {"i": command})["confirmOrder"]
    assert confirmed["state"] == "CONFIRMED"
    return {"id": order["id"], "total": quote["total"]["amountCents"]}


def open_extras(gateway: Gateway, order_id: str) -> dict[str, Any]:
    """The provider opens an EXTRAS card on the order."""
    variables = {"i": {"orderId": order_id, "type": "EXTRAS", "payload": EXTRAS, "idempotencyKey": key()}}
    card: dict[str, Any] = gateway.gql(PROVIDER, CREATE_CARD, variables)["createCard"]
    assert card["state"] == "OPEN"
    return card


def card_in(gateway: Gateway, card_id: str, state: str) -> dict[str, Any]:
    found: dict[str, Any] = wait_for(
        lambda: gateway.gql(BUYER, CARD, {"id": card_id})["card"],
        lambda card: card["state"] == state,
        what=f"card {card_id} {state}",
    )
    return found


def timeline(gateway: Gateway, order_id: str) -> list[dict[str, Any]]:
    """The order's timeline entries, oldest first."""
    edges = gateway.gql(BUYER, ORDER, {"id": order_id})["order"]["timeline"]["edges"]
    return [edge["node"] for edge in edges]


def timeline_with(gateway: Gateway, order_id: str, wanted: set[str]) -> list[str]:
    """The order's timeline subtypes, once every one of ``wanted`` is there."""
    entries = wait_for(
        lambda: [entry["subtype"] for entry in timeline(gateway, order_id)],
        lambda subtypes: wanted <= set(subtypes),
        what=f"{sorted(wanted)} on the timeline of {order_id}",
    )
    return entries


def booking_told() -> set[Told]:
    """What a confirmed booking tells: both sides of its transitions, the buyer of its money
    (the authorization in the feed alone)."""
    return {
        *told("order.authorized", BUYER, PROVIDER),
        ("payment.authorized", BUYER, FEED),
        *told("order.confirmed", BUYER, PROVIDER),
        *told("payment.captured", BUYER),
    }


def told(event_type: str, *users: str) -> set[Told]:
    """``event_type`` told to each of ``users`` in the feed and by email."""
    return {(event_type, user, channel) for user in users for channel in (FEED, EMAIL)}


# --- reading the services' own records -----------------------------------------------------------


def rows(stack: Stack, service: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """A query run in ``service``'s own schema, as that service's role."""
    with psycopg.connect(stack.service_urls[service]) as conn:
        return list(conn.execute(sql, params).fetchall())


def emitted(stack: Stack, service: str, about: str) -> list[str]:
    """The types of the events ``service`` wrote to its outbox about ``about`` (an order or a case), in order."""
    types: list[str] = []
    for (data,) in rows(stack, service, f"SELECT envelope FROM {SCHEMAS[service]}.outbox ORDER BY seq"):
        envelope = EventEnvelope()
        envelope.ParseFromString(bytes(data))
        if envelope.subject == about:
            types.append(envelope.type)
    return types


LEDGER = "SELECT kind FROM pay.ledger_entry WHERE order_id = %s ORDER BY created_at, kind"


def receipts(stack: Stack, order_id: str) -> list[tuple[str, int]]:
    """(kind, total) of the order's receipts, oldest first."""
    found = rows(
        stack,
        "payments",
        "SELECT r.kind, r.total_cents FROM pay.receipt r JOIN pay.payment p USING (payment_id)"
        " WHERE p.order_id = %s ORDER BY r.created_at",
        order_id,
    )
    return [(str(kind), int(total)) for kind, total in found]


@dataclass(frozen=True)
class Notification:
    """One row of notify's notifications: one event told to one user on one channel."""

    notification_id: str
    event_id: str
    event_type: str
    user_id: str
    channel: str
    status: str

    @property
    def told(self) -> Told:
        return (self.event_type, self.user_id, self.channel)

    @property
    def message_id(self) -> str:
        """The Message-ID its email carries."""
        return f"<{self.notification_id}@callsheet>"


NOTIFICATIONS = "SELECT notification_id, event_id, event_type, user_id, channel, status FROM ntf.notification"


def notifications(stack: Stack, *, order_id: str = "", case_id: str = "") -> list[Notification]:
    """Notify's notifications about an order, about a support case, or (naming neither) all of them."""
    if order_id:
        found = rows(stack, "notify", f"{NOTIFICATIONS} WHERE order_id = %s", order_id)
    elif case_id:
        found = rows(stack, "notify", f"{NOTIFICATIONS} WHERE context -> 'case' ->> 'id' = %s", case_id)
    else:
        found = rows(stack, "notify", NOTIFICATIONS)
    return [Notification(*(str(value) for value in row)) for row in found]


def mailbox(stack: Stack) -> Counter[str]:
    """How many messages the SMTP sink received under each Message-ID."""
    messages = httpx.get(f"{stack.mail_http_url}/messages", trust_env=False, timeout=10).json()
    return Counter(message["messageId"] for message in messages)


def mails_to(stack: Stack, user: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{stack.mail_http_url}/messages", params={"to": f"{user}@example.test"}, trust_env=False, timeout=10
    )
    return list(response.json())


def told_exactly_once(stack: Stack, wanted: set[Told], **about: str) -> list[Notification]:
    """Waits until each of ``wanted`` has its notification and each email of them reached the
    mailbox; then each was told exactly once, nothing else was told about it, and no email went twice."""

    def delivered(found: list[Notification]) -> bool:
        mailed = mailbox(stack)
        emails = [n for n in found if n.told in wanted and n.channel == EMAIL]
        return wanted <= {n.told for n in found} and all(n.status == "sent" and mailed[n.message_id] for n in emails)

    found = wait_for(lambda: notifications(stack, **about), delivered, what=f"everything told about {about}")
    assert dict(Counter(n.told for n in found)) == dict.fromkeys(wanted, 1)
    mailed = mailbox(stack)
    assert {n.message_id: mailed[n.message_id] for n in found if n.channel == EMAIL} == {
        n.message_id: 1 for n in found if n.channel == EMAIL
    }
    return found


# --- the replicas' clocks and the stream -------------------------------------------------------------


def replica_clocks(stack: Stack) -> dict[str, tuple[datetime, int]]:
    """Each replica's own time and offset, asked of it directly."""

    async def ask() -> dict[str, tuple[datetime, int]]:
        issuer = CredentialIssuer(service="gateway", key=private_key_from_text(stack.keys.private_keys["gateway"]))
        token = set_caller(Caller(user_id=ADMIN, roles=frozenset({"admin"})))
        answers: dict[str, tuple[datetime, int]] = {}
        try:
            for service in SERVICES:
                for name in stack.replica_names(service):
                    channel = open_channel(f"127.0.0.1:{stack.ports[name]}", issuer=issuer, audience=service)
                    try:
                        stub = clock_pb2_grpc.ClockServiceStub(channel)
                        answer = await invoke(stub.GetClock, clock_pb2.GetClockRequest(), timeout=5)
                    finally:
                        await channel.close(None)
                    now = datetime_of(answer.now)
                    assert now is not None
                    answers[name] = (now, answer.offset_seconds)
        finally:
            reset_caller(token)
        return answers

    return asyncio.run(ask())


def service_now(stack: Stack) -> datetime:
    """The system's time: the furthest of the replicas' clocks."""
    return max(now for now, _ in replica_clocks(stack).values())


def advance_clock_past(stack: Stack, gateway: Gateway, moment: datetime) -> None:
    """Moves the system's clock a minute past ``moment`` through the gateway, once nothing is under
    way, and waits until every replica keeps the new time (one replica of each service is told,
    the other follows it from the database)."""
    wait_until_quiet(stack)
    seconds = math.ceil((moment - service_now(stack)).total_seconds()) + 60
    before = max(offset for _, offset in replica_clocks(stack).values())
    gateway.gql(ADMIN, ADVANCE, {"s": seconds}, roles=("admin",))
    wait_for(
        lambda: {name: offset for name, (_, offset) in replica_clocks(stack).items()},
        lambda offsets: set(offsets.values()) == {before + seconds},
        what=f"every replica's clock {seconds} s ahead",
    )


def with_bus(stack: Stack, work: Callable[[Bus], Any]) -> Any:
    """Runs ``work`` on a connection of its own to the stack's stream."""
    assert stack.nats_url is not None
    bus = Bus(url=stack.nats_url, stream=stack.event_prefix.upper(), prefix=stack.event_prefix, name="test-once")

    async def run() -> Any:
        await bus.connect()
        try:
            return await work(bus)
        finally:
            await bus.close()

    return asyncio.run(run())


async def _consumers(bus: Bus) -> dict[str, tuple[int, int, int]]:
    """Each durable consumer's (pending, unacked, waiting pulls)."""
    return {
        info.name: (info.num_pending or 0, info.num_ack_pending or 0, info.num_waiting or 0)
        for info in await bus.js.consumers_info(bus.stream)
    }


async def _stream_event_ids(bus: Bus) -> Counter[str]:
    """How many times each event id is in the stream."""
    state = (await bus.js.stream_info(bus.stream)).state
    ids: Counter[str] = Counter()
    for seq in range(state.first_seq, state.last_seq + 1):
        envelope = EventEnvelope()
        envelope.ParseFromString((await bus.js.get_msg(bus.stream, seq)).data or b"")
        ids[envelope.event_id] += 1
    return ids


def unpublished(stack: Stack) -> dict[str, int]:
    """How many outbox rows each service has not published yet."""
    return {
        service: int(rows(stack, service, f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL")[0][0])
        for service, schema in SCHEMAS.items()
    }


def wait_until_quiet(stack: Stack) -> None:
    """Waits until every event is published and consumed and no email is waiting to go."""

    def state() -> tuple[dict[str, int], dict[str, tuple[int, int, int]], int]:
        consumers = with_bus(stack, _consumers)
        waiting = rows(stack, "notify", "SELECT count(*) FROM ntf.notification WHERE status = 'pending'")[0][0]
        return unpublished(stack), consumers, int(waiting)

    wait_for(
        state,
        lambda seen: (
            not any(seen[0].values())
            and all(pending == unacked == 0 for pending, unacked, _ in seen[1].values())
            and seen[2] == 0
        ),
        what="the system quiet",
    )


def served(stack: Stack, name: str, service: str) -> int:
    """How many calls to ``service``'s own API the replica ``name`` has traced."""
    span = re.compile(rf'"name": "/callsheet\.{service}\.v1\.')
    return len(span.findall(stack.processes[name].log_path.read_text(errors="replace")))


# --- the flows -----------------------------------------------------------------------------------


def test_a_booking_is_captured_once_told_once_and_confirmed_once_on_its_timeline(
    stack: Stack, gateway: Gateway
) -> None:
    order = confirmed_booking(gateway)

    subtypes = timeline_with(gateway, order["id"], {"order.confirmed", "payment.captured"})
    assert (
        gateway.gql(BUYER, ORDER, {"id": order["id"]})["order"]["payment"]["captured"]["amountCents"] == order["total"]
    )
    assert subtypes.count("order.confirmed") == 1 and repeated(subtypes) == {}
    sent = told_exactly_once(stack, booking_told(), order_id=order["id"])

    # One authorization captured once: in the ledger, at the card processor, on the receipts.
    assert [kind for (kind,) in rows(stack, "payments", LEDGER, order["id"])] == ["authorization", "capture"]
    payment = rows(stack, "payments", "SELECT status, captured_cents FROM pay.payment WHERE order_id = %s", order["id"])
    assert [(str(status), int(cents)) for status, cents in payment] == [("captured", order["total"])]
    intents = rows(
        stack, "payments", "SELECT received_cents FROM pay.stripe_sim_intent WHERE order_id = %s", order["id"]
    )
    assert [int(cents) for (cents,) in intents] == [order["total"]]
    assert receipts(stack, order["id"]) == [("booking", order["total"])]
    assert repeated(emitted(stack, "orders", order["id"])) == {}
    assert emitted(stack, "payments", order["id"]).count("payment.captured") == 1

    # Each participant's mailbox holds one confirmation of the booking.
    confirmations = {n.message_id: n.user_id for n in sent if n.event_type == "order.confirmed" and n.channel == EMAIL}
    for user in (BUYER, PROVIDER):
        mails = [mail for mail in mails_to(stack, user) if confirmations.get(mail["messageId"]) == user]
        assert len(mails) == 1, mails
    about = [mail["subject"] for mail in mails_to(stack, BUYER) if order["id"] in (mail["text"] or "")]
    assert len([subject for subject in about if "Booking confirmed" in subject]) == 1, about


def test_an_accepted_extras_card_closes_once_with_one_charge_and_one_receipt(stack: Stack, gateway: Gateway) -> None:
    order = confirmed_booking(gateway)
    card = open_extras(gateway, order["id"])
    respond = {"cardId": card["id"], "action": "ACCEPT", "expectedVersion": card["version"], "idempotencyKey": key()}
    assert gateway.gql(BUYER, RESPOND, {"i": respond})["respondToCard"]["state"] in ("ACCEPTED", "CLOSED")
    card_in(gateway, card["id"], "CLOSED")

    subtypes = timeline_with(gateway, order["id"], {"card.closed.extras", "payment.captured"})
    assert [s for s in subtypes if s.startswith("card.")] == [
        "card.requested.extras",
        "card.responded.extras",
        "card.closed.extras",
    ]
    assert repeated(subtypes) == {}
    told_exactly_once(
        stack,
        booking_told()
        | told("card.requested.extras", BUYER)
        | told("card.responded.extras", PROVIDER)
        | told("card.closed.extras", BUYER, PROVIDER)
        | told("payment.charged", BUYER),
        order_id=order["id"],
    )

    charges = rows(
        stack, "payments", "SELECT kind, status, total_cents FROM pay.charge WHERE order_id = %s", order["id"]
    )
    assert [(str(kind), str(status), int(total)) for kind, status, total in charges] == [
        ("extras", "succeeded", EXTRAS_TOTAL)
    ]
    assert receipts(stack, order["id"]) == [("booking", order["total"]), ("extras", EXTRAS_TOTAL)]
    assert [kind for (kind,) in rows(stack, "payments", LEDGER, order["id"])].count("charge") == 1
    assert emitted(stack, "cards", order["id"]) == [
        "card.requested.extras",
        "card.responded.extras",
        "card.closed.extras",
    ]
    assert emitted(stack, "payments", order["id"]).count("payment.charged") == 1


def test_an_unanswered_extras_card_expires_once_though_both_cards_replicas_sweep(
    stack: Stack, gateway: Gateway
) -> None:
    order = confirmed_booking(gateway)
    card = open_extras(gateway, order["id"])
    told_exactly_once(stack, booking_told() | told("card.requested.extras", BUYER), order_id=order["id"])

    expires_at = datetime.fromisoformat(card["expiresAt"].replace("Z", "+00:00"))
    advance_clock_past(stack, gateway, expires_at)
    expired = card_in(gateway, card["id"], "EXPIRED")
    assert expired["version"] == card["version"] + 1

    timeline_with(gateway, order["id"], {"card.closed.extras"})
    cards = [entry for entry in timeline(gateway, order["id"]) if entry["kind"] == "card"]
    assert [(entry["subtype"], entry["payload"]["state"]) for entry in cards] == [
        ("card.requested.extras", "open"),
        ("card.closed.extras", "expired"),
    ]
    told_exactly_once(
        stack,
        booking_told() | told("card.requested.extras", BUYER) | told("card.closed.extras", BUYER, PROVIDER),
        order_id=order["id"],
    )
    assert emitted(stack, "cards", order["id"]) == ["card.requested.extras", "card.closed.extras"]
    assert [kind for (kind,) in rows(stack, "payments", LEDGER, order["id"])] == ["authorization", "capture"]


def test_an_overdue_case_escalates_once_though_both_support_replicas_sweep(stack: Stack, gateway: Gateway) -> None:
    opening = {
        "type": "GENERAL",
        "subject": "general case",
        "description": "Please help.",
        "payload": {"topic": "account"},
        "idempotencyKey": key(),
    }
    case = gateway.gql(BUYER, OPEN_CASE, {"i": opening})["openSupportCase"]
    assert case["state"] == "NEW"

    advance_clock_past(stack, gateway, datetime.fromisoformat(case["firstResponseDueAt"].replace("Z", "+00:00")))
    escalated = wait_for(
        lambda: gateway.gql(AGENT, CASE, {"id": case["id"]}, roles=("support_agent",))["supportCase"],
        lambda found: found["state"] == "ESCALATED",
        what="the escalation",
    )
    assert escalated["slaBreached"]
    assert [event["kind"] for event in escalated["events"]].count("escalated") == 1
    assert emitted(stack, "support", case["id"]).count("support.case.escalated") == 1

    told_exactly_once(
        stack, told("support.case.opened", BUYER, AGENT) | told("support.case.escalated", AGENT), case_id=case["id"]
    )
    feed = gateway.gql(AGENT, FEED_QUERY, roles=("support_agent",))["notifications"]["edges"]
    assert [edge["node"]["eventType"] for edge in feed].count("support.case.escalated") == 1
    # Past its target now, still ESCALATED a few sweeps later: the replicas' later passes change nothing.
    time.sleep(2)
    again = gateway.gql(AGENT, CASE, {"id": case["id"]}, roles=("support_agent",))["supportCase"]
    assert [event["kind"] for event in again["events"]].count("escalated") == 1


def test_both_replicas_of_every_service_took_a_share_and_every_event_crossed_once(stack: Stack) -> None:
    wait_until_quiet(stack)

    # Every durable consumer is pulled by both replicas of its service.
    pullers: dict[str, int] = {}

    def pulled() -> dict[str, int]:
        for name, (_, _, waiting) in with_bus(stack, _consumers).items():
            pullers[name] = max(pullers.get(name, 0), waiting)
        return pullers

    wait_for(pulled, lambda seen: bool(seen) and min(seen.values()) >= 2, what="two pullers on every consumer")

    # The relays of both replicas published every event once.
    assert unpublished(stack) == dict.fromkeys(SCHEMAS, 0)
    written = Counter(
        str(event_id)
        for service, schema in SCHEMAS.items()
        for (event_id,) in rows(stack, service, f"SELECT event_id FROM {schema}.outbox")
    )
    assert with_bus(stack, _stream_event_ids) == written
    assert repeated(list(written.elements())) == {}

    # Each event reached each reader once per channel, and each email left once.
    everything = notifications(stack)
    assert repeated([f"{n.event_id} {n.user_id} {n.channel}" for n in everything]) == {}
    mailed = mailbox(stack)
    assert {message_id for message_id, count in mailed.items() if count > 1} == set()
    assert set(mailed) == {n.message_id for n in everything if n.channel == EMAIL and n.status == "sent"}


def test_the_gateway_spreads_its_calls_over_both_replicas_of_every_service(stack: Stack, gateway: Gateway) -> None:
    # Reads each service answers, found or not (a card no one has is still looked up by cards).
    reads = {
        "orders": (BUYER, (), "{ orders(first: 5) { edges { node { id } } } }", {}),
        "cards": (BUYER, (), CARD, {"id": "card_nobody_has"}),
        "payments": (
            ADMIN,
            ("admin",),
            "query($p: ID!) { providerBalance(providerId: $p) { account } }",
            {"p": PROVIDER},
        ),
        "support": (AGENT, ("support_agent",), "{ supportCases(first: 5) { edges { node { id } } } }", {}),
        "notify": (BUYER, (), FEED_QUERY, {}),
    }
    replicas = [(service, name) for service in SERVICES for name in stack.replica_names(service)]
    assert [name for _, name in replicas] == [name for service in SERVICES for name in (service, f"{service}-2")]
    before = {name: served(stack, name, service) for service, name in replicas}
    for user, roles, query, variables in reads.values():
        for _ in range(READS_PER_SERVICE):
            gateway.gql(user, query, variables, roles=roles)

    # Spans reach the logs in batches: wait until every replica shows some of the reads.
    wait_for(
        lambda: {name: served(stack, name, service) - before[name] for service, name in replicas},
        lambda took: all(count > 0 for count in took.values()),
        what="a share of the reads served by every replica",
        timeout=15,
    )
