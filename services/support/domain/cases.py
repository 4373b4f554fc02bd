"""The typed cases of the support centre and the payload each type takes.

Every case has a type; each type checks its own payload (camelCase keys, money in integer cents)
into the normalized payload the case keeps, naming every bad field at once
(``payload.contact.email``). A type also says whether it needs an order, who may open it (some
open only by themselves: a chargeback from the card network's dispute, a booking dispute from a
DISPUTE card), and its default priority.

DMCA notices carry the elements 17 U.S.C. 512(c)(3)(A) requires: a signature, the copyrighted
work, the infringing material (here: the media in Callsheet, so it can be hidden), contact
information, a statement of good faith, and a statement of accuracy under penalty of perjury
that the complainant is authorized to act.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import (
    MAX_ID,
    as_object,
    boolean,
    integer,
    json_text,
    listing,
    media_id,
    only_keys,
)
from services.support.domain.sla import Priority

Payload = dict[str, Any]
MAX_REFUND_CENTS = 10_000_000
MAX_MEDIA = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CaseType(StrEnum):
    """The contract's case types."""

    GENERAL = "GENERAL"
    REFUND = "REFUND"
    BOOKING_DISPUTE = "BOOKING_DISPUTE"
    PAYMENT_ISSUE = "PAYMENT_ISSUE"
    CHARGEBACK = "CHARGEBACK"
    DMCA = "DMCA"
    POLICY_VIOLATION = "POLICY_VIOLATION"


class CaseState(StrEnum):
    """The contract's case states."""

    NEW = "NEW"
    OPEN = "OPEN"
    PENDING_CUSTOMER = "PENDING_CUSTOMER"
    PENDING_PROVIDER = "PENDING_PROVIDER"
    ESCALATED = "ESCALATED"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


# While a case waits on someone outside support, its SLA clocks stand still.
WAITING_STATES = frozenset({CaseState.PENDING_CUSTOMER, CaseState.PENDING_PROVIDER})


def _choice(violations: Violations, field: str, value: Any, choices: tuple[str, ...]) -> str:
    found = json_text(violations, field, value, required=True, max_length=64)
    if found and found not in choices:
        violations.add(field, f"must be one of {', '.join(choices)}")
        return ""
    return found


def _reference(violations: Violations, field: str, value: Any, prefix: str, *, required: bool) -> str:
    found = json_text(violations, field, value, required=required, max_length=MAX_ID)
    if found and not found.startswith(prefix):
        violations.add(field, f"must be an id starting with {prefix}")
        return ""
    return found


def general(violations: Violations, payload: Mapping[str, Any]) -> Payload:
    """``{"topic"?}``: anything else."""
    only_keys(violations, "payload", payload, {"topic"})
    topic = json_text(violations, "payload.topic", payload.get("topic"), required=False, max_length=100)
    return {"topic": topic} if topic else {}


REFUND_REASONS = ("cancelled", "not_as_described", "no_show", "duplicate_charge", "other")


def refund(violations: Violations, payload: Mapping[str, Any]) -> Payload:
    """``{"reason", "amountCents"?}``: a refund asked of an order (none: the agent decides how much)."""
    only_keys(violations, "payload", payload, {"reason", "amountCents"})
    checked: Payload = {"reason": _choice(violations, "payload.reason", payload.get("reason"), REFUND_REASONS)}
    if payload.get("amountCents") is not None:
        checked["amountCents"] = integer(
            violations, "payload.amountCents", payload["amountCents"], low=1, high=MAX_REFUND_CENTS
        )
    return checked


def booking_dispute(violations: Violations, payload: Mapping[str, Any]) -> Payload:
    """``{"cardId"}``: the DISPUTE card the case resolves."""
    only_keys(violations, "payload", payload, {"cardId"})
    return {"cardId": _reference(violations, "payload.cardId", payload.get("cardId"), "crd_", required=True)}


PAYMENT_ISSUES = ("charge_failed", "double_charge", "wrong_amount", "payout_missing", "receipt", "other")


def payment_issue(violations: Violations, payload: Mapping[str, Any]) -> Payload:
    """``{"kind", "paymentId"?}``."""
    only_keys(violations, "payload", payload, {"kind", "paymentId"})
    checked: Payload = {"kind": _choice(violations, "payload.kind", payload.get("kind"), PAYMENT_ISSUES)}
    if payment := _reference(violations, "payload.paymentId", payload.get("paymentId"), "pay_", required=False):
        checked["paymentId"] = payment
    return checked


def chargeback(violations: Violations, payload: Mapping[str, Any]) -> Payload:
    """``{"disputeId"}``: the payment dispute (opened by payments' ``dispute.opened``)."""
    only_keys(violations, "payload", payload, {"disputeId"})
    return {"disputeId": _reference(violations, "payload.disputeId", payload.get("disputeId"), "dsp_", required=True)}


