"""A provider's payout account: where its Stripe Connect onboarding stands.

Stripe says it in the account object (and each ``account.updated`` event carries the whole
account): an account whose details were never submitted is PENDING; one whose charges or
payouts Stripe has disabled is RESTRICTED; one with both enabled is ACTIVE. Only an ACTIVE
provider can confirm a booking: the money taken for it must be able to reach them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class AccountStatus(StrEnum):
    """Where a provider's payout account stands (the ``acc.provider_connect.status`` values)."""

    PENDING = "pending"
    RESTRICTED = "restricted"
    ACTIVE = "active"


def status_of(account: Mapping[str, Any]) -> tuple[AccountStatus, list[str]]:
    """The status of a Stripe account object, and the requirements Stripe says are due."""
    requirements = account.get("requirements") or {}
    due = sorted({*requirements.get("currently_due", []), *requirements.get("past_due", [])})
    if account.get("charges_enabled") and account.get("payouts_enabled"):
        return AccountStatus.ACTIVE, due
    if not account.get("details_submitted"):
        return AccountStatus.PENDING, due
    return AccountStatus.RESTRICTED, due
