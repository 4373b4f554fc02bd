"""The cards engine lets go of a RESCHEDULE card's holds: the card was declined, expired, was cancelled or superseded."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations
from callsheet_kit.uow import transactional
from services.orders.usecases.access import CARDS, check_reference, commanded_order, require_service
from services.orders.usecases.ports import Command, OrdersUnitOfWork


@dataclass(frozen=True)
class ReleaseHolds(Command):
    """Releases the holds of one card."""

    order_id: str
    card_id: str


@transactional(idempotency="release-holds")
async def release_holds(uow: OrdersUnitOfWork, command: ReleaseHolds) -> int:
    """Releases the card's holds still held, whatever the order's state; returns how many (0 the second time)."""
    require_service(command.caller, CARDS, action="release holds")
    violations = Violations()
    check_reference(violations, "order_id", command.order_id)
    check_reference(violations, "card_id", command.card_id)
    violations.raise_if_any()
    order = await commanded_order(uow, command.order_id)
    holds = await uow.calendar.holds_of(order.order_id, card_id=command.card_id, lock=True)
    released = order.release_holds(holds, actor=command.caller.user_id, now=uow.now)
    await uow.calendar.release_holds(released, now=uow.now)
    return len(released)
