"""What support counts: SLA targets missed, by case type and clock, when the sweeper escalates them.

The type is the contract's (``BOOKING_DISPUTE``), like ``callsheet_support_cases_by_state``'s; the
clock is ``first_response`` or ``resolution``.
"""

from __future__ import annotations

from callsheet_kit.metrics import counter
from services.support.domain.cases import CaseType

CLOCKS = ("first_response", "resolution")

sla_breaches = counter(
    "callsheet.sla_breaches",
    "SLA targets missed, by case type and clock",
    from_zero=[{"type": case_type.value, "clock": clock} for case_type in CaseType for clock in CLOCKS],
)


def count_sla_breaches(case_type: CaseType, clocks: list[str]) -> None:
    """Counts the clocks of a case the sweeper found past their targets (each once in a case's life)."""
    for clock in clocks:
        sla_breaches.add(1, {"type": case_type.value, "clock": clock})
