"""The cards engine holds a RESCHEDULE card's slots on the provider's calendar, one hold per slot.

Holds do not exclude each other: two cards may propose the same slot, and the first accepted
takes it (the exclusion constraint on confirmed events decides). A slot that overlaps a
confirmed event of another order of the provider cannot be proposed at all (SLOT_TAKEN, with
the slot's index); overlapping the order's own event is fine (moving a booking by an hour).
The holds are the card's: the same card again gets the holds it placed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from callsheet_kit.errors import Violations, idempotency_mismatch
from callsheet_kit.uow import transactional
from services.orders.domain.calendar import CalendarHold, Slot, check_slot_shapes
from services.orders.domain.errors import OrdersReason
from services.orders.usecases.access import CARDS, check_reference, commanded_order, require_service
from services.orders.usecases.ports import Command, OrdersUnitOfWork


@dataclass(frozen=True)
class HoldSlots(Command):
    """The slots of a RESCHEDULE card, each as its (start, end); None where the request left one out."""

    order_id: str
    card_id: str
    slots: Sequence[tuple[datetime | None, datetime | None]]


@transactional(idempotency="hold-slots")
async def hold_slots(uow: OrdersUnitOfWork, command: HoldSlots) -> Sequence[CalendarHold]:
    """Places one hold per slot for the card; the holds it placed before when the card has some."""
    require_service(command.caller, CARDS, action="hold slots")
    violations = Violations()
    check_reference(violations, "order_id", command.order_id)
    check_reference(violations, "card_id", command.card_id)
    check_slot_shapes(violations, "slots", command.slots)
    violations.raise_if_any()
    slots = [Slot(start, end) for start, end in command.slots if start is not None and end is not None]

    order = await commanded_order(uow, command.order_id)
    placed = await uow.calendar.holds_of(order.order_id, card_id=command.card_id)
    if placed:
        if [hold.slot for hold in placed] != slots:
            raise idempotency_mismatch()
        return placed
    order.hold_slots(card_id=command.card_id, slots=slots, actor=command.caller.user_id, now=uow.now)
    for index, slot in enumerate(slots):
        if not await uow.calendar.is_free(
            order.provider_user_id, slot.start_utc, slot.end_utc, except_order=order.order_id
        ):
            raise OrdersReason.SLOT_TAKEN.error(
                f"the provider is already booked during slot {index}", slotIndex=str(index)
            )
    return await uow.calendar.place_holds(order, card_id=command.card_id, slots=slots, now=uow.now)
