"""The provider confirms a booking: the slot is booked, then the payment is captured.

Only a provider whose payout account is active may confirm (the money taken must be able to reach
them). Payments owns that status; the servicer asks it before this transaction opens (no call is
made inside one) and hands the answer in, so a repeat of a confirmation replays its first answer
whatever the status has become since.

The capture is a call to payments, so it cannot happen inside this transaction: the
confirmation commits together with a capture saga, which runs right after the commit (and is
retried by the saga sweeper until payments answers), keyed by the order so it captures once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from callsheet_kit.errors import Violations
from callsheet_kit.identity import Caller
from callsheet_kit.saga import Complete, Outcome, Saga, SagaFlow
from callsheet_kit.uow import transactional
from callsheet_kit.validation import check_text
from services.orders.domain.errors import OrdersReason
from services.orders.domain.lifecycle import Party, require_party
from services.orders.domain.order import MAX_REASON_LENGTH, Order
from services.orders.usecases.access import visible_order
from services.orders.usecases.ports import Command, OrdersUnitOfWork, PaymentsPort

CAPTURE_PAYMENT = "capture-payment"
# A card authorization lives about seven days; past that a capture cannot succeed and a person must look.
CAPTURE_DEADLINE = timedelta(days=6)


ACTIVE = "active"


@dataclass(frozen=True)
class ProviderStanding:
    """Where a provider's payout account stood when the confirmation was asked (payments' answer)."""

    provider_id: str
    account_status: str  # pending | restricted | active


@dataclass(frozen=True)
class ConfirmOrder(Command):
    """The provider's confirmation, with the standing of the order's provider."""

    order_id: str
    expected_version: int
    provider: ProviderStanding
    note: str = ""


async def provider_standing(
    uow: Callable[[], OrdersUnitOfWork], payments: PaymentsPort, *, caller: Caller, order_id: str
) -> ProviderStanding:
    """Where the order's provider's payout account stands, asked of payments before confirming.

    NOT_FOUND (before payments is asked anything) for a caller who may not see the order.
    """
    async with uow() as reading:
        order = await visible_order(reading, caller, order_id)
    return ProviderStanding(order.provider_user_id, await payments.provider_account_status(order.provider_user_id))


@transactional(idempotency="confirm-order")
async def confirm_order(uow: OrdersUnitOfWork, command: ConfirmOrder) -> Order:
    """AUTHORIZED → CONFIRMED by the provider; SLOT_TAKEN when the slot overlaps a confirmed booking."""
    caller = command.caller
    order = await visible_order(uow, caller, command.order_id, lock=True)
    require_party(order.parties, caller.user_id, allowed={Party.PROVIDER}, is_staff=caller.is_staff, action="confirm")
    standing = command.provider
    if standing.provider_id != order.provider_user_id or standing.account_status != ACTIVE:
        status = standing.account_status if standing.provider_id == order.provider_user_id else "unknown"
        raise OrdersReason.PROVIDER_NOT_ACTIVE.error(
            f"the provider's payout account is {status}: finish onboarding before confirming bookings",
            accountStatus=status,
        )
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
    steps = ("capture",)

    def __init__(self, payments: PaymentsPort) -> None:
        self._payments = payments

    async def run(self, saga: Saga) -> Outcome:
        """Captures, once per order whatever the retries."""
        await self._payments.capture(key=f"capture:{saga.subject}", order_id=saga.subject)
        return Complete()
