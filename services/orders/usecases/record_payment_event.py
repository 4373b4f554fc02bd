"""Payment events land on their order's timeline, in the order payments emitted them.

A payment is authorized before its order exists (checkout authorizes first): such an event waits
(``RetryLater``) while the checkout that will make the order is still running, and is dropped
once that checkout has ended without an order. The consumer is ordered by subject, so a capture
never lands before the authorization it captured.
"""

from __future__ import annotations

from typing import Any

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.consumer import RetryLater
from callsheet_kit.proto import datetime_of
from services.orders.domain.order import TimelineEntry
from services.orders.usecases.ports import OrdersUnitOfWork


async def record_payment_event(uow: OrdersUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """Appends ``payment.<what>`` to the order's timeline with the amount moved."""
    order_id = envelope.subject
    if await uow.orders.get(order_id) is None:
        if await uow.saga_pending(order_id):
            raise RetryLater(f"order {order_id} is still being checked out")
        # The checkout may have made the order and ended between the two reads (it does both in
        # one commit): only an order still missing now was never made.
        if await uow.orders.get(order_id) is None:
            return
    payload: dict[str, Any] = {
        "amountCents": event.amount.amount_cents,
        "currency": event.amount.currency,
        "paymentId": event.payment.id,
    }
    if getattr(event, "refund_id", ""):
        payload["refundId"] = event.refund_id
    await uow.timeline.append(
        order_id,
        TimelineEntry(kind="payment", subtype=envelope.type, payload=payload),
        actor=envelope.actor_user_id,
        # When the money moved, not when the event arrived here (it may have waited for its order).
        at=datetime_of(envelope.occurred_at) or uow.now,
    )
