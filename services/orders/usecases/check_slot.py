"""Whether a provider's slot is free of confirmed bookings (payments asks before quoting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from callsheet_kit.errors import invalid_field
from callsheet_kit.uow import transactional
from services.orders.usecases.ports import Command, OrdersUnitOfWork


@dataclass(frozen=True)
class CheckSlot(Command):
    """Asks about one slot of one provider."""

    provider_id: str
    start: datetime | None
    end: datetime | None


@transactional()
async def check_slot(uow: OrdersUnitOfWork, command: CheckSlot) -> bool:
    """True when no confirmed booking of the provider overlaps the slot."""
    if command.start is None or command.end is None:
        raise invalid_field("start_utc" if command.start is None else "end_utc", "is required")
    if command.end <= command.start:
        raise invalid_field("end_utc", "must be after start_utc")
    return await uow.calendar.is_free(command.provider_id, command.start, command.end)
