"""The orders gauge, sampled every 30 seconds: orders in each live state (final ones are counted by
``callsheet_orders_transitions_total``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.metrics import GaugeQuery, Reading, SampledGauge
from services.orders.adapters.tables import order_table
from services.orders.domain.lifecycle import OrderState

LIVE_STATES = (
    OrderState.CREATED,
    OrderState.AUTHORIZED,
    OrderState.CONFIRMED,
    OrderState.IN_PROGRESS,
    OrderState.DISPUTED,
)

ORDERS_BY_STATE = SampledGauge(
    "callsheet.orders.by_state",
    "Orders in the live states, by state",
    labels=[{"state": state.value} for state in LIVE_STATES],
)


async def _read(session: AsyncSession, now: datetime) -> list[Reading]:
    state = order_table.c.state
    rows = await session.execute(select(state, func.count()).where(state.in_(LIVE_STATES)).group_by(state))
    return [ORDERS_BY_STATE.reading(count, state=OrderState(found).value) for found, count in rows]


ORDER_GAUGES = GaugeQuery([ORDERS_BY_STATE], _read)
