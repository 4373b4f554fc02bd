"""The events support listens to: cards' disputes and stuck cards, payments' chargebacks (see
``usecases.incoming``). Events are decoded here; the use cases see plain facts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from google.protobuf.message import Message

from callsheet.cards.v1 import cards_pb2
from callsheet.cards.v1 import events_pb2 as card_events
from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.payments.v1 import events_pb2 as payment_events
from callsheet_kit.bus import Bus
from callsheet_kit.consumer import EventConsumer, Handler
from callsheet_kit.proto import datetime_of
from callsheet_kit.tables import KitTables
from services.support.usecases.incoming import (
    DisputeCard,
    PaymentDispute,
    card_stuck,
    chargeback_decided,
    chargeback_opened,
    dispute_card_closed,
    dispute_card_opened,
)
from services.support.usecases.ports import SupportUnitOfWork


def _dispute_card(card: cards_pb2.Card) -> DisputeCard:
    payload = json.loads(card.payload_json or "{}")
    refund = payload.get("requestedRefundCents")
    return DisputeCard(
        card_id=card.id,
        order_id=card.order_id,
        created_by=card.created_by,
        reason=str(payload.get("reason", "")),
        description=str(payload.get("description", "")),
        requested_refund_cents=int(refund) if isinstance(refund, int) else None,
        state=cards_pb2.CardState.Name(card.state).removeprefix("CARD_STATE_"),
    )


async def card_requested(uow: SupportUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """A DISPUTE card opens its booking dispute's case."""
    if event.type == cards_pb2.CARD_TYPE_DISPUTE:
        await dispute_card_opened(uow, _dispute_card(event.card))


async def card_closed(uow: SupportUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """A DISPUTE card that ended without the case closes it."""
    if event.type == cards_pb2.CARD_TYPE_DISPUTE:
        await dispute_card_closed(uow, _dispute_card(event.card))


async def card_stuck_event(uow: SupportUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """A card stuck with its effect unapplied goes to an agent."""
    card = event.card
    await card_stuck(
        uow,
        card_id=card.id,
        order_id=card.order_id,
        card_type=cards_pb2.CardType.Name(card.type).removeprefix("CARD_TYPE_"),
        version=card.version,
    )


def _payment_dispute(event: Any) -> PaymentDispute:
    dispute = event.dispute
    return PaymentDispute(
        dispute_id=dispute.id,
        order_id=dispute.order_id or event.payment.order_id,
        provider_id=event.payment.provider_id,
        reason=dispute.reason,
        amount_cents=dispute.amount.amount_cents,
        currency=dispute.amount.currency,
        due_by=datetime_of(dispute.due_by, present=dispute.HasField("due_by")),
    )


async def dispute_opened(uow: SupportUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """A chargeback opens its case."""
    await chargeback_opened(uow, _payment_dispute(event))


def _decided(won: bool) -> Handler:
    async def handle(uow: SupportUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
        await chargeback_opened(uow, _payment_dispute(event))  # in case the opening was never seen
        await chargeback_decided(uow, dispute_id=event.dispute.id, won=won)

    return handle


HANDLERS: Mapping[str, Mapping[type[Message], Handler]] = {
    "cards": {
        card_events.CardRequested: card_requested,
        card_events.CardClosed: card_closed,
        card_events.CardStuck: card_stuck_event,
    },
    "payments": {
        payment_events.DisputeOpened: dispute_opened,
        payment_events.DisputeWon: _decided(True),
        payment_events.DisputeLost: _decided(False),
    },
}


# The few event types of each busy source support takes: JetStream delivers it nothing else.
ONLY: Mapping[str, tuple[str, ...]] = {
    "cards": ("card.requested.dispute", "card.closed.dispute", "card.stuck.*"),
    "payments": ("dispute.opened", "dispute.won", "dispute.lost"),
}


def consumers(uow: Callable[[], SupportUnitOfWork], *, tables: KitTables, bus: Bus) -> list[EventConsumer]:
    """One durable consumer per source, of only the types support acts on. They are not ordered
    by subject (the positions count every event of the source); each handler copes with an
    event that overtook the one before it: a dispute withdrawn before its opening was seen opens
    its case closed, a chargeback decided before its opening was seen opens its case first."""
    return [
        EventConsumer(
            name=f"support-{source}",
            uow=uow,  # type: ignore[arg-type]
            tables=tables,
            bus=bus,
            source=source,
            handlers=handlers,
            only=ONLY[source],
        )
        for source, handlers in HANDLERS.items()
    ]
