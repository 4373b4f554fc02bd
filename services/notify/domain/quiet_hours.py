"""Quiet hours: the part of a user's local day in which optional notifications wait.

A window is ``[start, end)`` on the user's local wall clock, in their IANA time zone, and may cross midnight
(``22:00``–``07:00``). It is judged by wall time alone, so daylight-saving changes stretch or shrink it in real time
and, where the clock falls back, can make it hold twice in one night. No I/O here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Strict on purpose: "7:00" or "07:00:00" is a client bug to surface, not a time to guess at.
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")

# The local dates (relative to now's) whose end of the window is a candidate: yesterday's covers a window that
# crossed midnight into today, and the day after tomorrow's covers an end skipped by a gap (a whole skipped day).
_CANDIDATE_DAYS = range(-1, 3)

# How far ahead offset changes are looked for: past the latest candidate date above.
_SEARCH_AHEAD = timedelta(days=4)

# Offset changes are found by probing the offset this often and bisecting where it differs; real zones never change
# offset twice within it.
_OFFSET_PROBE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class QuietHours:
    """A user's quiet hours: ``[start, end)`` of local wall-clock time in ``zone``; crosses midnight when
    ``end < start``. ``start == end`` is not a window (see :meth:`of`)."""

    start: time
    end: time
    zone: ZoneInfo

    def __post_init__(self) -> None:
        # An empty window would read as "always" under the crosses-midnight rule, and never end.
        if self.start == self.end:
            raise ValueError("quiet hours need start != end; an empty window is no quiet hours")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are wall-clock times: start and end take no tzinfo")

    @classmethod
    def of(cls, start: str | None, end: str | None, timezone: str) -> QuietHours | None:
        """The quiet hours of ``"HH:MM"`` (24-hour, two digits each) ``start`` and ``end`` in IANA zone ``timezone``.

        None when either end is unset (None or ``""``) or ``start == end`` (an empty window: documented as "no
        quiet hours"). Raises ValueError on a malformed time or an unknown zone; whatever is given is checked even
        when the answer is None, so a bad setting is never silently ignored.
        """
        zone = _zone(timezone)
        start_time = _parse_hh_mm(start, "start") if start else None
        end_time = _parse_hh_mm(end, "end") if end else None
        if start_time is None or end_time is None or start_time == end_time:
            return None
        return cls(start=start_time, end=end_time, zone=zone)

    def holds(self, now: datetime) -> bool:
        """Whether ``now`` (aware; any tz) falls in the window by the user's local wall clock.

        Only the wall time counts: in the hour repeated when the clock falls back, the window may hold again after
        it has ended (see :meth:`ends_after`).
        """
        _require_aware(now)
        wall = now.astimezone(self.zone).time()  # naive time; comparisons ignore fold
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def ends_after(self, now: datetime) -> datetime:
        """The first instant (aware UTC) at or after ``now`` at which the window no longer holds: ``now`` itself
        (in UTC) when it does not hold now. The window holds at every instant in ``[now, result)``.

        Where the end's wall time happens twice (the clock falls back), the window ends at the first; if the
        repeated hour brings the wall clock back inside the window, :meth:`holds` is True again and from there the
        window ends at the second. A caller releasing held messages at the first end need not hold them again.
        Where the end's wall time does not exist (the clock springs forward over it), the window ends at the jump.
        """
        _require_aware(now)
        now_utc = now.astimezone(UTC)
        if not self.holds(now_utc):
            return now_utc
        today = now_utc.astimezone(self.zone).date()
        candidates = [
            instant for offset in _CANDIDATE_DAYS for instant in self._end_instants(today + timedelta(days=offset))
        ]
        # The window can also end without the clock reaching `end`: when it falls back from inside the window to a
        # wall time before `start` (01:30–02:00 when 02:00 EDT becomes 01:00 EST).
        candidates += _offset_changes(self.zone, now_utc, now_utc + _SEARCH_AHEAD)
        # Holding at `now`, the window's first exit is a candidate, and every candidate before it still holds.
        for instant in sorted(c for c in candidates if c > now_utc):
            if not self.holds(instant):
                return instant
        raise RuntimeError(f"no end of {self} found within {_SEARCH_AHEAD} of {now_utc.isoformat()}")

    def _end_instants(self, day: date) -> list[datetime]:
        """The instants (UTC) at which the wall clock reaches ``end`` on local date ``day``: one; two when the clock
        falls back over it; or, when it springs forward over it, the instant of the jump."""
        wall = datetime.combine(day, self.end).replace(fold=0)
        early = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
        late = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        if early.astimezone(self.zone).replace(tzinfo=None) == wall:
            # The wall time exists; fold 0 is its first occurrence, fold 1 its second when there is one.
            return [early] if early == late else [early, late]
        # In a gap fold 1 reads the wall time with the offset after the jump (an instant before the jump), fold 0
        # with the one before it (an instant after): the jump lies between, where the wall clock first shows >= end.
        lo, hi = _seconds(late), _seconds(early)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _local(mid, self.zone).replace(tzinfo=None) >= wall:
                hi = mid
            else:
                lo = mid
        return [_instant(hi)]


def _parse_hh_mm(value: str, what: str) -> time:
    """``value`` as a 24-hour ``HH:MM`` time, or ValueError."""
    match = _HH_MM.fullmatch(value)
    if match is None:
        raise ValueError(f"quiet hours {what} must be a 24-hour HH:MM time, not {value!r}")
    return time(int(match[1]), int(match[2]))


def _zone(key: str) -> ZoneInfo:
    """The IANA zone ``key``, or ValueError."""
    try:
        return ZoneInfo(key)
    # ZoneInfo raises a KeyError subclass for an unknown key, ValueError for a malformed one or a file that is no
    # zone, and OSError for a directory ("America"); the caller needs one error for all.
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {key!r}") from exc


def _require_aware(now: datetime) -> None:
    """ValueError unless ``now`` is aware: a naive one would be read in the server's zone."""
    if now.utcoffset() is None:
        raise ValueError(f"quiet hours need an aware datetime, not {now!r}")


def _offset_changes(zone: ZoneInfo, since: datetime, until: datetime) -> list[datetime]:
    """The instants (UTC, to the second) in ``(since, until]`` at which ``zone`` changes its UTC offset."""
    found = []
    lo, stop = _seconds(since), _seconds(until)
    while lo < stop:
        hi = min(lo + _OFFSET_PROBE_SECONDS, stop)
        before = _local(lo, zone).utcoffset()
        if _local(hi, zone).utcoffset() != before:
            # Bisect: `a` has the old offset, `b` a new one.
            a, b = lo, hi
            while b - a > 1:
                mid = (a + b) // 2
                if _local(mid, zone).utcoffset() == before:
                    a = mid
                else:
                    b = mid
            found.append(_instant(b))
        lo = hi
    return found


def _seconds(instant: datetime) -> int:
    """``instant`` as whole POSIX seconds, rounded down."""
    return int((instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1))


def _instant(seconds: int) -> datetime:
    """POSIX ``seconds`` as an aware UTC datetime."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)


def _local(seconds: int, zone: ZoneInfo) -> datetime:
    """POSIX ``seconds`` on ``zone``'s clock."""
    return _instant(seconds).astimezone(zone)
