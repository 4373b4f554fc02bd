"""Payment events land on their order's timeline, in the order payments emitted them.

Every money event (``payment.*``, ``refund.issued``, ``payout.*``, ``transfer.reversed``,
``reserve.*``, ``dispute.*``) carries the amount it moved and the ids of what moved it; the
entry's payload holds those, by the names of ``ID_FIELDS``.

A payment is authorized before its order exists (checkout authorizes first): such an event waits
(``RetryLater``) while the checkout that will make the order is still running, and is dropped
once that checkout has ended without an order. The consumer is ordered by subject, so a capture
never lands before the authorization it captured.

``payout.paid`` also tells the order that its provider was paid: a completed order closes once
that is so and its dispute window has passed (``close_orders``).
"""

from __future__ import annotations

from typing import Any

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.payments.v1 import events_pb2 as payment_events
from callsheet.payments.v1 import payments_pb2
from callsheet_kit.consumer import RetryLater
from callsheet_kit.proto import datetime_of
from services.orders.domain.order import TimelineEntry
from services.orders.usecases.ports import OrdersUnitOfWork

# The ids a money event may carry, and their names on the timeline.
ID_FIELDS = {
    "refund_id": "refundId",
    "reason": "reason",
    "charge_id": "chargeId",
    "kind": "chargeKind",
    "payout_id": "payoutId",
    "transfer_id": "transferId",
    "cause": "cause",
}
_DISPUTE_STATUS = {
    payments_pb2.DISPUTE_STATUS_NEEDS_RESPONSE: "needs_response",
    payments_pb2.DISPUTE_STATUS_UNDER_REVIEW: "under_review",
    payments_pb2.DISPUTE_STATUS_WON: "won",
    payments_pb2.DISPUTE_STATUS_LOST: "lost",
    payments_pb2.DISPUTE_STATUS_WARNING_CLOSED: "warning_closed",
}


async def record_payment_event(uow: OrdersUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """Appends ``payment.<what>`` to the order's timeline with the amount moved; notes a paid payout."""
    order_id = envelope.subject
    paid_out = isinstance(event, payment_events.PayoutPaid)
    order = await uow.orders.get(order_id, lock=paid_out)
    if order is None:
        if await uow.saga_pending(order_id):
            raise RetryLater(f"order {order_id} is still being checked out")
        # The checkout may have made the order and ended between the two reads (it does both in
        # one commit): only an order still missing now was never made.
        order = await uow.orders.get(order_id, lock=paid_out)
        if order is None:
            return
    moved_at = datetime_of(envelope.occurred_at) or uow.now
    if paid_out:
        order.payout_paid(at=moved_at)
    payload: dict[str, Any] = {
        "amountCents": event.amount.amount_cents,
        "currency": event.amount.currency,
        "paymentId": event.payment.id,
    }
    for field, name in ID_FIELDS.items():
        if field in event.DESCRIPTOR.fields_by_name and getattr(event, field):
            payload[name] = getattr(event, field)
    if "dispute" in event.DESCRIPTOR.fields_by_name and event.HasField("dispute"):
        payload["disputeId"], payload["disputeStatus"] = event.dispute.id, _DISPUTE_STATUS.get(event.dispute.status, "")
    await uow.timeline.append(
        order_id,
        TimelineEntry(kind="payment", subtype=envelope.type, payload=payload),
        actor=envelope.actor_user_id,
        # When the money moved, not when the event arrived here (it may have waited for its order).
        at=moved_at,
    )
