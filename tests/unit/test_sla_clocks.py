"""Support's SLA clocks: RULES.md's defaults, business hours across nights, weekends, days off
and a daylight-saving change, clocks that pause while a case waits on the customer, and a first
response target that later updates never move."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.support.domain.sla import BusinessHours, CaseSla, Priority, SlaClock, SlaPolicy

BERLIN = BusinessHours.weekdays("Europe/Berlin")  # Mon–Fri 09:00–17:00 local


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_rules_defaults_and_resolution_four_times_the_first_response() -> None:
    assert [SlaPolicy.default(p).first_response for p in Priority] == [
        timedelta(hours=1),
        timedelta(hours=4),
        timedelta(hours=24),
        timedelta(hours=72),
    ]
    assert SlaPolicy.default(Priority.HIGH).resolution == timedelta(hours=16)


def test_round_the_clock_a_case_is_due_its_target_after_opening_and_breaches_when_it_is_spent() -> None:
    opened = utc(2026, 12, 1, 10)
    sla = CaseSla.opened(SlaPolicy.default(Priority.URGENT), opened)
    assert sla.next_due() == utc(2026, 12, 1, 11)
    assert sla.breached(utc(2026, 12, 1, 10, 59, 59)) == []
    assert sla.breached(utc(2026, 12, 1, 11)) == ["first_response"]
    # An answer at the due instant is on time.
    assert sla.answered(utc(2026, 12, 1, 11)).breached(utc(2026, 12, 1, 12)) == []


def test_business_hours_skip_the_night_the_weekend_and_days_off() -> None:
    # Friday 16:00 in Berlin (15:00 UTC) with four hours to go: one hour on Friday, three on Monday.
    friday = utc(2026, 12, 4, 15)
    assert BERLIN.after(friday, timedelta(hours=4)) == utc(2026, 12, 7, 11)  # Monday 12:00 CET
    assert BERLIN.open_between(friday, utc(2026, 12, 7, 11)) == timedelta(hours=4)
    closed_monday = BusinessHours.weekdays("Europe/Berlin", days_off=frozenset({date(2026, 12, 7)}))
    assert closed_monday.after(friday, timedelta(hours=4)) == utc(2026, 12, 8, 11)
    # Opened at night: the clock starts counting at nine.
    assert BERLIN.after(utc(2026, 12, 1, 22), timedelta(hours=1)) == utc(2026, 12, 2, 9)


def test_business_hours_follow_the_wall_clock_across_a_daylight_saving_change() -> None:
    # Berlin springs forward on Sunday 2026-03-29: Friday 09:00 is 08:00 UTC, Monday 09:00 is 07:00 UTC.
    friday_close = utc(2026, 3, 27, 16)  # 17:00 CET
    assert BERLIN.after(friday_close - timedelta(hours=1), timedelta(hours=2)) == utc(2026, 3, 30, 8)  # Mon 10:00 CEST


def test_a_case_waiting_on_the_customer_longer_than_its_target_does_not_breach() -> None:
    opened = utc(2026, 12, 1, 10)
    sla = CaseSla.opened(SlaPolicy.default(Priority.URGENT), opened)
    sla = sla.waiting(opened + timedelta(minutes=20))
    assert sla.next_due() is None
    later = opened + timedelta(hours=30)
    assert sla.breached(later) == []
    sla = sla.back(later)
    # Twenty minutes were spent before the wait: forty are left.
    assert sla.first_response.due() == later + timedelta(minutes=40)
    assert sla.breached(later + timedelta(minutes=41)) == ["first_response"]


def test_the_first_answer_stops_the_first_response_clock_and_later_updates_do_not_move_it() -> None:
    opened = utc(2026, 12, 1, 10)
    sla = CaseSla.opened(SlaPolicy.default(Priority.HIGH), opened)
    sla = sla.answered(opened + timedelta(hours=1))
    again = sla.answered(opened + timedelta(hours=9))
    assert again.first_response == sla.first_response
    assert again.breached(opened + timedelta(days=10)) == ["resolution"]
    # Answered late stays breached.
    late = CaseSla.opened(SlaPolicy.default(Priority.URGENT), opened).answered(opened + timedelta(hours=2))
    assert late.breached(opened + timedelta(hours=2)) == ["first_response"]


def test_a_chargeback_is_due_by_its_evidence_deadline_whatever_the_hours() -> None:
    opened = utc(2026, 12, 1, 10)
    due_by = utc(2026, 12, 9, 23, 59)
    sla = CaseSla.opened(SlaPolicy.default(Priority.HIGH, hours=BERLIN), opened, resolution_due=due_by)
    assert sla.resolution.due() == due_by


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(min_value=1, max_value=60 * 200),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]),
)
def test_after_and_open_between_agree(start: datetime, minutes: int, zone: str) -> None:
    hours = BusinessHours.weekdays(zone, opens=time(8, 30), closes=time(18))
    due = hours.after(start, timedelta(minutes=minutes))
    assert hours.open_between(start, due) == timedelta(minutes=minutes)
    assert hours.open_between(start, due - timedelta(seconds=1)) < timedelta(minutes=minutes)


def test_a_clock_paused_twice_or_resumed_while_running_changes_nothing() -> None:
    at = utc(2026, 12, 1, 10)
    clock = SlaClock(target=timedelta(hours=1)).started(at)
    assert clock.resumed(at + timedelta(minutes=5)) == clock
    paused = clock.paused(at + timedelta(minutes=10))
    assert paused.paused(at + timedelta(minutes=50)) == paused
    assert paused.spent == timedelta(minutes=10)
