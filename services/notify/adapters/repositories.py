"""The notify unit of work over PostgreSQL: preferences, the feed and the deliveries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.notify.adapters.tables import NotificationRow, PreferenceRow
from services.notify.domain.messages import Channel, DeliveryStatus


def _publishes_nothing(aggregate: Aggregate, event: DomainEvent) -> None:
    """Notify emits no events of its own yet."""
    return None


class SqlNotifyUnitOfWork(UnitOfWork):
    """One transaction of notify."""

    def __init__(self, parts: KitParts, *, email_domain: str) -> None:
        super().__init__(parts, _publishes_nothing)
        self._email_domain = email_domain

    async def preferences(self, user_id: str) -> PreferenceRow:
        """A user's preferences, made with the defaults on first use."""
        await self.session.execute(
            insert(PreferenceRow)
            .values(
                user_id=user_id,
                email_address=f"{user_id}@{self._email_domain}",
                timezone="UTC",
                safe_mode=False,
                email=True,
                push=True,
            )
            .on_conflict_do_nothing()
        )
        row = await self.session.get(PreferenceRow, user_id, populate_existing=True)
        assert row is not None
        return row

    async def add_notification(
        self,
        *,
        event_id: str,
        event_type: str,
        user_id: str,
        order_id: str,
        channel: Channel,
        title: str,
        body: str,
        delivered: bool,
    ) -> None:
        """Adds a notification; an event reaches a user on a channel once (a repeat adds nothing)."""
        await self.session.execute(
            insert(NotificationRow)
            .values(
                notification_id=new_id("ntf"),
                event_id=event_id,
                event_type=event_type,
                user_id=user_id,
                order_id=order_id,
                channel=channel,
                title=title,
                body=body,
                status=DeliveryStatus.SENT if delivered else DeliveryStatus.PENDING,
                attempts=0,
                created_at=self.now,
                sent_at=self.now if delivered else None,
            )
            .on_conflict_do_nothing()
        )

    async def pending(self, channel: Channel, *, limit: int) -> Sequence[NotificationRow]:
        """Undelivered notifications of a channel, oldest first, locked and skipped by other replicas."""
        rows = await self.session.execute(
            select(NotificationRow)
            .where(NotificationRow.status == DeliveryStatus.PENDING, NotificationRow.channel == channel)
            .order_by(NotificationRow.notification_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows.scalars())

    async def feed(
        self, user_id: str, channel: Channel, *, before: str | None, limit: int
    ) -> Sequence[NotificationRow]:
        """A user's notifications of a channel, newest first."""
        query = (
            select(NotificationRow)
            .where(NotificationRow.user_id == user_id, NotificationRow.channel == channel)
            .order_by(NotificationRow.notification_id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(NotificationRow.notification_id < before)
        return list((await self.session.execute(query)).scalars())
