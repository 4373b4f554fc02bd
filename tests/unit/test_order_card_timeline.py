"""Card events on the order's timeline, on the in-memory unit of work: the entry each family makes,
which card types the consumer takes, and the drop of an event about an order orders does not know."""

from __future__ import annotations

from datetime import timedelta

import pytest
from memory import NOW, MemoryOrdersUnitOfWork, World
from test_order_use_cases import BUYER, PROVIDER, authorized_order

from callsheet.cards.v1 import cards_pb2
from callsheet.cards.v1 import events_pb2 as card_events
from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.bus import Bus
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.events import event_type_for
from callsheet_kit.proto import timestamp
from services.orders.adapters.tables import kit_tables
from services.orders.bootstrap import CARD_EVENTS
from services.orders.usecases.record_card_event import CardEvent, record_card_event

EXPIRES = NOW + timedelta(hours=48)


def card(state: int = cards_pb2.CARD_STATE_OPEN, version: int = 1, **fields: object) -> cards_pb2.Card:
    """An EXTRAS card on ``ord_1`` as cards publishes it."""
    return cards_pb2.Card(
        id="crd_1",
        order_id="ord_1",
        type=cards_pb2.CARD_TYPE_EXTRAS,
        state=state,
        version=version,
        expires_at=timestamp(EXPIRES),
        **fields,  # type: ignore[arg-type]
    )


def envelope_of(event: CardEvent, *, actor: str, seq: int, order_id: str = "ord_1") -> EventEnvelope:
    """The envelope cards' outbox wraps the event in."""
    envelope = EventEnvelope(
        event_id=f"evt_{seq}",
        type=event_type_for(event),
        source="cards",
        subject=order_id,
        occurred_at=timestamp(NOW + timedelta(minutes=seq)),
        actor_user_id=actor,
        subject_seq=seq,
    )
    envelope.data.Pack(event)
    return envelope


async def record(world: World, event: CardEvent, envelope: EventEnvelope) -> None:
    """Applies one card event in its own unit of work, as the consumer does."""
    async with MemoryOrdersUnitOfWork(world) as uow:
        await record_card_event(uow, event, envelope)
        await uow.commit()


@pytest.mark.asyncio
async def test_each_card_event_family_appends_one_card_entry_with_its_full_type() -> None:
    world = World()
    authorized_order(world)
    world.timeline.clear()
    response = cards_pb2.CardResponse(id="rsp_1", responder_user_id=BUYER.user_id, action=cards_pb2.CARD_ACTION_DECLINE)
    extras = cards_pb2.CARD_TYPE_EXTRAS
    reschedule = cards_pb2.Card(
        id="crd_2", order_id="ord_1", state=cards_pb2.CARD_STATE_SUPERSEDED, version=2, superseded_by="crd_3"
    )
    events: list[tuple[CardEvent, str]] = [
        (card_events.CardRequested(card=card(), type=extras), PROVIDER.user_id),
        (card_events.CardExpiring(card=card(version=2), type=extras), ""),
        (
            card_events.CardResponded(card=card(cards_pb2.CARD_STATE_DECLINED, 3), type=extras, response=response),
            BUYER.user_id,
        ),
        (card_events.CardClosed(card=card(cards_pb2.CARD_STATE_DECLINED, 3), type=extras), BUYER.user_id),
        (card_events.CardClosed(card=reschedule, type=cards_pb2.CARD_TYPE_RESCHEDULE), PROVIDER.user_id),
    ]
    for seq, (event, actor) in enumerate(events, start=1):
        await record(world, event, envelope_of(event, actor=actor, seq=seq))

    entries = [(e.kind, e.subtype, e.actor_user_id, e.created_at) for e in world.timeline]
    assert entries == [
        ("card", "card.requested.extras", PROVIDER.user_id, NOW + timedelta(minutes=1)),
        ("card", "card.expiring.extras", None, NOW + timedelta(minutes=2)),
        ("card", "card.responded.extras", BUYER.user_id, NOW + timedelta(minutes=3)),
        ("card", "card.closed.extras", BUYER.user_id, NOW + timedelta(minutes=4)),
        ("card", "card.closed.reschedule", PROVIDER.user_id, NOW + timedelta(minutes=5)),
    ]
    base = {"cardId": "crd_1", "cardType": "extras"}
    assert [e.payload for e in world.timeline] == [
        {**base, "state": "open", "version": 1, "expiresAt": "2030-03-03T12:00:00Z"},
        {**base, "state": "open", "version": 2, "expiresAt": "2030-03-03T12:00:00Z"},
        {**base, "state": "declined", "version": 3, "responseId": "rsp_1", "action": "decline"},
        {**base, "state": "declined", "version": 3},
        {"cardId": "crd_2", "cardType": "reschedule", "state": "superseded", "version": 2, "supersededBy": "crd_3"},
    ]


@pytest.mark.asyncio
async def test_a_card_event_about_an_order_orders_does_not_know_is_dropped() -> None:
    world = World()
    event = card_events.CardRequested(card=card(), type=cards_pb2.CARD_TYPE_EXTRAS)
    await record(world, event, envelope_of(event, actor=PROVIDER.user_id, seq=1, order_id="ord_unknown"))
    assert world.timeline == []


def test_the_card_consumer_takes_every_card_type_of_every_family() -> None:
    consumer = EventConsumer(
        name="orders-card-timeline",
        uow=lambda: None,  # type: ignore[arg-type, return-value]
        tables=kit_tables,
        bus=Bus(url="nats://unused", stream="UNUSED", prefix="unused", name="test"),
        source="cards",
        handlers=dict.fromkeys(CARD_EVENTS, record_card_event),
        ordered=True,
    )
    assert consumer.event_types == [
        "card.closed",
        "card.expiring",
        "card.reopened",
        "card.requested",
        "card.responded",
        "card.stuck",
    ]
    families = ("requested", "responded", "expiring", "closed", "stuck", "reopened")
    for family, message in zip(families, CARD_EVENTS, strict=True):
        for card_type in cards_pb2.CardType.keys()[1:]:
            event_type = f"card.{family}.{card_type.removeprefix('CARD_TYPE_').lower()}"
            assert consumer._registered(event_type) == (message, record_card_event), event_type
    assert consumer._registered("card.noted.extras") is None
