"""An order's money and receipts, for its participants and staff."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.errors import not_found
from callsheet_kit.uow import transactional
from services.payments.domain.payment import Payment
from services.payments.usecases.access import ORDERS_SERVICE
from services.payments.usecases.ports import Command, PaymentsUnitOfWork, Receipt


@dataclass(frozen=True)
class GetPaymentSummary(Command):
    """Asks for an order's money."""

    order_id: str


@transactional()
async def get_payment_summary(uow: PaymentsUnitOfWork, command: GetPaymentSummary) -> tuple[Payment, Sequence[Receipt]]:
    """The payment and its receipts; NOT_FOUND for strangers and for orders without one."""
    caller = command.caller
    payment = await uow.payment_of(command.order_id) if command.order_id else None
    allowed = caller.is_staff or caller.service == ORDERS_SERVICE
    if payment is None or not (allowed or caller.user_id in (payment.buyer_id, payment.provider_id)):
        raise not_found("payment")
    return payment, await uow.receipts(payment.payment_id)
