"""The provider confirms a booking: the slot is booked, then the payment is captured.

The capture is a call to payments, so it cannot happen inside this transaction: the
confirmation commits together with a capture saga, which runs right after the commit (and is
retried by the saga sweeper until payments answers), keyed by the order so it captures once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from callsheet_kit.errors import Violations
from callsheet_kit.saga import Complete, Outcome, Saga, SagaFlow
from callsheet_kit.uow import transactional
from callsheet_kit.validation import check_text
from services.orders.domain.lifecycle import Party, require_party
from services.orders.domain.order import MAX_REASON_LENGTH, Order
from services.orders.usecases.access import visible_order
from services.orders.usecases.ports import Command, OrdersUnitOfWork, PaymentsPort

CAPTURE_PAYMENT = "capture-payment"
# A card authorization lives about seven days; past that a capture cannot succeed and a person must look.
CAPTURE_DEADLINE = timedelta(days=6)


@dataclass(frozen=True)
class ConfirmOrder(Command):
    """The provider's confirmation."""

    order_id: str
    expected_version: int
    note: str = ""


@transactional(idempotency="confirm-order")
async def confirm_order(uow: OrdersUnitOfWork, command: ConfirmOrder) -> Order:
    """AUTHORIZED → CONFIRMED by the provider; SLOT_TAKEN when the slot overlaps a confirmed booking."""
    caller = command.caller
    order = await visible_order(uow, caller, command.order_id, lock=True)
    require_party(order.parties, caller.user_id, allowed={Party.PROVIDER}, is_staff=caller.is_staff, action="confirm")
    violations = Violations()
    check_text(violations, "reason", command.note, max_length=MAX_REASON_LENGTH, multiline=True)
    violations.raise_if_any()
    order.confirm(expected_version=command.expected_version, actor=caller.user_id, now=uow.now, note=command.note)
    await uow.calendar.book(order, now=uow.now)
    await uow.start_saga(
        kind=CAPTURE_PAYMENT,
        key=order.order_id,
        subject=order.order_id,
        step="capture",
        data={},
        deadline=uow.now + CAPTURE_DEADLINE,
    )
    return order


class CapturePayment(SagaFlow):
    """The saga that captures a confirmed order's authorization."""

    kind = CAPTURE_PAYMENT

    def __init__(self, payments: PaymentsPort) -> None:
        self._payments = payments

    async def run(self, saga: Saga) -> Outcome:
        """Captures, once per order whatever the retries."""
        await self._payments.capture(key=f"capture:{saga.subject}", order_id=saga.subject)
        return Complete()
