"""Each support case type checks its own payload: a good one is kept normalized, a bad one names
every bad field (the plan's "each case type rejects a bad payload naming the field")."""

from __future__ import annotations

from typing import Any

import pytest

from callsheet_kit.errors import DomainError, Violations
from services.support.domain.cases import KINDS, CaseType, check_payload

DMCA = {
    "signature": "/s/ Dana Rights",
    "copyrightedWork": "The photo series 'Harbour at dawn', registered VAu 1-234-567",
    "infringingMediaIds": ["med_1", "med_2"],
    "contact": {"name": "Dana Rights", "email": "dana@rights.example", "phone": "+1 212 555 0100"},
    "goodFaith": True,
    "accurateUnderPenaltyOfPerjury": True,
}
GOOD: dict[CaseType, dict[str, Any]] = {
    CaseType.GENERAL: {"topic": "account"},
    CaseType.REFUND: {"reason": "no_show", "amountCents": 5000},
    CaseType.BOOKING_DISPUTE: {"cardId": "crd_1"},
    CaseType.PAYMENT_ISSUE: {"kind": "double_charge", "paymentId": "pay_1"},
    CaseType.CHARGEBACK: {"disputeId": "dsp_1"},
    CaseType.DMCA: DMCA,
    CaseType.POLICY_VIOLATION: {"target": {"kind": "media", "id": "med_9"}, "category": "explicit_content"},
}
BAD: list[tuple[CaseType, dict[str, Any], set[str]]] = [
    (CaseType.GENERAL, {"topic": "x", "planet": "Mars"}, {"payload.planet"}),
    (CaseType.REFUND, {"reason": "bored", "amountCents": -1}, {"payload.reason", "payload.amountCents"}),
    (CaseType.BOOKING_DISPUTE, {"cardId": "ord_1"}, {"payload.cardId"}),
    (CaseType.PAYMENT_ISSUE, {}, {"payload.kind"}),
    (CaseType.CHARGEBACK, {"disputeId": 7}, {"payload.disputeId"}),
    (
        CaseType.DMCA,
        {**DMCA, "contact": {"name": "Dana"}, "goodFaith": False, "infringingMediaIds": ["med_1", "med_1"]},
        {"payload.contact.email", "payload.goodFaith", "payload.infringingMediaIds[1]"},
    ),
    (CaseType.DMCA, {k: v for k, v in DMCA.items() if k != "signature"}, {"payload.signature"}),
    (
        CaseType.DMCA,
        {k: v for k, v in DMCA.items() if k != "accurateUnderPenaltyOfPerjury"},
        {"payload.accurateUnderPenaltyOfPerjury"},
    ),
    (
        CaseType.POLICY_VIOLATION,
        {"target": {"kind": "planet", "id": "x"}, "category": "rude"},
        {"payload.target.kind", "payload.category"},
    ),
    (
        CaseType.POLICY_VIOLATION,
        {"target": {"kind": "order", "id": "med_1"}, "category": "fraud"},
        {"payload.target.id"},
    ),
]


@pytest.mark.parametrize("case_type", list(CaseType))
def test_a_good_payload_is_kept(case_type: CaseType) -> None:
    violations = Violations()
    checked = check_payload(case_type, GOOD[case_type], violations)
    assert not len(violations), violations
    assert checked == GOOD[case_type]


@pytest.mark.parametrize(("case_type", "payload", "fields"), BAD)
def test_a_bad_payload_names_every_bad_field(case_type: CaseType, payload: dict[str, Any], fields: set[str]) -> None:
    violations = Violations()
    check_payload(case_type, payload, violations)
    with pytest.raises(DomainError) as refused:
        violations.raise_if_any()
    assert {v.field for v in refused.value.violations} == fields


def test_every_type_has_its_kind_and_the_system_alone_opens_disputes_and_chargebacks() -> None:
    assert set(KINDS) == set(CaseType)
    assert {t for t, kind in KINDS.items() if kind.system_only} == {CaseType.BOOKING_DISPUTE, CaseType.CHARGEBACK}
    assert {t for t, kind in KINDS.items() if kind.needs_order} == {
        CaseType.REFUND,
        CaseType.BOOKING_DISPUTE,
        CaseType.CHARGEBACK,
    }
