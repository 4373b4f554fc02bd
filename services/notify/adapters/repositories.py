"""The notify unit of work over PostgreSQL: preferences, the feed and the deliveries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.notify.adapters.tables import NotificationRow, PreferenceRow
from services.notify.domain.messages import Channel, Delivery, DeliveryStatus


def _publishes_nothing(aggregate: Aggregate, event: DomainEvent) -> None:
    """Notify emits no events of its own yet."""
    return None


@dataclass(frozen=True)
class FailedAttempt:
    """An email that could not be sent this time: its attempts, the error, and whether it was the last try."""

    notification_id: str
    attempts: int
    error: str
    gave_up: bool


class SqlNotifyUnitOfWork(UnitOfWork):
    """One transaction of notify."""

    def __init__(self, parts: KitParts, *, email_domain: str) -> None:
        super().__init__(parts, _publishes_nothing)
        self._email_domain = email_domain
        self._preferences: dict[str, PreferenceRow] = {}

    def open_repositories(self) -> None:
        """Starts each transaction with no preferences read yet."""
        self._preferences = {}

    async def preferences(self, user_id: str) -> PreferenceRow:
        """A user's preferences, made with the defaults on first use."""
        return (await self.preferences_of([user_id]))[user_id]

    async def preferences_of(self, user_ids: Iterable[str]) -> dict[str, PreferenceRow]:
        """The preferences of each of some users, made with the defaults on first use.

        Users whose preferences this unit of work has read already cost nothing; the others are
        read in one query. Only users never seen before cost an INSERT: almost every event is
        about users that have preferences, so reading first is one statement where an upsert
        first was two.
        """
        wanted = list(dict.fromkeys(user_ids))
        unread = [user_id for user_id in wanted if user_id not in self._preferences]
        if unread:
            self._remember(await self.session.scalars(select(PreferenceRow).where(PreferenceRow.user_id.in_(unread))))
            if new := [user_id for user_id in unread if user_id not in self._preferences]:
                await self._create_preferences(new)
        return {user_id: self._preferences[user_id] for user_id in wanted}

    async def _create_preferences(self, user_ids: Sequence[str]) -> None:
        made = await self.session.scalars(
            insert(PreferenceRow)
            .values(
                [
                    {
                        "user_id": user_id,
                        "email_address": f"{user_id}@{self._email_domain}",
                        "timezone": "UTC",
                        "safe_mode": False,
                        "email": True,
                        "push": True,
                    }
                    for user_id in user_ids
                ]
            )
            .on_conflict_do_nothing()
            .returning(PreferenceRow)
        )
        self._remember(made)
        if raced := [user_id for user_id in user_ids if user_id not in self._preferences]:
            # Another transaction made them between our read and our insert; the insert waited
            # for it to commit, so (read committed) a second read sees its rows.
            self._remember(await self.session.scalars(select(PreferenceRow).where(PreferenceRow.user_id.in_(raced))))

    def _remember(self, rows: Iterable[PreferenceRow]) -> None:
        for row in rows:
            self._preferences[row.user_id] = row

    async def add_notifications(
        self,
        *,
        event_id: str,
        event_type: str,
        order_id: str,
        title: str,
        body: str,
        deliveries: Sequence[Delivery],
    ) -> None:
        """Adds an event's notifications in one statement; an event reaches a user on a channel
        once (a repeat adds nothing)."""
        if not deliveries:
            return
        await self.session.execute(
            insert(NotificationRow)
            .values(
                [
                    {
                        "notification_id": new_id("ntf"),
                        "event_id": event_id,
                        "event_type": event_type,
                        "user_id": delivery.user_id,
                        "order_id": order_id,
                        "channel": delivery.channel,
                        "title": title,
                        "body": body,
                        "status": DeliveryStatus.SENT if delivery.delivered else DeliveryStatus.PENDING,
                        "attempts": 0,
                        "created_at": self.now,
                        "sent_at": self.now if delivery.delivered else None,
                    }
                    for delivery in deliveries
                ]
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

    async def mark_sent(self, notification_ids: Sequence[str]) -> None:
        """Records that notifications went now (one more attempt each), in one statement."""
        if not notification_ids:
            return
        # The rows are locked (see ``pending``), so counting the attempt in SQL is exact; the
        # loaded rows are brought up to date in memory, without another statement.
        await self.session.execute(
            update(NotificationRow)
            .where(NotificationRow.notification_id.in_(notification_ids))
            .values(status=DeliveryStatus.SENT, sent_at=self.now, attempts=NotificationRow.attempts + 1)
        )

    async def record_failures(self, failures: Sequence[FailedAttempt]) -> None:
        """Records attempts that failed (failed for good after the last one), in one round trip."""
        if not failures:
            return
        values: list[dict[str, Any]] = [
            {
                "notification_id": failure.notification_id,
                "attempts": failure.attempts,
                "last_error": failure.error,
                "status": DeliveryStatus.FAILED if failure.gave_up else DeliveryStatus.PENDING,
            }
            for failure in failures
        ]
        # An UPDATE by primary key per row (their values differ), sent as one executemany.
        await self.session.execute(update(NotificationRow), values)

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
