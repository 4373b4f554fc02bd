"""Reserves: what an order owes its provider, frozen while a dispute of it is open.

A freeze is recorded once by its key (the caller's request, or a chargeback's own id); the
order is frozen while any of its freezes is not released. The first freeze moves what the order
owes its provider into their reserve account; refunds meanwhile take the provider's share from
the reserve; releasing the last freeze moves what is left back to the payable, and the payout
(held while frozen) goes on its day. Freezing a frozen order, or releasing a released freeze,
moves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations, not_found, permission_denied
from callsheet_kit.idempotency import check_key
from callsheet_kit.validation import MAX_ID, check_text
from services.payments.domain.ledger import frozen_for_provider, owed_to_provider
from services.payments.domain.payment import Payment
from services.payments.usecases.access import payment_to_move
from services.payments.usecases.ports import Command, PaymentsDeps, PaymentsUnitOfWork

FREEZING_SERVICES = frozenset({"cards", "support"})
MAX_REASON = 500


@dataclass(frozen=True)
class FreezeReserve(Command):
    """The cards engine or support freezes an order's payout."""

    request_id: str
    order_id: str
    reason: str


@dataclass(frozen=True)
class UnfreezeReserve(Command):
    """The cards engine or support releases one of its freezes."""

    request_id: str
    order_id: str
    freeze_request_id: str


@dataclass(frozen=True)
class Moved:
    """The payment after a freeze or a release, and what moved."""

    payment: Payment
    amount_cents: int


async def freeze(uow: PaymentsUnitOfWork, payment: Payment, *, key: str, reason: str, actor: str) -> int:
    """Adds a freeze to a locked payment; returns what moved into the reserve."""
    if not await uow.add_hold(key=key, order_id=payment.order_id, reason=reason) or payment.reserve_frozen:
        return 0
    amount = owed_to_provider(await uow.order_balances(payment.order_id), payment.provider_id)
    payment.frozen(key=key, reason=reason, amount_cents=amount, actor=actor, now=uow.now)
    return amount


async def release(uow: PaymentsUnitOfWork, payment: Payment, *, key: str, actor: str) -> int | None:
    """Releases a freeze of a locked payment; returns what went back to the payable (None: no such freeze)."""
    released = await uow.release_hold(key)
    if released is None:
        return None
    if not released or not payment.reserve_frozen or await uow.open_holds(payment.order_id):
        return 0
    amount = frozen_for_provider(await uow.order_balances(payment.order_id), payment.provider_id)
    payment.unfrozen(key=key, amount_cents=amount, actor=actor, now=uow.now)
    return amount


def _check(command: FreezeReserve | UnfreezeReserve) -> None:
    if command.caller.service not in FREEZING_SERVICES:
        raise permission_denied("only the cards engine and support freeze payouts")
    check_key(command.request_id)
    violations = Violations()
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID, required=True)
    if isinstance(command, FreezeReserve):
        check_text(violations, "reason", command.reason, max_length=MAX_REASON, required=True)
    else:
        check_text(violations, "freeze_request_id", command.freeze_request_id, max_length=MAX_ID, required=True)
    violations.raise_if_any()


async def freeze_reserve(deps: PaymentsDeps, command: FreezeReserve) -> Moved:
    """Freezes an order's payout once per caller and key."""
    _check(command)
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, command.order_id)
        key = f"{command.caller.service}:{command.request_id}"
        moved = await freeze(uow, payment, key=key, reason=command.reason, actor=command.caller.user_id)
        await uow.commit()
        return Moved(payment, moved)


async def unfreeze_reserve(deps: PaymentsDeps, command: UnfreezeReserve) -> Moved:
    """Releases the caller's freeze made with ``freeze_request_id``; NOT_FOUND when there is none."""
    _check(command)
    async with deps.uow() as uow:
        payment = await payment_to_move(uow, command.order_id)
        key = f"{command.caller.service}:{command.freeze_request_id}"
        moved = await release(uow, payment, key=key, actor=command.caller.user_id)
        if moved is None:
            raise not_found("freeze")
        await uow.commit()
        return Moved(payment, moved)
