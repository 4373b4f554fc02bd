"""Card events on the order's timeline through the real services: each once, in the order they
happened, after the order's own entries, and still once when cards' events are delivered again."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import psycopg
from saga_tools import BUYER, PROVIDER, wait_for
from system_client import System
from test_cards import EXTRAS, confirmed, create, respond

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.bus import MSG_ID_HEADER, Bus

TIMELINE = """query($id: ID!) { order(id: $id) { timeline(first: 50) {
  edges { node { kind subtype actorUserId payload } } } } }"""
CARD_EVENTS = ["card.requested.extras", "card.responded.extras", "card.closed.extras"]
# The durable JetStream consumer orders puts card events on the timeline with (name, then source).
CARD_TIMELINE_DURABLE = "orders-card-timeline-cards"


def timeline(system: System, order_id: str) -> list[dict[str, Any]]:
    """The order's timeline entries, oldest first, as the buyer sees them."""
    edges = system.gql(BUYER, TIMELINE, {"id": order_id})["order"]["timeline"]["edges"]
    return [edge["node"] for edge in edges]


def published_card_events(system: System, order_id: str) -> list[tuple[str, bytes, dict[str, str]]]:
    """Cards' outbox rows about the order: NATS subject, envelope and headers, in the order they were written."""
    with psycopg.connect(system.stack.service_urls["cards"]) as conn:
        rows = conn.execute("SELECT subject, envelope, headers FROM cards.outbox ORDER BY seq").fetchall()
    about: list[tuple[str, bytes, dict[str, str]]] = []
    for subject, data, headers in rows:
        envelope = EventEnvelope()
        envelope.ParseFromString(bytes(data))
        if envelope.subject == order_id:
            about.append((subject, bytes(data), dict(headers)))
    return about


def deliver_again(
    system: System, events: list[tuple[str, bytes, dict[str, str]]], *, durable: str = CARD_TIMELINE_DURABLE
) -> None:
    """Publishes the events again under new message ids (so JetStream keeps them), as a relay that
    published but crashed before marking them would, and waits until the consumer ``durable`` acked them."""
    prefix = system.stack.event_prefix
    assert system.stack.nats_url is not None
    bus = Bus(url=system.stack.nats_url, stream=prefix.upper(), prefix=prefix, name="test-redelivery")

    async def run() -> None:
        await bus.connect()
        try:
            last = 0
            for subject, data, headers in events:
                ack = await bus.js.publish(subject, data, headers={**headers, MSG_ID_HEADER: uuid.uuid4().hex})
                last = ack.seq
            for _ in range(150):
                info = await bus.js.consumer_info(bus.stream, durable)
                if info.ack_floor is not None and (info.ack_floor.stream_seq or 0) >= last:
                    return
                await asyncio.sleep(0.2)
            raise AssertionError(f"{durable} never acked the events delivered again: {info}")
        finally:
            await bus.close()

    asyncio.run(run())


def test_a_declined_extras_card_lands_on_the_timeline_once_per_event_in_order(system: System) -> None:
    order_id = confirmed(system)
    card = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    respond(system, BUYER, card, "DECLINE")
    # The capture's own entry comes from payments' event, on its own way: the snapshot waits for it too.
    seen = wait_for(
        lambda: timeline(system, order_id),
        lambda entries: {"card.closed.extras", "payment.captured"} <= {e["subtype"] for e in entries},
        what="the card's closing and the capture on the timeline",
    )

    events = published_card_events(system, order_id)
    assert len(events) == len(CARD_EVENTS)
    deliver_again(system, events)
    entries = timeline(system, order_id)
    assert entries == seen

    subtypes = [e["subtype"] for e in entries]
    cards = [e for e in entries if e["kind"] == "card"]
    assert [e["subtype"] for e in cards] == CARD_EVENTS
    assert all(subtypes.count(subtype) == 1 for subtype in CARD_EVENTS)
    # After the order's own entries (the booking's transitions and calendar lines).
    first_card = subtypes.index("card.requested.extras")
    own = [i for i, e in enumerate(entries) if e["kind"] in ("system", "calendar")]
    assert "order.confirmed" in subtypes and max(own) < first_card

    requested, responded, closed = cards
    assert requested["actorUserId"] == PROVIDER
    assert {k: v for k, v in requested["payload"].items() if k != "expiresAt"} == {
        "cardId": card["id"],
        "cardType": "extras",
        "state": "open",
        "version": 1,
    }
    assert requested["payload"]["expiresAt"].endswith("Z")
    assert responded["actorUserId"] == BUYER
    assert responded["payload"]["action"] == "decline" and responded["payload"]["responseId"].startswith("rsp_")
    assert (responded["payload"]["cardId"], responded["payload"]["cardType"]) == (card["id"], "extras")
    assert closed["payload"] == {"cardId": card["id"], "cardType": "extras", "state": "declined", "version": 2}
