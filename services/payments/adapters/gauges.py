"""The payments gauges, sampled every 30 seconds: payments and chargebacks by status.

Neither table has an index by status, so these two statements count every row; at one sample
every 30 seconds per replica that is a small cost next to the traffic that makes the rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.metrics import GaugeQuery, Reading, SampledGauge
from services.payments.adapters.tables import dispute_table, payment_table
from services.payments.domain.payment import PaymentStatus

# The statuses a chargeback takes, as Stripe reports them (the table's check constraint).
DISPUTE_STATUSES = ("needs_response", "under_review", "won", "lost", "warning_closed")

PAYMENTS_BY_STATUS = SampledGauge(
    "callsheet.payments.by_status",
    "Payments by status",
    labels=[{"status": status.value} for status in PaymentStatus],
)
DISPUTES_BY_STATUS = SampledGauge(
    "callsheet.disputes.by_status",
    "Chargebacks by status",
    labels=[{"status": status} for status in DISPUTE_STATUSES],
)


async def _read(session: AsyncSession, now: datetime) -> list[Reading]:
    payment_status, dispute_status = payment_table.c.status, dispute_table.c.status
    payments = await session.execute(select(payment_status, func.count()).group_by(payment_status))
    readings = [PAYMENTS_BY_STATUS.reading(count, status=PaymentStatus(status).value) for status, count in payments]
    disputes = await session.execute(select(dispute_status, func.count()).group_by(dispute_status))
    readings.extend(DISPUTES_BY_STATUS.reading(count, status=str(status)) for status, count in disputes)
    return readings


PAYMENT_GAUGES = GaugeQuery([PAYMENTS_BY_STATUS, DISPUTES_BY_STATUS], _read)
