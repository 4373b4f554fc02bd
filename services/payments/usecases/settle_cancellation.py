"""Settling a cancelled order's payment (orders' settlement saga): a void, or a refund by policy.

The refund is the policy snapshot's share for the moment the order was cancelled, so a late or
repeated settlement computes the same amount. It goes the way of every refund
(``services.payments.usecases.refunds``), under the key ``cancellation:<order id>``: an
order's cancellation is refunded once, whatever the retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.payments.adapters.tables import QuoteRow
from services.payments.domain.payment import CAPTURED_STATES, Payment, PaymentStatus
from services.payments.domain.policy import Canceller, cancellation_refund_cents, refund_percent
from services.payments.usecases.access import payment_to_move, require_orders
from services.payments.usecases.ports import Command, PaymentsDeps
from services.payments.usecases.refunds import refund_once
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
        quote = await uow.quote(payment.quote_id)
    assert quote is not None
    percent = refund_percent(
        policy_from_snapshot(quote.policy_snapshot),
        cancelled_by=command.cancelled_by,
        start=command.start,
        now=command.cancelled_at,
    )
    price = price_from_snapshot(quote.price_snapshot)

    def policy_share(_payment: Payment, _quote: QuoteRow, available: int) -> int:
        return cancellation_refund_cents(price, percent, refundable_cents=available)

    done = await refund_once(
        deps,
        order_id=command.order_id,
        key=f"cancellation:{payment.order_id}",
        reason=f"cancelled by {command.cancelled_by.value} ({percent} %)",
        amount_of=policy_share,
        actor=command.caller,
    )
    return done.payment, done.refund.amount_cents if done.refund is not None else 0