def dmca(violations: Violations, payload: Mapping[str, Any]) -> Payload:
    """The 512(c)(3) notice: ``{"signature", "copyrightedWork", "infringingMediaIds",
    "contact": {"name", "email", "address"?, "phone"?}, "goodFaith": true, "accurateUnderPenaltyOfPerjury": true}``."""
    only_keys(
        violations,
        "payload",
        payload,
        {"signature", "copyrightedWork", "infringingMediaIds", "contact", "goodFaith", "accurateUnderPenaltyOfPerjury"},
    )
    media = []
    for index, raw in enumerate(
        listing(violations, "payload.infringingMediaIds", payload.get("infringingMediaIds"), low=1, high=MAX_MEDIA)
    ):
        found = media_id(violations, f"payload.infringingMediaIds[{index}]", raw)
        if found in media:
            violations.add(f"payload.infringingMediaIds[{index}]", "is listed twice")
        media.append(found)
    contact_in = as_object(violations, "payload.contact", payload.get("contact"))
    if payload.get("contact") is None:
        violations.add("payload.contact", "is required")
    only_keys(violations, "payload.contact", contact_in, {"name", "email", "address", "phone"})
    contact = {
        "name": json_text(violations, "payload.contact.name", contact_in.get("name"), required=True, max_length=200),
        "email": json_text(violations, "payload.contact.email", contact_in.get("email"), required=True, max_length=254),
    }
    if contact["email"] and not _EMAIL.match(contact["email"]):
        violations.add("payload.contact.email", "must be an email address")
    for optional in ("address", "phone"):
        if value := json_text(violations, f"payload.contact.{optional}", contact_in.get(optional), required=False):
            contact[optional] = value
    statements = {}
    for name in ("goodFaith", "accurateUnderPenaltyOfPerjury"):
        field = f"payload.{name}"
        if payload.get(name) is not True:
            violations.add(field, "must be true: the statement 17 U.S.C. 512(c)(3)(A) requires")
        statements[name] = boolean(violations, field, payload.get(name), default=False)
    return {
        "signature": json_text(
            violations, "payload.signature", payload.get("signature"), required=True, max_length=200
        ),
        "copyrightedWork": json_text(
            violations, "payload.copyrightedWork", payload.get("copyrightedWork"), required=True, max_length=2000
        ),
        "infringingMediaIds": media,
        "contact": contact,
        **statements,
    }


TARGET_KINDS = ("user", "media", "order")
VIOLATIONS = ("harassment", "fraud", "explicit_content", "safety", "spam", "impersonation", "other")
_TARGET_PREFIX = {"user": "u_", "media": "med_", "order": "ord_"}


def policy_violation(violations: Violations, payload: Mapping[str, Any]) -> Payload:
    """``{"target": {"kind": user|media|order, "id"}, "category", "details"?}``."""
    only_keys(violations, "payload", payload, {"target", "category", "details"})
    target_in = as_object(violations, "payload.target", payload.get("target"))
    if payload.get("target") is None:
        violations.add("payload.target", "is required")
    only_keys(violations, "payload.target", target_in, {"kind", "id"})
    kind = _choice(violations, "payload.target.kind", target_in.get("kind"), TARGET_KINDS)
    target_id = _reference(
        violations, "payload.target.id", target_in.get("id"), _TARGET_PREFIX.get(kind, ""), required=True
    )
    checked: Payload = {
        "target": {"kind": kind, "id": target_id},
        "category": _choice(violations, "payload.category", payload.get("category"), VIOLATIONS),
    }
    if details := json_text(violations, "payload.details", payload.get("details"), required=False, max_length=5000):
        checked["details"] = details
    return checked


@dataclass(frozen=True)
class CaseKind:
    """What one case type declares."""

    check: Callable[[Violations, Mapping[str, Any]], Payload]
    needs_order: bool
    # Opened only by the system (from events), never by a user's openSupportCase.
    system_only: bool
    priority: Priority


KINDS: Mapping[CaseType, CaseKind] = {
    CaseType.GENERAL: CaseKind(general, needs_order=False, system_only=False, priority=Priority.NORMAL),
    CaseType.REFUND: CaseKind(refund, needs_order=True, system_only=False, priority=Priority.NORMAL),
    CaseType.BOOKING_DISPUTE: CaseKind(booking_dispute, needs_order=True, system_only=True, priority=Priority.HIGH),
    CaseType.PAYMENT_ISSUE: CaseKind(payment_issue, needs_order=False, system_only=False, priority=Priority.HIGH),
    CaseType.CHARGEBACK: CaseKind(chargeback, needs_order=True, system_only=True, priority=Priority.URGENT),
    CaseType.DMCA: CaseKind(dmca, needs_order=False, system_only=False, priority=Priority.HIGH),
    CaseType.POLICY_VIOLATION: CaseKind(policy_violation, needs_order=False, system_only=False, priority=Priority.HIGH),
}


def check_payload(case_type: CaseType, payload: Any, violations: Violations) -> Payload:
    """The type's payload as checked (absent is {}); every problem is recorded in ``violations``."""
    return KINDS[case_type].check(violations, as_object(violations, "payload", payload))
