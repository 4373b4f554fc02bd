"""Pricing a booking: rate × hours, the platform fee, tax by jurisdiction, and the total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from callsheet_kit.errors import Violations
from callsheet_kit.validation import Place
from services.payments.domain.money import round_half_up, share

MIN_DURATION_MINUTES = 30
MAX_DURATION_MINUTES = 24 * 60


@dataclass(frozen=True)
class Price:
    """The priced breakdown of a booking; the total is what checkout authorizes."""

    currency: str
    hourly_rate_cents: int
    duration_minutes: int
    subtotal_cents: int
    platform_fee_bps: int
    platform_fee_cents: int
    tax_jurisdiction: str
    tax_bps: int
    tax_cents: int
    deposit_cents: int
    total_cents: int


def tax_jurisdiction(place: Place, rates_bps: Mapping[str, int]) -> tuple[str, int]:
    """The most specific configured jurisdiction of a place ("US-NY" before "US"), and its rate.

    A place in no configured jurisdiction pays no tax: ("", 0).
    """
    country, region = place.country, place.region
    for key in (f"{country}-{region}" if country and region else "", country):
        if key and key in rates_bps:
            return key, rates_bps[key]
    return "", 0


def price_booking(
    *,
    hourly_rate_cents: int,
    currency: str,
    duration_minutes: int,
    platform_fee_bps: int,
    jurisdiction: str,
    tax_bps: int,
) -> Price:
    """Prices a booking. Tax applies to the subtotal plus the platform fee."""
    subtotal = round_half_up(hourly_rate_cents * duration_minutes, 60)
    fee = share(subtotal, platform_fee_bps)
    tax = share(subtotal + fee, tax_bps)
    return Price(
        currency=currency,
        hourly_rate_cents=hourly_rate_cents,
        duration_minutes=duration_minutes,
        subtotal_cents=subtotal,
        platform_fee_bps=platform_fee_bps,
        platform_fee_cents=fee,
        tax_jurisdiction=jurisdiction,
        tax_bps=tax_bps,
        tax_cents=tax,
        deposit_cents=0,
        total_cents=subtotal + fee + tax,
    )


def validate_slot(*, start: datetime, end: datetime, now: datetime, violations: Violations) -> int:
    """Checks a bookable slot and returns its duration in minutes."""
    violations.check(start > now, "start_utc", "must be in the future")
    minutes = int((end - start).total_seconds() // 60)
    if end <= start:
        violations.add("end_utc", "must be after start_utc")
    elif (end - start).total_seconds() % 60:
        violations.add("end_utc", "the slot must last a whole number of minutes")
    elif not MIN_DURATION_MINUTES <= minutes <= MAX_DURATION_MINUTES:
        violations.add(
            "end_utc",
            f"the slot must last between {MIN_DURATION_MINUTES} minutes and {MAX_DURATION_MINUTES // 60} hours",
        )
    return minutes
