"""Card events land on their order's timeline, in the order cards emitted them.

Every ``card.requested.<type>``, ``card.responded.<type>``, ``card.expiring.<type>``,
``card.closed.<type>``, ``card.stuck.<type>`` and ``card.reopened.<type>`` becomes one ``card``
entry whose subtype is the event's full type, whose actor is who acted (none for the system: an
expiry, an auto-accepted COMPLETE) and whose time is when it happened at cards. Its payload names
the card and where it stood: ``cardId``, ``cardType``, ``state`` and ``version``; a response adds
``responseId`` and ``action``; a supersession adds ``supersededBy``; a reopening adds the
``reason`` its effect was refused; a request or a reminder adds ``expiresAt`` (RFC 3339, UTC)
when the card has one (a DISPUTE card does not).

Cards opens cards only on orders it has read from orders, so an event about an order orders does
not know cannot come from a real order: it is dropped rather than waited for. Each event is applied
once (the consumer's inbox), and the consumer is ordered by subject, so a card's closing never
lands before its request.
"""

from __future__ import annotations

from typing import Any

from callsheet.cards.v1 import cards_pb2
from callsheet.cards.v1 import events_pb2 as card_events
from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.proto import datetime_of
from services.orders.domain.order import TimelineEntry
from services.orders.usecases.ports import OrdersUnitOfWork

# The card event families; each message stands for every card type of its family.
CardEvent = (
    card_events.CardRequested
    | card_events.CardResponded
    | card_events.CardExpiring
    | card_events.CardClosed
    | card_events.CardStuck
    | card_events.CardReopened
)


def _lower(enum: Any, value: int, prefix: str) -> str:
    """An enum value by its name without the enum's prefix, in lower case (``CARD_STATE_OPEN`` → ``open``)."""
    return str(enum.Name(value)).removeprefix(prefix).lower()


def card_payload(event: CardEvent) -> dict[str, Any]:
    """What the timeline entry of a card event shows of the card (and of the response, if one)."""
    card = event.card
    payload: dict[str, Any] = {
        "cardId": card.id,
        "cardType": _lower(cards_pb2.CardType, event.type, "CARD_TYPE_"),
        "state": _lower(cards_pb2.CardState, card.state, "CARD_STATE_"),
        "version": card.version,
    }
    if isinstance(event, card_events.CardResponded):
        payload["responseId"] = event.response.id
        payload["action"] = _lower(cards_pb2.CardAction, event.response.action, "CARD_ACTION_")
    if isinstance(event, card_events.CardClosed) and card.superseded_by:
        payload["supersededBy"] = card.superseded_by
    if isinstance(event, card_events.CardReopened):
        payload["reason"] = event.reason
    if isinstance(event, card_events.CardRequested | card_events.CardExpiring) and card.HasField("expires_at"):
        payload["expiresAt"] = card.expires_at.ToJsonString()
    return payload


async def record_card_event(uow: OrdersUnitOfWork, event: CardEvent, envelope: EventEnvelope) -> None:
    """Appends ``card.<what>.<type>`` to the order's timeline; an event about an unknown order is dropped."""
    order_id = envelope.subject
    if await uow.orders.get(order_id) is None:
        return
    await uow.timeline.append(
        order_id,
        TimelineEntry(kind="card", subtype=envelope.type, payload=card_payload(event)),
        actor=envelope.actor_user_id,
        # When it happened at cards, not when the event arrived here.
        at=datetime_of(envelope.occurred_at) or uow.now,
    )
