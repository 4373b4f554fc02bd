"""The support case's rules: states, SLA clocks that pause while waiting, a first-response target
that later updates never move, escalation once per clock, redaction."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from callsheet_kit.errors import DomainError
from services.support.domain.case import (
    REDACTED,
    CaseEscalated,
    CaseOpened,
    CaseRedacted,
    CaseUpdated,
    Opening,
    SupportCase,
)
from services.support.domain.cases import CaseState, CaseType
from services.support.domain.dmca import business_days_after, check_counter_notice, restore_window
from services.support.domain.sla import BusinessHours, Priority, SlaPolicy

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # a Monday
AGENT, BUYER = "u_agent_1", "u_buyer_1"


def opened(priority: Priority = Priority.NORMAL, hours: BusinessHours | None = None) -> SupportCase:
    opening = Opening(
        case_id="case_1",
        key="user:u_buyer_1:k",
        case_type=CaseType.GENERAL,
        opened_by=BUYER,
        order_id=None,
        participants=(BUYER,),
        subject="Help",
        description="Something is wrong",
        payload={"topic": "account", "contact": {"phone": "555"}},
        queue="general",
        priority=priority,
        policy=SlaPolicy.default(priority, hours),
        agents=(AGENT,),
    )
    return SupportCase.open(opening, now=T0)


def test_a_new_case_has_both_targets_from_its_snapshot_and_tells_the_opener_and_the_agents() -> None:
    case = opened()
    assert case.state == "NEW" and case.version == 1 and not case.sla_breached
    assert case.first_response_due == T0 + timedelta(hours=24)
    assert case.resolution_due == T0 + timedelta(hours=96)
    [event] = case.pull_events()
    assert isinstance(event, CaseOpened) and event.recipients == (BUYER, AGENT)
    assert [entry.kind for entry in case.pending_entries()] == ["opened"]


def test_an_agents_reply_stops_the_first_response_clock_and_later_updates_never_move_it() -> None:
    case = opened()
    case.message(
        actor=AGENT, body="On it", is_agent=True, internal=False, to_state=None, agents=(), now=T0 + timedelta(hours=1)
    )
    assert case.state == "OPEN" and case.first_response_due is None
    frozen_sla = dict(case.sla["firstResponse"])
    for hour in range(2, 30):
        case.message(
            actor=BUYER,
            body="more",
            is_agent=False,
            internal=False,
            to_state=None,
            agents=(AGENT,),
            now=T0 + timedelta(hours=hour),
        )
    assert case.sla["firstResponse"] == frozen_sla
    assert case.escalate_overdue(agents=(AGENT,), now=T0 + timedelta(hours=30)) == []


def test_waiting_on_the_customer_pauses_both_clocks_for_as_long_as_it_waits() -> None:
    case = opened()
    case.change(actor=AGENT, to_state=CaseState.PENDING_CUSTOMER, priority=None, note="", now=T0 + timedelta(hours=1))
    assert case.next_due is None and case.first_response_due is None
    assert case.escalate_overdue(agents=(AGENT,), now=T0 + timedelta(days=30)) == []
    back = T0 + timedelta(days=30)
    case.message(actor=BUYER, body="here", is_agent=False, internal=False, to_state=None, agents=(AGENT,), now=back)
    assert case.state == "OPEN"
    # One hour was spent before the pause: 23 are left of the first-response target.
    assert case.first_response_due == back + timedelta(hours=23)


def test_a_breach_escalates_once_per_clock_and_tells_the_agents() -> None:
    case = opened(Priority.URGENT)
    case.pull_events()
    assert case.escalate_overdue(agents=(AGENT,), now=T0 + timedelta(minutes=61)) == ["first_response"]
    assert case.state == "ESCALATED" and case.sla_breached
    [event] = case.pull_events()
    assert isinstance(event, CaseEscalated) and event.recipients == (AGENT,)
    assert case.escalate_overdue(agents=(AGENT,), now=T0 + timedelta(minutes=90)) == []
    assert case.escalate_overdue(agents=(AGENT,), now=T0 + timedelta(hours=5)) == ["resolution"]
    assert case.next_due is None


def test_business_hours_keep_a_breach_from_falling_at_night() -> None:
    hours = BusinessHours.weekdays("Europe/Berlin", opens=time(9), closes=time(17))
    friday_evening = datetime(2026, 12, 11, 15, 30, tzinfo=UTC)  # 16:30 in Berlin
    opening = Opening(
        case_id="case_2",
        key="k2",
        case_type=CaseType.GENERAL,
        opened_by=BUYER,
        order_id=None,
        participants=(BUYER,),
        subject="s",
        description="d",
        payload={},
        queue="general",
        priority=Priority.HIGH,
        policy=SlaPolicy.default(Priority.HIGH, hours),
    )
    case = SupportCase.open(opening, now=friday_evening)
    # Half an hour on Friday, three and a half on Monday morning (Berlin): due 12:30 local.
    assert case.first_response_due == datetime(2026, 12, 14, 11, 30, tzinfo=UTC)
    assert not case.escalate_overdue(agents=(AGENT,), now=datetime(2026, 12, 14, 0, 0, tzinfo=UTC))


def test_only_agents_write_internal_notes_and_a_resolved_case_takes_no_more_messages() -> None:
    case = opened()
    with pytest.raises(DomainError) as denied:
        case.message(actor=BUYER, body="x", is_agent=False, internal=True, to_state=None, agents=(), now=T0)
    assert denied.value.code.name == "PERMISSION_DENIED"
    case.resolve(actor=AGENT, resolution={"refundCents": 0, "note": "done"}, now=T0 + timedelta(hours=2))
    assert case.state == "RESOLVED" and case.resolution_due is None
    with pytest.raises(DomainError) as closed:
        case.message(actor=BUYER, body="x", is_agent=False, internal=False, to_state=None, agents=(), now=T0)
    assert closed.value.reason == "CASE_STATE"
    assert case.change(actor=AGENT, to_state=CaseState.CLOSED, priority=None, note="", now=T0 + timedelta(hours=3))
    assert case.state == "CLOSED"


def test_a_redacted_field_is_replaced_and_the_redaction_is_its_own_entry_and_event() -> None:
    case = opened()
    case.pull_events()
    case.pending_entries()
    case.redact_field(actor=AGENT, field_path="payload.contact.phone", reason="personal data", now=T0)
    assert case.payload["contact"]["phone"] == REDACTED
    [entry] = case.pending_entries()
    assert (entry.kind, entry.actor, entry.payload) == (
        "redacted",
        AGENT,
        {"target": "payload.contact.phone", "reason": "personal data"},
    )
    [event] = case.pull_events()
    assert isinstance(event, CaseRedacted) and event.reason == "personal data"
    with pytest.raises(DomainError) as again:
        case.redact_field(actor=AGENT, field_path="payload.contact.phone", reason="again", now=T0)
    assert again.value.reason == "ALREADY_REDACTED"
    with pytest.raises(DomainError) as unknown:
        case.redact_field(actor=AGENT, field_path="payload.nope", reason="x", now=T0)
    assert unknown.value.violations[0].field == "field"


def test_participants_are_told_of_an_agents_reply_and_agents_of_a_participants_message() -> None:
    case = opened()
    case.pull_events()
    case.message(
        actor=AGENT, body="?", is_agent=True, internal=False, to_state=CaseState.PENDING_CUSTOMER, agents=(), now=T0
    )
    [reply] = case.pull_events()
    assert isinstance(reply, CaseUpdated) and reply.recipients == (BUYER,) and "waiting" in reply.change
    case.message(actor=BUYER, body="!", is_agent=False, internal=False, to_state=None, agents=(AGENT,), now=T0)
    [message] = case.pull_events()
    assert isinstance(message, CaseUpdated) and message.recipients == (AGENT,)


def test_a_counter_notice_restores_after_ten_business_days_and_names_its_statements() -> None:
    wednesday = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)
    earliest, latest = restore_window(wednesday)
    assert earliest.date().isoformat() == "2026-12-23" and latest.date().isoformat() == "2026-12-29"
    assert business_days_after(datetime(2026, 12, 11, 15, tzinfo=UTC), 1).date().isoformat() == "2026-12-14"
    with pytest.raises(DomainError) as bad:
        check_counter_notice({"mediaIds": ["med_x"], "signature": "A"}, ["med_y"])
    fields = {violation.field for violation in bad.value.violations}
    assert {"payload.mediaIds[0]", "payload.name", "payload.address", "payload.phone"} <= fields
    assert {"payload.statementUnderPenaltyOfPerjury", "payload.consentToJurisdiction"} <= fields
