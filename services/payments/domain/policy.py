"""The cancellation policy and the refund it grants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from services.payments.domain.money import round_half_up
from services.payments.domain.pricing import Price


class Canceller(StrEnum):
    """Who cancelled an order."""

    BUYER = "buyer"
    PROVIDER = "provider"


@dataclass(frozen=True)
class CancellationTier:
    """A refund share for cancellations at least ``min_hours_before_start`` ahead."""

    min_hours_before_start: int
    refund_percent: int


@dataclass(frozen=True)
class Policy:
    """The policy a quote is made under; orders keep it as their snapshot."""

    version: str
    buyer_cancellation_tiers: tuple[CancellationTier, ...]
    provider_cancellation_refund_percent: int
    dispute_window_days: int
    reviews_window_days: int
    payout_delay_days: int


STANDARD_POLICY = Policy(
    version="standard-2026-11",
    buyer_cancellation_tiers=(
        CancellationTier(72, 100),
        CancellationTier(24, 50),
        CancellationTier(0, 0),
    ),
    provider_cancellation_refund_percent=100,
    dispute_window_days=7,
    reviews_window_days=14,
    payout_delay_days=2,
)


def refund_percent(policy: Policy, *, cancelled_by: Canceller, start: datetime, now: datetime) -> int:
    """The share refunded for a cancellation made at ``now`` of a booking starting at ``start``."""
    if cancelled_by is Canceller.PROVIDER:
        return policy.provider_cancellation_refund_percent
    hours_ahead = (start - now).total_seconds() / 3600
    for tier in sorted(policy.buyer_cancellation_tiers, key=lambda t: -t.min_hours_before_start):
        if hours_ahead >= tier.min_hours_before_start:
            return tier.refund_percent
    return 0


def cancellation_refund_cents(price: Price, percent: int, *, refundable_cents: int) -> int:
    """The refund: ``percent`` of the subtotal, and of the platform fee and tax in proportion.

    Never more than what is still refundable.
    """
    refund = sum(
        round_half_up(part * percent, 100) for part in (price.subtotal_cents, price.platform_fee_cents, price.tax_cents)
    )
    return max(0, min(refund, refundable_cents))
