"""A DMCA notice's steps, as 17 U.S.C. 512 lays them out for a service provider.

| step | how it gets there | what it means |
|---|---|---|
| received | the claimant files the 512(c)(3) notice (a DMCA case) | an agent reviews it |
| rejected | an agent finds the notice deficient | nothing is hidden |
| taken_down | an agent accepts it | the named media are hidden everywhere; each uploader gets a strike and joins the case |
| countered | an uploader files a 512(g)(3) counter-notice | the media come back after 10 business days (at most 14) unless the claimant reports a court action |
| suit_reported | the claimant (or an agent) reports a court action before then | the media stay down |
| restored | the restore day came without a suit | the media are served again and the strike is withdrawn |

Business days are Monday to Friday in the service's home time zone (the statute's days are
the service provider's). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from callsheet_kit.errors import Violations
from callsheet_kit.validation import as_object, json_text, listing, media_id, only_keys
from services.support.domain.cases import Payload
from services.support.domain.errors import SupportReason

HOME_ZONE = "America/New_York"
RESTORE_AFTER_BUSINESS_DAYS = 10
RESTORE_BY_BUSINESS_DAYS = 14


class DmcaStep(StrEnum):
    """Where a notice is."""

    RECEIVED = "received"
    REJECTED = "rejected"
    TAKEN_DOWN = "taken_down"
    COUNTERED = "countered"
    SUIT_REPORTED = "suit_reported"
    RESTORED = "restored"


class DmcaAction(StrEnum):
    """What can be done to a notice."""

    ACCEPT = "ACCEPT"
    REJECT = "REJECT"
    COUNTER_NOTICE = "COUNTER_NOTICE"
    REPORT_SUIT = "REPORT_SUIT"


# The step each action needs.
NEEDS: Mapping[DmcaAction, frozenset[DmcaStep]] = {
    DmcaAction.ACCEPT: frozenset({DmcaStep.RECEIVED}),
    DmcaAction.REJECT: frozenset({DmcaStep.RECEIVED}),
    DmcaAction.COUNTER_NOTICE: frozenset({DmcaStep.TAKEN_DOWN}),
    DmcaAction.REPORT_SUIT: frozenset({DmcaStep.COUNTERED}),
}


def step_of(progress: Mapping[str, Any]) -> DmcaStep:
    """The notice's step from the case's progress."""
    return DmcaStep(progress.get("dmcaStep", DmcaStep.RECEIVED.value))


def require_step(progress: Mapping[str, Any], action: DmcaAction) -> DmcaStep:
    """The notice's step, when ``action`` may be taken at it; DMCA_STEP otherwise."""
    step = step_of(progress)
    if step not in NEEDS[action]:
        raise SupportReason.DMCA_STEP.error(
            f"{action.value} is not possible once the notice is {step.value}", step=step.value
        )
    return step


def business_days_after(start: datetime, days: int, *, zone: str = HOME_ZONE) -> datetime:
    """The start of the ``days``-th business day after ``start``'s day (Monday to Friday, local)."""
    tz = ZoneInfo(zone)
    day = start.astimezone(tz).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return datetime.combine(day, time(9), tzinfo=tz)


def restore_window(countered_at: datetime) -> tuple[datetime, datetime]:
    """When the media may come back after a counter-notice: not before 10 business days, not after 14."""
    return (
        business_days_after(countered_at, RESTORE_AFTER_BUSINESS_DAYS),
        business_days_after(countered_at, RESTORE_BY_BUSINESS_DAYS),
    )


def check_counter_notice(payload: Any, notice_media: list[str]) -> Payload:
    """The 512(g)(3) counter-notice: ``{"signature", "mediaIds", "statementUnderPenaltyOfPerjury": true,
    "name", "address", "phone", "consentToJurisdiction": true}``; the media are among the notice's."""
    violations = Violations()
    value = as_object(violations, "payload", payload)
    only_keys(
        violations,
        "payload",
        value,
        {
            "signature",
            "mediaIds",
            "statementUnderPenaltyOfPerjury",
            "name",
            "address",
            "phone",
            "consentToJurisdiction",
        },
    )
    media = []
    for index, raw in enumerate(listing(violations, "payload.mediaIds", value.get("mediaIds"), low=1, high=100)):
        found = media_id(violations, f"payload.mediaIds[{index}]", raw)
        if found and found not in notice_media:
            violations.add(f"payload.mediaIds[{index}]", "is not media the notice named")
        media.append(found)
    checked: Payload = {"mediaIds": media}
    for name, limit in (("signature", 200), ("name", 200), ("address", 1000), ("phone", 50)):
        checked[name] = json_text(violations, f"payload.{name}", value.get(name), required=True, max_length=limit)
    for name, words in (
        ("statementUnderPenaltyOfPerjury", "the good-faith statement under penalty of perjury 512(g)(3)(C) requires"),
        ("consentToJurisdiction", "the consent to jurisdiction 512(g)(3)(D) requires"),
    ):
        if value.get(name) is not True:
            violations.add(f"payload.{name}", f"must be true: {words}")
        checked[name] = True
    violations.raise_if_any()
    return checked


def check_suit(payload: Any) -> Payload:
    """``{"court", "caseNumber"?}``: where the claimant filed the action."""
    violations = Violations()
    value = as_object(violations, "payload", payload)
    only_keys(violations, "payload", value, {"court", "caseNumber"})
    checked: Payload = {
        "court": json_text(violations, "payload.court", value.get("court"), required=True, max_length=500)
    }
    if number := json_text(violations, "payload.caseNumber", value.get("caseNumber"), required=False, max_length=100):
        checked["caseNumber"] = number
    violations.raise_if_any()
    return checked


def check_reason(payload: Any) -> Payload:
    """``{"reason"}``: why an agent rejects a notice (kept in the history)."""
    violations = Violations()
    value = as_object(violations, "payload", payload)
    only_keys(violations, "payload", value, {"reason"})
    checked: Payload = {
        "reason": json_text(violations, "payload.reason", value.get("reason"), required=True, max_length=2000)
    }
    violations.raise_if_any()
    return checked
