"""The providers' calendars as orders' rules see them: slots, and the holds a RESCHEDULE card places.

A confirmed order has one confirmed event on its provider's calendar (the database refuses two
that overlap). A RESCHEDULE card proposes 1 to 5 other slots; each is held on the calendar while
the card is open. Holds do not exclude each other (two cards may propose the same slot), but a
hold never overlaps a confirmed event of another order. When the card is accepted, the chosen
hold becomes the order's slot (and its confirmed event, once the order is confirmed) and the
card's other holds are released; when it is declined, expires or is cancelled, or the order is
cancelled, every hold still held is released.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations

# A RESCHEDULE card proposes at least one slot and at most five (contract/RULES.md).
MIN_SLOTS, MAX_SLOTS = 1, 5


@dataclass(frozen=True)
class Slot:
    """A span of time on a provider's calendar, from ``start_utc`` (inclusive) to ``end_utc``."""

    start_utc: datetime
    end_utc: datetime

    @property
    def duration(self) -> timedelta:
        """How long the slot lasts."""
        return self.end_utc - self.start_utc

    def payload(self) -> dict[str, str]:
        """The slot as timelines show it."""
        return {"startUtc": self.start_utc.isoformat(), "endUtc": self.end_utc.isoformat()}


@dataclass(frozen=True)
class CalendarHold:
    """One slot of a RESCHEDULE card, held on the order's provider's calendar.

    ``released_at`` is set when the hold was let go; ``converted_at`` when it became the order's
    slot. A hold with neither is still held.
    """

    hold_id: str
    provider_id: str
    order_id: str
    card_id: str
    slot_index: int
    slot: Slot
    created_at: datetime
    released_at: datetime | None = None
    converted_at: datetime | None = None

    @property
    def held(self) -> bool:
        """True while the hold is neither released nor converted."""
        return self.released_at is None and self.converted_at is None

    def payload(self) -> dict[str, Any]:
        """The hold as timelines show it."""
        return {"cardId": self.card_id, "slotIndex": self.slot_index, **self.slot.payload()}


def check_slot_shapes(
    violations: Violations, field: str, slots: Sequence[tuple[datetime | None, datetime | None]]
) -> None:
    """Records what is wrong with proposed slots on their own: how many, and each one's start and end."""
    violations.check(MIN_SLOTS <= len(slots) <= MAX_SLOTS, field, f"must hold {MIN_SLOTS} to {MAX_SLOTS} slots")
    for index, (start, end) in enumerate(slots[:MAX_SLOTS]):
        at = f"{field}[{index}]"
        if start is None:
            violations.add(f"{at}.start_utc", "is required")
        if end is None:
            violations.add(f"{at}.end_utc", "is required")
        if start is not None and end is not None and end <= start:
            violations.add(f"{at}.end_utc", "must be after start_utc")


def check_slots_fit(
    violations: Violations, field: str, slots: Sequence[Slot], *, duration: timedelta, now: datetime
) -> None:
    """Records a slot that starts in the past or does not last as long as the booking it would replace."""
    for index, slot in enumerate(slots):
        at = f"{field}[{index}]"
        violations.check(slot.start_utc > now, f"{at}.start_utc", "must be in the future")
        violations.check(
            slot.duration == duration,
            f"{at}.end_utc",
            f"the slot must last as long as the booking ({int(duration.total_seconds() // 60)} minutes)",
        )
