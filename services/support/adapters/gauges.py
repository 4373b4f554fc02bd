"""The support gauge, sampled every 30 seconds: cases by type and state, the live states alone
(all but RESOLVED and CLOSED), named as the contract names them (``CHARGEBACK``, ``ESCALATED``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.metrics import GaugeQuery, Reading, SampledGauge
from services.support.adapters.tables import case_table
from services.support.domain.cases import CaseState, CaseType

LIVE_STATES = tuple(state for state in CaseState if state not in (CaseState.RESOLVED, CaseState.CLOSED))

CASES_BY_STATE = SampledGauge(
    "callsheet.support.cases_by_state",
    "Support cases in the live states, by type and state",
    labels=[{"type": case_type.value, "state": state.value} for case_type in CaseType for state in LIVE_STATES],
)


async def _read(session: AsyncSession, now: datetime) -> list[Reading]:
    case = case_table
    rows = await session.execute(
        select(case.c.type, case.c.state, func.count())
        .where(case.c.state.in_([state.value for state in LIVE_STATES]))
        .group_by(case.c.type, case.c.state)
    )
    return [CASES_BY_STATE.reading(count, type=str(kind), state=str(state)) for kind, state, count in rows]


SUPPORT_GAUGES = GaugeQuery([CASES_BY_STATE], _read)
