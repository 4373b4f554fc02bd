"""Time is a port: every "now" in Callsheet comes from a Clock.

In dev and test the clock carries an offset from the wall clock that ``advanceClock`` moves for
every service at once (Stripe's test clocks are the model). Offsets only move forwards.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """The source of "now"."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class OffsetClock:
    """The wall clock plus an offset that can only grow (the offset is 0 in production)."""

    def __init__(self, offset_seconds: int = 0) -> None:
        self._offset = timedelta(seconds=offset_seconds)

    def now(self) -> datetime:
        """The wall clock plus the offset."""
        return datetime.now(UTC) + self._offset

    @property
    def offset_seconds(self) -> int:
        """The current offset from the wall clock."""
        return int(self._offset.total_seconds())

    def advance_to(self, offset_seconds: int) -> None:
        """Moves the offset forward; a smaller offset is ignored."""
        if offset_seconds > self.offset_seconds:
            self._offset = timedelta(seconds=offset_seconds)
