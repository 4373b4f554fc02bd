"""Quiet hours: when a user's window holds and when it ends, across midnight, zones and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.notify.domain.quiet_hours import QuietHours

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"


def window(start: str, end: str, zone: str = "UTC") -> QuietHours:
    """The quiet hours of a setting known to be valid and non-empty."""
    quiet = QuietHours.of(start, end, zone)
    assert quiet is not None
    return quiet


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- of() ---


def test_of_reads_a_setting() -> None:
    assert QuietHours.of("22:00", "07:30", BERLIN) == QuietHours(time(22), time(7, 30), ZoneInfo(BERLIN))


@pytest.mark.parametrize(
    ("start", "end"), [(None, "07:00"), ("22:00", None), (None, None), ("", "07:00"), ("22:00", "22:00")]
)
def test_an_unset_or_empty_window_is_no_quiet_hours(start: str | None, end: str | None) -> None:
    assert QuietHours.of(start, end, "UTC") is None


@pytest.mark.parametrize(
    "bad", ["25:00", "24:00", "7:00", "07:0", "aa:bb", "07:60", "07:00:00", " 07:00", "0700", "٠٧:٠٠"]
)
def test_a_malformed_time_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        QuietHours.of(bad, "07:00", "UTC")
    with pytest.raises(ValueError, match="HH:MM"):
        QuietHours.of("22:00", bad, "UTC")
    # Checked even when the other end is unset, so a bad setting never passes as "no quiet hours".
    with pytest.raises(ValueError, match="HH:MM"):
        QuietHours.of(bad, None, "UTC")


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "America", "", "../etc/passwd", "/etc/localtime", "utc"])
def test_an_unknown_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        QuietHours.of("22:00", "07:00", zone)


def test_an_empty_window_cannot_be_built_directly() -> None:
    with pytest.raises(ValueError, match="start != end"):
        QuietHours(time(7), time(7), ZoneInfo("UTC"))


def test_a_naive_instant_is_refused() -> None:
    quiet = window("22:00", "07:00")
    with pytest.raises(ValueError, match="aware"):
        quiet.holds(datetime(2026, 5, 1, 23))
    with pytest.raises(ValueError, match="aware"):
        quiet.ends_after(datetime(2026, 5, 1, 23))


# --- simple windows ---


def test_a_daytime_window_in_utc() -> None:
    quiet = window("09:00", "17:00")
    assert not quiet.holds(utc(2026, 5, 1, 8, 59, 59))
    assert quiet.holds(utc(2026, 5, 1, 9))
    assert quiet.holds(utc(2026, 5, 1, 16, 59, 59))
    assert not quiet.holds(utc(2026, 5, 1, 17))
    assert quiet.ends_after(utc(2026, 5, 1, 12, 34, 56)) == utc(2026, 5, 1, 17)
    assert quiet.ends_after(utc(2026, 5, 1, 18)) == utc(2026, 5, 1, 18)


@pytest.mark.parametrize(
    ("now", "holds", "ends"),
    [
        (utc(2026, 5, 1, 21, 59), False, utc(2026, 5, 1, 21, 59)),
        (utc(2026, 5, 1, 22), True, utc(2026, 5, 2, 7)),
        (utc(2026, 5, 1, 23, 59, 59), True, utc(2026, 5, 2, 7)),
        (utc(2026, 5, 2, 0), True, utc(2026, 5, 2, 7)),
        (utc(2026, 5, 2, 6, 59, 59), True, utc(2026, 5, 2, 7)),
        (utc(2026, 5, 2, 7), False, utc(2026, 5, 2, 7)),
        (utc(2026, 5, 2, 12), False, utc(2026, 5, 2, 12)),
    ],
)
def test_a_window_across_midnight(now: datetime, holds: bool, ends: datetime) -> None:
    quiet = window("22:00", "07:00")
    assert quiet.holds(now) is holds
    assert quiet.ends_after(now) == ends


def test_the_result_is_utc_whatever_the_zone_of_now() -> None:
    quiet = window("22:00", "07:00", BERLIN)
    now = datetime(2026, 5, 1, 23, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # 16:30 CEST: outside
    assert quiet.ends_after(now) == now
    assert quiet.ends_after(now).tzinfo is UTC
    inside = datetime(2026, 5, 2, 6, tzinfo=ZoneInfo(BERLIN))
    assert quiet.ends_after(inside) == utc(2026, 5, 2, 5)
    assert quiet.ends_after(inside).tzinfo is UTC


def test_berlin_in_summer_and_winter() -> None:
    quiet = window("22:00", "07:00", BERLIN)
    assert quiet.holds(utc(2026, 7, 1, 20))  # 22:00 CEST
    assert not quiet.holds(utc(2026, 7, 1, 19, 59))
    assert quiet.ends_after(utc(2026, 7, 1, 20)) == utc(2026, 7, 2, 5)
    assert quiet.holds(utc(2026, 1, 15, 21))  # 22:00 CET
    assert not quiet.holds(utc(2026, 1, 15, 20, 59))
    assert quiet.ends_after(utc(2026, 1, 15, 21)) == utc(2026, 1, 16, 6)


def test_kolkata_half_hour_offset() -> None:
    quiet = window("22:00", "07:00", "Asia/Kolkata")  # +05:30, no DST
    assert not quiet.holds(utc(2026, 5, 1, 16, 29))  # 21:59 IST
    assert quiet.holds(utc(2026, 5, 1, 16, 30))  # 22:00 IST
    assert quiet.ends_after(utc(2026, 5, 1, 17)) == utc(2026, 5, 2, 1, 30)
    assert not quiet.holds(utc(2026, 5, 2, 1, 30))


def test_auckland_southern_hemisphere_daylight_saving() -> None:
    quiet = window("22:00", "07:00", "Pacific/Auckland")
    # January is summer: NZDT, +13.
    assert quiet.holds(utc(2026, 1, 15, 10))  # 23:00 NZDT
    assert quiet.ends_after(utc(2026, 1, 15, 10)) == utc(2026, 1, 15, 18)
    # July is winter: NZST, +12.
    assert quiet.holds(utc(2026, 7, 15, 11))  # 23:00 NZST
    assert quiet.ends_after(utc(2026, 7, 15, 11)) == utc(2026, 7, 15, 19)
    # 2026-04-05 03:00 NZDT falls back to 02:00 NZST (14:00 UTC on the 4th): that night is 10 h.
    assert quiet.ends_after(utc(2026, 4, 4, 9)) == utc(2026, 4, 4, 19)
    # 2026-09-27 02:00 NZST springs to 03:00 NZDT (14:00 UTC on the 26th): that night is 8 h.
    assert quiet.ends_after(utc(2026, 9, 26, 10)) == utc(2026, 9, 26, 18)


# --- daylight saving: New York ---


def test_new_york_spring_forward_over_the_end_ends_at_the_jump() -> None:
    # 2026-03-08: 01:59:59 EST is followed by 03:00:00 EDT at 07:00 UTC; 02:30 never happens.
    quiet = window("22:00", "02:30", NEW_YORK)
    assert quiet.holds(utc(2026, 3, 8, 6, 59, 59))  # 01:59:59 EST
    assert quiet.ends_after(utc(2026, 3, 8, 3)) == utc(2026, 3, 8, 7)  # from 22:00 EST
    assert quiet.ends_after(utc(2026, 3, 8, 6, 59, 59)) == utc(2026, 3, 8, 7)
    assert not quiet.holds(utc(2026, 3, 8, 7))
    # The next night it ends at 02:30 EDT again.
    assert quiet.ends_after(utc(2026, 3, 9, 3)) == utc(2026, 3, 9, 6, 30)


def test_new_york_spring_forward_to_an_end_just_after_the_jump() -> None:
    quiet = window("01:00", "03:00", NEW_YORK)
    assert quiet.holds(utc(2026, 3, 8, 6))  # 01:00 EST
    assert quiet.ends_after(utc(2026, 3, 8, 6)) == utc(2026, 3, 8, 7)  # 03:00 EDT: one real hour
    assert not quiet.holds(utc(2026, 3, 8, 7))


def test_a_start_in_the_spring_forward_gap_starts_when_the_clock_passes_it() -> None:
    quiet = window("02:15", "04:00", NEW_YORK)
    assert not quiet.holds(utc(2026, 3, 8, 6, 59, 59))  # 01:59:59 EST
    assert quiet.ends_after(utc(2026, 3, 8, 6, 59, 59)) == utc(2026, 3, 8, 6, 59, 59)
    assert quiet.holds(utc(2026, 3, 8, 7))  # 03:00 EDT
    assert quiet.ends_after(utc(2026, 3, 8, 7)) == utc(2026, 3, 8, 8)  # 04:00 EDT


def test_a_window_inside_the_spring_forward_gap_never_holds_that_night() -> None:
    quiet = window("02:10", "02:40", NEW_YORK)
    for minute in range(0, 180, 5):
        assert not quiet.holds(utc(2026, 3, 8, 6) + timedelta(minutes=minute))
    assert quiet.holds(utc(2026, 3, 9, 6, 20))  # 02:20 EDT the next night


def test_new_york_fall_back_ends_at_the_first_end_and_holds_again_in_the_repeated_hour() -> None:
    # 2026-11-01: 01:59:59 EDT is followed by 01:00:00 EST at 06:00 UTC; 01:30 happens twice.
    quiet = window("23:00", "01:30", NEW_YORK)
    assert quiet.ends_after(utc(2026, 11, 1, 3)) == utc(2026, 11, 1, 5, 30)  # from 23:00 EDT to 01:30 EDT
    assert not quiet.holds(utc(2026, 11, 1, 5, 30))
    assert not quiet.holds(utc(2026, 11, 1, 5, 59, 59))  # 01:59:59 EDT
    assert quiet.holds(utc(2026, 11, 1, 6))  # 01:00 EST: inside again
    assert quiet.holds(utc(2026, 11, 1, 6, 15))
    assert quiet.ends_after(utc(2026, 11, 1, 6, 15)) == utc(2026, 11, 1, 6, 30)  # 01:30 EST
    assert not quiet.holds(utc(2026, 11, 1, 6, 30))


def test_new_york_fall_back_from_inside_the_window_to_before_its_start() -> None:
    # 01:30–02:00: at 06:00 UTC the clock goes from 01:59:59 EDT back to 01:00 EST, out of the window, without
    # ever showing 02:00.
    quiet = window("01:30", "02:00", NEW_YORK)
    assert quiet.holds(utc(2026, 11, 1, 5, 45))  # 01:45 EDT
    assert quiet.ends_after(utc(2026, 11, 1, 5, 45)) == utc(2026, 11, 1, 6)
    assert quiet.holds(utc(2026, 11, 1, 6, 30))  # 01:30 EST: the window comes round again
    assert quiet.ends_after(utc(2026, 11, 1, 6, 30)) == utc(2026, 11, 1, 7)  # 02:00 EST


def test_a_window_ending_in_the_repeated_hour_from_before_it() -> None:
    quiet = window("00:00", "01:30", NEW_YORK)
    assert quiet.ends_after(utc(2026, 11, 1, 4, 30)) == utc(2026, 11, 1, 5, 30)  # 00:30 EDT → 01:30 EDT
    assert quiet.ends_after(utc(2026, 11, 1, 6, 10)) == utc(2026, 11, 1, 6, 30)  # 01:10 EST → 01:30 EST


# --- daylight saving: Berlin ---


def test_berlin_spring_forward_night_is_eight_hours() -> None:
    # 2026-03-29: 02:00 CET springs to 03:00 CEST at 01:00 UTC.
    quiet = window("22:00", "07:00", BERLIN)
    start = utc(2026, 3, 28, 21)  # 22:00 CET
    assert quiet.holds(start)
    assert not quiet.holds(start - timedelta(seconds=1))
    end = quiet.ends_after(start)
    assert end == utc(2026, 3, 29, 5)  # 07:00 CEST
    assert end - start == timedelta(hours=8)
    assert end.astimezone(ZoneInfo(BERLIN)).time() == time(7)


def test_berlin_fall_back_night_is_ten_hours() -> None:
    # 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
    quiet = window("22:00", "07:00", BERLIN)
    start = utc(2026, 10, 24, 20)  # 22:00 CEST
    assert quiet.holds(start)
    assert not quiet.holds(start - timedelta(seconds=1))
    end = quiet.ends_after(start)
    assert end == utc(2026, 10, 25, 6)  # 07:00 CET
    assert end - start == timedelta(hours=10)
    assert end.astimezone(ZoneInfo(BERLIN)).time() == time(7)
    # From within the repeated hour too.
    assert quiet.ends_after(utc(2026, 10, 25, 1, 30)) == utc(2026, 10, 25, 6)


# --- properties ---

ZONES = [
    "UTC",
    NEW_YORK,
    BERLIN,
    "Asia/Kolkata",
    "Pacific/Auckland",
    "Pacific/Chatham",  # +12:45 / +13:45
    "Australia/Lord_Howe",  # a 30-minute daylight-saving shift
    "America/St_Johns",  # -03:30 / -02:30
    "America/Santiago",  # changes at midnight
    "America/Havana",  # changes at midnight
    "Asia/Beirut",  # changes at midnight
    "Africa/Casablanca",  # two changes around Ramadan
    "Europe/London",
    "Asia/Tokyo",
]

YEAR_START = utc(2026, 1, 1)
YEAR_SECONDS = int((utc(2027, 1, 1) - YEAR_START).total_seconds())


@cache
def offset_changes_2026(zone: str) -> tuple[datetime, ...]:
    """Instants of 2026 within half an hour after each change of ``zone``'s offset, found by brute force."""
    tz = ZoneInfo(zone)
    found = []
    previous = YEAR_START.astimezone(tz).utcoffset()
    for minute in range(1, YEAR_SECONDS // 60 + 1, 30):
        instant = YEAR_START + timedelta(minutes=minute)
        offset = instant.astimezone(tz).utcoffset()
        if offset != previous:
            found.append(instant)
            previous = offset
    return tuple(found)


wall_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def cases(draw: st.DrawFn) -> tuple[QuietHours, datetime]:
    """A window in a zone from ZONES and an instant of 2026, often within a day and a half of an offset change."""
    zone = draw(st.sampled_from(ZONES))
    start = draw(wall_times)
    end = draw(wall_times.filter(lambda t: t != start))
    quiet = QuietHours(start, end, ZoneInfo(zone))
    changes = offset_changes_2026(zone)
    near_a_change = draw(st.booleans())
    if changes and near_a_change:
        near = draw(st.sampled_from(changes))
        now = near + timedelta(seconds=draw(st.integers(-36 * 3600, 36 * 3600)))
    else:
        now = YEAR_START + timedelta(seconds=draw(st.integers(0, YEAR_SECONDS - 1)))
    now += timedelta(microseconds=draw(st.sampled_from([0, 0, 1, 500_000, 999_999])))
    # Any zone for `now` itself: only the instant matters. (Tests do arithmetic and comparisons on it in UTC: on a
    # ZoneInfo datetime `+` is wall-clock arithmetic, and one in a repeated hour never equals one in another zone.)
    return quiet, now.astimezone(ZoneInfo(draw(st.sampled_from(ZONES))))


@settings(max_examples=500, deadline=None)
@given(cases())
def test_the_window_holds_until_it_ends_and_not_at_its_end(case: tuple[QuietHours, datetime]) -> None:
    quiet, now = case
    ends = quiet.ends_after(now)
    assert ends.tzinfo is UTC
    now = now.astimezone(UTC)
    assert ends >= now
    assert not quiet.holds(ends)
    if not quiet.holds(now):
        assert ends == now
        return
    assert ends - now < timedelta(days=2)
    for k in range(10):
        assert quiet.holds(now + k * (ends - now) / 10)
    assert quiet.holds(max(now, ends - timedelta(seconds=1)))


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_end_is_what_walking_the_clock_finds(case: tuple[QuietHours, datetime]) -> None:
    # Offsets and wall times in these zones are whole minutes in 2026, so every change of `holds` falls on a whole
    # UTC minute: walking them finds the exact end.
    quiet, now = case
    if not quiet.holds(now):
        return
    walk = now.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    while quiet.holds(walk):
        walk += timedelta(minutes=1)
    assert quiet.ends_after(now) == walk
