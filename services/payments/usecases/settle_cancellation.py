"""Settling a cancelled order's payment (orders' settlement saga): a void, or a refund by policy.

The refund is the policy snapshot's share for the moment the order was cancelled, so a late or
repeated settlement computes the same amount. It is recorded, with its tier, under the
unique key ``cancellation:<order id>`` before the provider is asked, and the provider's
idempotency key is that refund's id, so no retry and no concurrent call refunds twice, and an
order's cancellation is refunded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callsheet_kit.ids import new_id
from services.payments.domain.payment import CAPTURED_STATES, Payment, PaymentStatus, RefundStatus
from services.payments.domain.policy import Canceller, cancellation_refund_cents, refund_percent
from services.payments.usecases.access import payment_to_move, require_orders
from services.payments.usecases.ports import Command, PaymentsDeps, Refund
from services.payments.usecases.snapshots import policy_from_snapshot, price_from_snapshot
from services.payments.usecases.void_authorization import release_hold


@dataclass(frozen=True)
class SettleCancellation(Command):
    """Orders reports a cancellation to settle."""

    order_id: str
    cancelled_by: Canceller
    start: datetime
    cancelled_at: datetime


async def settle_cancellation(deps: PaymentsDeps, command: SettleCancellation) -> tuple[Payment, int]:
    """Voids a hold, or refunds a capture by the policy; returns the payment and the amount refunded."""
    require_orders(command.caller)
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, command.order_id)
    if payment.status in (PaymentStatus.AUTHORIZING, PaymentStatus.AUTHORIZED):
        released = await release_hold(deps, command.order_id, actor=command.caller)
        assert released is not None
        return released, 0
    if payment.status not in CAPTURED_STATES:
        return payment, 0

    async with deps.uow() as uow:
        payment = await payment_to_move(uow, command.order_id)
        quote = await uow.quote(payment.quote_id)
        assert quote is not None
        percent = refund_percent(
            policy_from_snapshot(quote.policy_snapshot),
            cancelled_by=command.cancelled_by,
            start=command.start,
            now=command.cancelled_at,
        )
        key = f"cancellation:{payment.order_id}"
        refund = await uow.refund_by_key(key)
        if refund is None:
            amount = cancellation_refund_cents(
                price_from_snapshot(quote.price_snapshot), percent, refundable_cents=payment.refundable_cents
            )
            if amount == 0:
                return payment, 0
            refund = Refund(
                refund_id=new_id("rfd"),
                payment_id=payment.payment_id,
                key=key,
                status=RefundStatus.PENDING,
                amount_cents=amount,
                reason=f"cancelled by {command.cancelled_by.value} ({percent} %)",
            )
            await uow.add_refund(refund, now=uow.now)
            await uow.commit()
    if refund.status is RefundStatus.SUCCEEDED:
        return payment, refund.amount_cents

    assert payment.provider_intent_id is not None
    result = await deps.provider.refund(
        intent_id=payment.provider_intent_id,
        amount_cents=refund.amount_cents,
        idempotency_key=f"refund:{refund.refund_id}",
    )
    async with deps.uow() as uow:
        refunded = await payment_to_move(uow, command.order_id)
        current = await uow.refund_by_key(key)
        assert current is not None
        if current.status is RefundStatus.PENDING:
            await uow.refund_succeeded(current.refund_id, provider_refund_id=result.refund_id)
            refunded.refunded(
                amount_cents=current.amount_cents,
                refund_id=current.refund_id,
                reason=current.reason,
                actor=command.caller.user_id,
                now=uow.now,
            )
            await uow.issue_receipt(refunded, kind="refund", total_cents=current.amount_cents, now=uow.now)
            await uow.commit()
        return refunded, current.amount_cents
