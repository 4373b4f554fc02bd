"""SLA clocks that count the time a case is really owed attention.

A case has two clocks, each with its own target: **first response** (stopped by the first answer
an agent gives, and never moved by later updates) and **resolution** (stopped when the case is
resolved). Both pause while the case waits on the customer or the provider (PENDING_CUSTOMER,
PENDING_PROVIDER) and resume when it moves on. A queue may count only its **business hours** (a
weekly schedule in the queue's time zone, with days off): an hour outside them is not an hour of
the target. The policy is snapshotted onto each case when it opens, so a later change of policy
never rewrites a case's history.

Pure: no I/O. Times are aware datetimes; a clock's answers are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo


class Priority(StrEnum):
    """How soon a case is owed an answer."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


# RULES.md: first response urgent 1 h, high 4 h, normal 24 h, low 72 h; resolution 4× that.
FIRST_RESPONSE = {
    Priority.URGENT: timedelta(hours=1),
    Priority.HIGH: timedelta(hours=4),
    Priority.NORMAL: timedelta(hours=24),
    Priority.LOW: timedelta(hours=72),
}
RESOLUTION_FACTOR = 4
# How far ahead a business-hours calendar is looked into (days off can close whole weeks).
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessHours:
    """Open hours per weekday (0 = Monday) in ``timezone``, and whole days off (local dates).

    A day's hours are ``(opens, closes)`` with ``opens < closes``; a weekday missing from
    ``week`` is closed. The wall clock decides: on a daylight-saving day an open window of
    09:00–17:00 is the eight (or seven, or nine) real hours the wall clock shows between them.
    """

    timezone: str
    week: Mapping[int, tuple[time, time]]
    days_off: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)
        for weekday, (opens, closes) in self.week.items():
            if not 0 <= weekday <= 6 or not opens < closes:
                raise ValueError(f"weekday {weekday}: opening hours must be 0–6 with opens < closes")
        if not self.week:
            raise ValueError("business hours need at least one open day")

    @classmethod
    def weekdays(cls, timezone: str, opens: time = time(9), closes: time = time(17), **kwargs: Any) -> BusinessHours:
        """Monday to Friday, ``opens`` to ``closes``."""
        return cls(timezone=timezone, week=dict.fromkeys(range(5), (opens, closes)), **kwargs)

    def _windows(self, start: datetime, days: int = MAX_DAYS) -> Iterator[tuple[datetime, datetime]]:
        """The open windows (UTC, in order) of the local days from the day before ``start``'s on,
        for at most ``days`` days."""
        zone = ZoneInfo(self.timezone)
        first = start.astimezone(zone).date() - timedelta(days=1)
        for offset in range(days + 1):
            day = first + timedelta(days=offset)
            hours = self.week.get(day.weekday())
            if hours is None or day in self.days_off:
                continue
            opens = datetime.combine(day, hours[0], tzinfo=zone).astimezone(UTC)
            closes = datetime.combine(day, hours[1], tzinfo=zone).astimezone(UTC)
            yield opens, closes

    def open_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of ``[start, end)`` falls in open hours."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        for opens, closes in self._windows(start, (end - start).days + 2):
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        return total

    def after(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of open hours has passed since ``start``."""
        left = duration
        if left <= timedelta(0):
            return start.astimezone(UTC)
        for opens, closes in self._windows(start):
            lo = max(opens, start)
            if closes <= lo:
                continue
            if closes - lo >= left:
                return lo + left
            left -= closes - lo
        raise ValueError(f"no {duration} of open hours within {MAX_DAYS} days of {start}")


@dataclass(frozen=True)
class SlaClock:
    """One clock of a case: its target, the calendar it counts on (None: every hour), what it
    has spent so far, and since when it runs (None while paused or stopped)."""

    target: timedelta
    hours: BusinessHours | None = None
    spent: timedelta = timedelta(0)
    running_since: datetime | None = None
    stopped_at: datetime | None = None

    def _counted(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return timedelta(0)
        return self.hours.open_between(start, end) if self.hours else end - start

    def started(self, at: datetime) -> SlaClock:
        """Running from ``at``."""
        return replace(self, running_since=at.astimezone(UTC))

    def paused(self, at: datetime) -> SlaClock:
        """Paused at ``at`` (a case waiting on the customer or provider); pausing twice changes nothing."""
        if self.running_since is None or self.stopped_at is not None:
            return self
        return replace(self, spent=self.spent + self._counted(self.running_since, at), running_since=None)

    def resumed(self, at: datetime) -> SlaClock:
        """Running again from ``at``; resuming a running or stopped clock changes nothing."""
        if self.running_since is not None or self.stopped_at is not None:
            return self
        return replace(self, running_since=at.astimezone(UTC))

    def stopped(self, at: datetime) -> SlaClock:
        """Stopped for good (answered, resolved): what it spent stays."""
        if self.stopped_at is not None:
            return self
        return replace(self.paused(at), stopped_at=at.astimezone(UTC))

    def spent_at(self, now: datetime) -> timedelta:
        """The counted time spent by ``now``."""
        running = self._counted(self.running_since, now) if self.running_since is not None else timedelta(0)
        return self.spent + running

    def due(self) -> datetime | None:
        """When the target is reached if the clock keeps running; None while paused or stopped."""
        if self.running_since is None or self.stopped_at is not None:
            return None
        left = self.target - self.spent
        if self.hours is None:
            return self.running_since + max(left, timedelta(0))
        return self.hours.after(self.running_since, max(left, timedelta(0)))

    def breached(self, now: datetime) -> bool:
        """True once a running clock has spent its whole target, or a stopped one stopped late.

        A clock that reaches its target while it runs is breached at that instant, so the
        sweeper that looks at its due time finds it breached (with business hours, the target
        may be reached at the close of a day, when no more time is counted until the next).
        """
        if self.stopped_at is not None:
            return self.spent_at(self.stopped_at) > self.target
        return (self.running_since is not None and self.spent_at(now) >= self.target) or self.spent > self.target


@dataclass(frozen=True)
class SlaPolicy:
    """The targets of one case type and priority, and the queue's business hours (None: 24/7)."""

    first_response: timedelta
    resolution: timedelta
    hours: BusinessHours | None = None

    @classmethod
    def default(cls, priority: Priority, hours: BusinessHours | None = None) -> SlaPolicy:
        """RULES.md's defaults for ``priority``."""
        first = FIRST_RESPONSE[priority]
        return cls(first_response=first, resolution=first * RESOLUTION_FACTOR, hours=hours)


@dataclass(frozen=True)
class CaseSla:
    """A case's two clocks, snapshotted from its policy when it opened."""

    first_response: SlaClock
    resolution: SlaClock
    overrides: Mapping[str, datetime] = field(default_factory=dict)

    @classmethod
    def opened(cls, policy: SlaPolicy, at: datetime, *, resolution_due: datetime | None = None) -> CaseSla:
        """Both clocks running from ``at``. ``resolution_due`` fixes the resolution deadline
        instead (a chargeback's evidence deadline): the clock's target becomes the time to it."""
        resolution = SlaClock(target=policy.resolution, hours=policy.hours)
        if resolution_due is not None:
            resolution = SlaClock(target=max(resolution_due - at, timedelta(0)), hours=None)
        return cls(
            first_response=SlaClock(target=policy.first_response, hours=policy.hours).started(at),
            resolution=resolution.started(at),
        )

    def waiting(self, at: datetime) -> CaseSla:
        """The case waits on the customer or provider: both clocks pause."""
        return replace(self, first_response=self.first_response.paused(at), resolution=self.resolution.paused(at))

    def back(self, at: datetime) -> CaseSla:
        """The case is the team's again: both clocks resume."""
        return replace(self, first_response=self.first_response.resumed(at), resolution=self.resolution.resumed(at))

    def answered(self, at: datetime) -> CaseSla:
        """An agent answered: the first-response clock stops (later answers change nothing)."""
        return replace(self, first_response=self.first_response.stopped(at))

    def resolved(self, at: datetime) -> CaseSla:
        """The case is resolved: both clocks stop."""
        return replace(self, first_response=self.first_response.stopped(at), resolution=self.resolution.stopped(at))

    def breached(self, now: datetime) -> list[str]:
        """The clocks past their target by ``now``: "first_response", "resolution"."""
        return [
            name
            for name, clock in (("first_response", self.first_response), ("resolution", self.resolution))
            if clock.breached(now)
        ]

    def next_due(self) -> datetime | None:
        """The earliest instant a running clock reaches its target (when the sweeper should look)."""
        dues = [due for due in (self.first_response.due(), self.resolution.due()) if due is not None]
        return min(dues) if dues else None


def _seconds(value: timedelta) -> float:
    return value.total_seconds()


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _parse_instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def hours_to_json(hours: BusinessHours | None) -> dict[str, Any] | None:
    """Business hours as a queue or a case's snapshot keeps them."""
    if hours is None:
        return None
    return {
        "timezone": hours.timezone,
        "week": {
            str(day): [opens.isoformat("minutes"), closes.isoformat("minutes")]
            for day, (opens, closes) in sorted(hours.week.items())
        },
        "daysOff": sorted(day.isoformat() for day in hours.days_off),
    }


def hours_from_json(value: Mapping[str, Any] | None) -> BusinessHours | None:
    """Business hours from their JSON (a queue's row or a case's snapshot); ValueError when malformed."""
    if not value:
        return None
    week = {int(day): (time.fromisoformat(span[0]), time.fromisoformat(span[1])) for day, span in value["week"].items()}
    days_off = frozenset(date.fromisoformat(day) for day in value.get("daysOff", []))
    return BusinessHours(timezone=str(value["timezone"]), week=week, days_off=days_off)


def _clock_to_json(clock: SlaClock) -> dict[str, Any]:
    return {
        "targetSeconds": _seconds(clock.target),
        "spentSeconds": _seconds(clock.spent),
        "runningSince": _instant(clock.running_since),
        "stoppedAt": _instant(clock.stopped_at),
    }


def _clock_from_json(value: Mapping[str, Any], hours: BusinessHours | None) -> SlaClock:
    return SlaClock(
        target=timedelta(seconds=float(value["targetSeconds"])),
        hours=hours,
        spent=timedelta(seconds=float(value["spentSeconds"])),
        running_since=_parse_instant(value.get("runningSince")),
        stopped_at=_parse_instant(value.get("stoppedAt")),
    )


def sla_to_json(sla: CaseSla, *, escalated: list[str]) -> dict[str, Any]:
    """A case's clocks with the hours they count on and the clocks already escalated."""
    return {
        "hours": hours_to_json(sla.first_response.hours),
        "resolutionHours": hours_to_json(sla.resolution.hours),
        "firstResponse": _clock_to_json(sla.first_response),
        "resolution": _clock_to_json(sla.resolution),
        "escalated": sorted(set(escalated)),
    }


def sla_from_json(value: Mapping[str, Any]) -> tuple[CaseSla, list[str]]:
    """A case's clocks and escalated clock names from their snapshot."""
    first = _clock_from_json(value["firstResponse"], hours_from_json(value.get("hours")))
    resolution = _clock_from_json(value["resolution"], hours_from_json(value.get("resolutionHours")))
    return CaseSla(first_response=first, resolution=resolution), list(value.get("escalated", []))
