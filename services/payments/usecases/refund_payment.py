"""A refund another service asks for (support's decision, the cards engine's effect), once per its key."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations, permission_denied
from callsheet_kit.idempotency import check_key
from callsheet_kit.validation import MAX_ID, check_range, check_text
from services.payments.adapters.tables import QuoteRow
from services.payments.domain.errors import PaymentsReason
from services.payments.domain.payment import CAPTURED_STATES, Payment
from services.payments.usecases.ports import Command, PaymentsDeps
from services.payments.usecases.refunds import Refunded, refund_once

# The services that may refund an order's money on their own decision.
REFUNDING_SERVICES = frozenset({"orders", "cards", "support"})
MAX_REASON = 500
MAX_CENTS = 100_000_000


@dataclass(frozen=True)
class RefundPayment(Command):
    """A service asks to give back part of an order's captured money."""

    request_id: str
    order_id: str
    amount_cents: int
    reason: str


async def refund_payment(deps: PaymentsDeps, command: RefundPayment) -> Refunded:
    """Refunds ``amount_cents`` once per caller and key; never more than the capture, however many run at once."""
    caller = command.caller
    if caller.service not in REFUNDING_SERVICES:
        raise permission_denied("only orders, the cards engine and support may refund")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID, required=True)
    check_text(violations, "reason", command.reason, max_length=MAX_REASON, required=True)
    check_range(violations, "amount.amount_cents", command.amount_cents, low=1, high=MAX_CENTS)
    violations.raise_if_any()

    def requested(payment: Payment, _quote: QuoteRow, available: int) -> int:
        if payment.status not in CAPTURED_STATES:
            raise PaymentsReason.PAYMENT_NOT_REFUNDABLE.error(f"the payment is {payment.status.value}")
        if command.amount_cents > available:
            raise PaymentsReason.REFUND_EXCEEDS_CAPTURE.error(
                f"{command.amount_cents} cents asked, {available} refundable", refundableCents=str(available)
            )
        return command.amount_cents

    return await refund_once(
        deps,
        order_id=command.order_id,
        key=f"refund:{caller.service}:{command.request_id}",
        reason=command.reason,
        amount_of=requested,
        actor=caller,
        same_request=lambda refund: (refund.amount_cents, refund.reason) == (command.amount_cents, command.reason),
    )
