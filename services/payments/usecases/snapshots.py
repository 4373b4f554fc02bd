"""The quote's snapshots read back into the domain's price and policy."""

from __future__ import annotations

from typing import Any

from services.payments.domain.policy import CancellationTier, Policy
from services.payments.domain.pricing import Price


def policy_from_snapshot(snapshot: dict[str, Any]) -> Policy:
    """The policy a quote's snapshot holds."""
    tiers = tuple(CancellationTier(**tier) for tier in snapshot["buyer_cancellation_tiers"])
    return Policy(**{**snapshot, "buyer_cancellation_tiers": tiers})


def price_from_snapshot(snapshot: dict[str, Any]) -> Price:
    """The price a quote's snapshot holds."""
    return Price(**snapshot)
