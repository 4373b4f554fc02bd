"""A participant cancels: the order is CANCELLED at once, the money settles right after.

The booked slot and every hold of the order's RESCHEDULE cards are released in the same
transaction, so a cancelled order keeps nothing on the provider's calendar.

The void or refund is a call to payments: the cancellation commits together with a settlement
saga keyed by the order, which passes the moment of cancelling, so the refund tier is the one
in force then however late the settlement runs, and no retry can refund twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from callsheet_kit.errors import Violations
from callsheet_kit.saga import Complete, Outcome, Saga, SagaFlow
from callsheet_kit.uow import transactional
from callsheet_kit.validation import check_text
from services.orders.domain.lifecycle import Party, require_party
from services.orders.domain.order import MAX_REASON_LENGTH, Order
from services.orders.usecases.access import visible_order
from services.orders.usecases.ports import Command, OrdersUnitOfWork, PaymentsPort

SETTLE_CANCELLATION = "settle-cancellation"
SETTLEMENT_DEADLINE = timedelta(days=3)


@dataclass(frozen=True)
class CancelOrder(Command):
    """A participant's cancellation."""

    order_id: str
    expected_version: int
    reason: str


@transactional(idempotency="cancel-order")
async def cancel_order(uow: OrdersUnitOfWork, command: CancelOrder) -> Order:
    """AUTHORIZED or CONFIRMED → CANCELLED by a participant, releasing slot and holds; the settlement follows."""
    caller = command.caller
    order = await visible_order(uow, caller, command.order_id, lock=True)
    party = require_party(
        order.parties, caller.user_id, allowed={Party.BUYER, Party.PROVIDER}, is_staff=caller.is_staff, action="cancel"
    )
    violations = Violations()
    check_text(violations, "reason", command.reason, max_length=MAX_REASON_LENGTH, multiline=True)
    violations.raise_if_any()
    order.cancel(
        by=party, reason=command.reason, expected_version=command.expected_version, actor=caller.user_id, now=uow.now
    )
    await uow.calendar.release(order, now=uow.now)
    holds = await uow.calendar.holds_of(order.order_id, lock=True)
    await uow.calendar.release_holds(order.release_holds(holds, actor=caller.user_id, now=uow.now), now=uow.now)
    await uow.start_saga(
        kind=SETTLE_CANCELLATION,
        key=order.order_id,
        subject=order.order_id,
        step="settle",
        data={"cancelledBy": party.value, "cancelledAt": uow.now.isoformat(), "startUtc": order.start_utc.isoformat()},
        deadline=uow.now + SETTLEMENT_DEADLINE,
    )
    return order


class SettleCancellation(SagaFlow):
    """The saga that voids or refunds a cancelled order's payment."""

    kind = SETTLE_CANCELLATION
    steps = ("settle",)

    def __init__(self, payments: PaymentsPort) -> None:
        self._payments = payments

    async def run(self, saga: Saga) -> Outcome:
        """Settles once per order: the key names the order, the tier is fixed by the cancellation time."""
        data = saga.data
        await self._payments.settle_cancellation(
            key=f"settle-cancellation:{saga.subject}",
            order_id=saga.subject,
            cancelled_by=data["cancelledBy"],
            start_utc=datetime.fromisoformat(data["startUtc"]),
            cancelled_at=datetime.fromisoformat(data["cancelledAt"]),
        )
        return Complete()
