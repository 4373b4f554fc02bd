"""The pure rules: pricing, the cancellation policy and the order state machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callsheet_kit.errors import DomainError, ErrorCode, Violations
from callsheet_kit.validation import Place
from services.orders.domain.lifecycle import (
    TRANSITIONS,
    OrderState,
    Parties,
    Party,
    require_party,
    require_transition,
    require_version,
)
from services.payments.domain.money import round_half_up
from services.payments.domain.policy import STANDARD_POLICY, Canceller, cancellation_refund_cents, refund_percent
from services.payments.domain.pricing import price_booking, tax_jurisdiction, validate_slot

START = datetime(2027, 3, 1, 10, tzinfo=UTC)


def test_a_two_hour_new_york_booking_is_priced_to_the_cent() -> None:
    price = price_booking(
        hourly_rate_cents=15_000,
        currency="USD",
        duration_minutes=120,
        platform_fee_bps=1000,
        jurisdiction="US-NY",
        tax_bps=888,
    )
    assert (price.subtotal_cents, price.platform_fee_cents, price.tax_cents) == (30_000, 3_000, 2_930)
    assert price.total_cents == 35_930


@given(rate=st.integers(1, 100_000), minutes=st.integers(30, 1440), fee=st.integers(0, 3000), tax=st.integers(0, 2500))
def test_the_total_is_always_the_sum_of_its_parts(rate: int, minutes: int, fee: int, tax: int) -> None:
    price = price_booking(
        hourly_rate_cents=rate,
        currency="USD",
        duration_minutes=minutes,
        platform_fee_bps=fee,
        jurisdiction="X",
        tax_bps=tax,
    )
    assert price.total_cents == price.subtotal_cents + price.platform_fee_cents + price.tax_cents
    assert min(price.subtotal_cents, price.platform_fee_cents, price.tax_cents) >= 0


def test_rounding_is_half_up_and_exact() -> None:
    assert [round_half_up(n, 2) for n in (1, 3, -1, -3)] == [1, 2, -1, -2]
    assert round_half_up(149, 100) == 1


def test_tax_uses_the_most_specific_configured_jurisdiction() -> None:
    rates = {"US-NY": 888, "US": 100, "DE": 1900}
    assert tax_jurisdiction(Place("US", "NY"), rates) == ("US-NY", 888)
    assert tax_jurisdiction(Place("US", "OR"), rates) == ("US", 100)
    assert tax_jurisdiction(Place("JP", ""), rates) == ("", 0)


def test_a_slot_must_be_future_ordered_and_of_sane_length() -> None:
    violations = Violations()
    validate_slot(start=START, end=START - timedelta(hours=1), now=START + timedelta(days=1), violations=violations)
    with pytest.raises(DomainError) as failure:
        violations.raise_if_any()
    assert [v.field for v in failure.value.violations] == ["start_utc", "end_utc"]


@pytest.mark.parametrize(("hours_ahead", "percent"), [(100, 100), (72, 100), (71.9, 50), (24, 50), (23.9, 0), (-1, 0)])
def test_buyer_cancellation_tiers(hours_ahead: float, percent: int) -> None:
    now = START - timedelta(hours=hours_ahead)
    assert refund_percent(STANDARD_POLICY, cancelled_by=Canceller.BUYER, start=START, now=now) == percent


def test_a_provider_cancellation_refunds_everything_and_never_more_than_captured() -> None:
    now = START - timedelta(hours=1)
    assert refund_percent(STANDARD_POLICY, cancelled_by=Canceller.PROVIDER, start=START, now=now) == 100
    price = price_booking(
        hourly_rate_cents=15_000,
        currency="USD",
        duration_minutes=120,
        platform_fee_bps=1000,
        jurisdiction="US-NY",
        tax_bps=888,
    )
    assert cancellation_refund_cents(price, 100, refundable_cents=99_999) == 35_930
    assert cancellation_refund_cents(price, 50, refundable_cents=99_999) == 15_000 + 1_500 + 1_465
    assert cancellation_refund_cents(price, 100, refundable_cents=1_000) == 1_000


def test_only_the_contract_transitions_are_allowed() -> None:
    for source in OrderState:
        for target in OrderState:
            if (source, target) in TRANSITIONS:
                require_transition(source, target)
            else:
                with pytest.raises(DomainError) as failure:
                    require_transition(source, target)
                assert failure.value.reason == "INVALID_TRANSITION"


def test_who_may_act_on_an_order() -> None:
    parties = Parties(buyer_id="b", provider_id="p")
    assert require_party(parties, "p", allowed={Party.PROVIDER}, is_staff=False, action="confirm") is Party.PROVIDER
    with pytest.raises(DomainError) as stranger:
        require_party(parties, "x", allowed={Party.PROVIDER}, is_staff=False, action="confirm")
    assert stranger.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as wrong_side:
        require_party(parties, "b", allowed={Party.PROVIDER}, is_staff=False, action="confirm")
    assert wrong_side.value.code is ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as stale:
        require_version(3, 2)
    assert stale.value.metadata == {"currentVersion": "3"}
