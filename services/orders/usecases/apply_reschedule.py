"""The cards engine applies an accepted RESCHEDULE card, in one transaction.

The chosen hold becomes the order's slot: for a confirmed booking, its confirmed event is
released and the new one inserted, and the exclusion constraint on confirmed events makes a
double booking impossible (two cards accepted at once for one slot of a provider: the second
fails SLOT_TAKEN and changes nothing). The card's other holds are released, the order's times
move and its version bumps; a session under way is CONFIRMED again and the start sweeper starts
it at the new time. An AUTHORIZED order has no event yet: only its times move.
"""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations
from callsheet_kit.uow import transactional
from callsheet_kit.validation import check_range
from services.orders.domain.calendar import MAX_SLOTS
from services.orders.domain.order import Order
from services.orders.usecases.access import CARDS, check_reference, commanded_order, require_service
from services.orders.usecases.ports import Command, OrdersUnitOfWork

MAX_VERSION = 2**63 - 1


@dataclass(frozen=True)
class ApplyReschedule(Command):
    """An accepted RESCHEDULE card's choice; ``expected_version`` 0 skips the version check."""

    order_id: str
    card_id: str
    slot_index: int
    expected_version: int


@transactional(idempotency="apply-reschedule")
async def apply_reschedule(uow: OrdersUnitOfWork, command: ApplyReschedule) -> Order:
    """Moves the order to the chosen slot; applying the card's choice again returns the order unchanged."""
    require_service(command.caller, CARDS, action="apply a reschedule")
    violations = Violations()
    check_reference(violations, "order_id", command.order_id)
    check_reference(violations, "card_id", command.card_id)
    check_range(violations, "slot_index", command.slot_index, low=0, high=MAX_SLOTS - 1)
    check_range(violations, "expected_version", command.expected_version, low=0, high=MAX_VERSION)
    violations.raise_if_any()

    order = await commanded_order(uow, command.order_id)
    holds = await uow.calendar.holds_of(order.order_id, card_id=command.card_id, lock=True)
    change = order.reschedule(
        card_id=command.card_id,
        holds=holds,
        slot_index=command.slot_index,
        expected_version=command.expected_version,
        actor=command.caller.user_id,
        now=uow.now,
    )
    if change is None:
        return order
    if change.moves_event:
        await uow.calendar.release(order, now=uow.now)
        await uow.calendar.book(order, now=uow.now, slotIndex=str(change.chosen.slot_index))
    await uow.calendar.convert_hold(change.chosen, now=uow.now)
    await uow.calendar.release_holds(change.released, now=uow.now)
    return order
