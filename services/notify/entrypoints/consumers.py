"""The events notify tells people of, from each source, turned into occurrences (no protos past here)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from google.protobuf.message import Message

from callsheet.cards.v1 import cards_pb2
from callsheet.cards.v1 import events_pb2 as card_events
from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.orders.v1 import events_pb2 as order_events
from callsheet.orders.v1 import orders_pb2
from callsheet.payments.v1 import events_pb2 as payment_events
from callsheet.support.v1 import events_pb2 as support_events
from callsheet_kit.consumer import Handler
from callsheet_kit.proto import datetime_of
from services.notify.adapters.orders import order_facts
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.domain.compose import (
    CardFacts,
    CaseFacts,
    DisputeFacts,
    MoneyFacts,
    Occurrence,
)
from services.notify.domain.routing import Participants
from services.notify.usecases.notify_event import Notifier, notify_event

ORDER_EVENTS: tuple[type[Message], ...] = (
    order_events.OrderAuthorized,
    order_events.OrderConfirmed,
    order_events.OrderStarted,
    order_events.OrderCompleted,
    order_events.OrderCancelled,
    order_events.OrderDisputed,
    order_events.OrderClosed,
    order_events.OrderRescheduled,
)
CARD_EVENTS: tuple[type[Message], ...] = (
    card_events.CardRequested,
    card_events.CardResponded,
    card_events.CardExpiring,
    card_events.CardClosed,
    card_events.CardReopened,
)
PAYMENT_EVENTS: tuple[type[Message], ...] = (
    payment_events.PaymentAuthorized,
    payment_events.PaymentCaptured,
    payment_events.PaymentVoided,
    payment_events.PaymentCharged,
    payment_events.PaymentRefunded,
    payment_events.PayoutScheduled,
    payment_events.PayoutReleased,
    payment_events.PayoutPaid,
    payment_events.PayoutFailed,
    payment_events.DisputeOpened,
    payment_events.DisputeUpdated,
    payment_events.DisputeWon,
    payment_events.DisputeLost,
)
SUPPORT_EVENTS: tuple[type[Message], ...] = (
    support_events.SupportCaseOpened,
    support_events.SupportCaseUpdated,
    support_events.SupportCaseEscalated,
    support_events.SupportCaseResolved,
)


def _enum_word(enum: Any, value: int, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix)


def _json(text: str) -> dict[str, Any]:
    loaded = json.loads(text) if text else {}
    return loaded if isinstance(loaded, dict) else {}


def _total(order: orders_pb2.Order) -> MoneyFacts | None:
    """The order's total from its price snapshot, if it has one."""
    price = _json(order.price_snapshot_json)
    if not isinstance(price.get("totalCents"), int) or not price.get("currency"):
        return None
    return MoneyFacts(amount_cents=price["totalCents"], currency=str(price["currency"]))


def _base(envelope: EventEnvelope, order_id: str, **facts: Any) -> Occurrence:
    occurred = datetime_of(envelope.occurred_at)
    assert occurred is not None
    return Occurrence(
        event_id=envelope.event_id,
        event_type=envelope.type,
        occurred_at=occurred,
        actor_id=envelope.actor_user_id,
        order_id=order_id,
        **facts,
    )


def card_occurrence(event: Any, envelope: EventEnvelope) -> Occurrence:
    """A card event: the card as committed, with its latest answer when it was answered."""
    card: cards_pb2.Card = event.card
    response = event.response if isinstance(event, card_events.CardResponded) and event.HasField("response") else None
    facts = CardFacts(
        id=card.id,
        type=_enum_word(cards_pb2.CardType, card.type, "CARD_TYPE_").lower(),
        state=_enum_word(cards_pb2.CardState, card.state, "CARD_STATE_"),
        created_by=card.created_by,
        due_at=datetime_of(card.due_at, present=card.HasField("due_at")),
        expires_at=datetime_of(card.expires_at, present=card.HasField("expires_at")),
        payload=_json(card.payload_json),
        progress=_json(card.progress_json),
        response_action=_enum_word(cards_pb2.CardAction, response.action, "CARD_ACTION_") if response else "",
        responded_by=response.responder_user_id if response else "",
        response_payload=_json(response.payload_json) if response else {},
        reason=getattr(event, "reason", ""),
        # A proofs card after a change request waits on its creator's new round.
        awaits_creator=bool(card.responses) and card.responses[-1].action == cards_pb2.CARD_ACTION_REQUEST_CHANGES,
    )
    return _base(envelope, card.order_id, card=facts)


def payment_occurrence(event: Any, envelope: EventEnvelope) -> Occurrence:
    """A payment event: the amount it moved, and the chargeback when there is one."""
    payment = event.payment
    dispute = None
    if hasattr(event, "dispute") and event.HasField("dispute"):
        dispute = DisputeFacts(
            reason=event.dispute.reason,
            due_by=datetime_of(event.dispute.due_by, present=event.dispute.HasField("due_by")),
        )
    return _base(
        envelope,
        payment.order_id,
        money=MoneyFacts(
            amount_cents=event.amount.amount_cents,
            currency=event.amount.currency or "USD",
            reason=getattr(event, "reason", ""),
        ),
        dispute=dispute,
        participants=Participants(buyer_id=payment.buyer_id, provider_id=payment.provider_id),
    )


def support_occurrence(event: Any, envelope: EventEnvelope) -> Occurrence:
    """A support case event: the case, and who support says should hear of it."""
    case = event.case
    resolution_due = datetime_of(case.resolution_due, present=case.HasField("resolution_due"))
    first_due = datetime_of(case.first_response_due, present=case.HasField("first_response_due"))
    facts = CaseFacts(
        id=case.id,
        type=case.type,
        state=case.state,
        priority=case.priority,
        subject=case.subject,
        due=first_due or resolution_due,
        recipient_ids=tuple(event.recipient_ids),
        change=getattr(event, "change", "") or getattr(event, "reason", ""),
        note=getattr(event, "note", ""),
    )
    return _base(envelope, case.order_id, case=facts)


def handlers(notifier: Notifier) -> Mapping[str, Mapping[type[Message], Handler]]:
    """Each source's handlers."""

    def telling(read: Callable[[Any, EventEnvelope], Occurrence]) -> Handler:
        async def handle(uow: SqlNotifyUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
            await notify_event(uow, read(event, envelope), notifier)

        return handle

    async def order_changed(uow: SqlNotifyUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
        # What the order is now, before it is told: its own message reads the new start.
        order = order_facts(event.order)
        await uow.record_order(order, version=event.order.version)
        # A booking request tells the buyer what is held on their card: the order's total.
        money = _total(event.order) if envelope.type == "order.authorized" else None
        await notify_event(uow, _base(envelope, order.id, money=money), notifier, order=order)

    async def order_created(uow: SqlNotifyUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
        await uow.record_order(order_facts(event.order), version=event.order.version)

    return {
        "orders": {order_events.OrderCreated: order_created, **dict.fromkeys(ORDER_EVENTS, order_changed)},
        "cards": dict.fromkeys(CARD_EVENTS, telling(card_occurrence)),
        "payments": dict.fromkeys(PAYMENT_EVENTS, telling(payment_occurrence)),
        "support": dict.fromkeys(SUPPORT_EVENTS, telling(support_occurrence)),
    }
