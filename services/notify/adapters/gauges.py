"""The notify gauge, sampled every 30 seconds: notifications held by their readers' quiet hours
(``ix_notification_held``), by channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.metrics import GaugeQuery, Reading, SampledGauge
from services.notify.adapters.tables import NotificationRow
from services.notify.domain.messages import DeliveryStatus
from services.notify.usecases.metrics import SENT_CHANNELS

NOTIFICATIONS_HELD = SampledGauge(
    "callsheet.notifications.held",
    "Notifications held by quiet hours, by channel",
    labels=[{"channel": channel.value} for channel in SENT_CHANNELS],
)


async def _read(session: AsyncSession, now: datetime) -> list[Reading]:
    channel = NotificationRow.channel
    rows = await session.execute(
        select(channel, func.count()).where(NotificationRow.status == DeliveryStatus.HELD.value).group_by(channel)
    )
    return [NOTIFICATIONS_HELD.reading(count, channel=str(found)) for found, count in rows]


NOTIFY_GAUGES = GaugeQuery([NOTIFICATIONS_HELD], _read)
