"""An order's money and receipts, for its participants, staff, and support's evidence packs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.errors import not_found
from callsheet_kit.uow import transactional
from services.payments.domain.payment import Payment
from services.payments.usecases.access import may_see_money
from services.payments.usecases.ports import (
    ChargeRecord,
    Command,
    DisputeRecord,
    PaymentsUnitOfWork,
    PayoutRecord,
    Receipt,
)


@dataclass(frozen=True)
class GetPaymentSummary(Command):
    """Asks for an order's money."""

    order_id: str


@dataclass(frozen=True)
class PaymentSummary:
    """An order's money: the payment, its receipts, and what came after the capture."""

    payment: Payment
    receipts: Sequence[Receipt]
    charges: Sequence[ChargeRecord] = ()
    payout: PayoutRecord | None = None
    disputes: Sequence[DisputeRecord] = ()

    @property
    def pending_extras_cents(self) -> int:
        """Accepted extras and approved expenses not yet charged."""
        return sum(charge.total_cents for charge in self.charges if charge.status == "pending")


@transactional()
async def get_payment_summary(uow: PaymentsUnitOfWork, command: GetPaymentSummary) -> PaymentSummary:
    """The payment and its receipts; NOT_FOUND for strangers and for orders without one."""
    payment = await uow.payment_of(command.order_id) if command.order_id else None
    if payment is None or not may_see_money(command.caller, payment):
        raise not_found("payment")
    receipts = await uow.receipts(payment.payment_id)
    if not payment.is_captured:
        return PaymentSummary(payment, receipts)  # nothing comes after the capture before it
    return PaymentSummary(
        payment,
        receipts,
        charges=await uow.charges_of(payment.order_id),
        payout=await uow.payout_of(payment.order_id),
        disputes=await uow.disputes_of(payment.order_id),
    )
