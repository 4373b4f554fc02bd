"""The notify unit of work over PostgreSQL: preferences, the order brief, devices and deliveries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.ids import new_id
from callsheet_kit.uow import KitParts, UnitOfWork
from services.notify.adapters.tables import NotificationRow, OrderBriefRow, PreferenceRow, PushDeviceRow
from services.notify.domain.compose import OrderFacts
from services.notify.domain.messages import Channel, DeliveryStatus


def _publishes_nothing(aggregate: Aggregate, event: DomainEvent) -> None:
    """Notify emits no events of its own."""
    return None


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: sent (with what went), to be retried ``retry_in`` from when it
    is written, or finished with ``status`` (skipped, dead-lettered) and the error."""

    notification_id: str
    status: DeliveryStatus
    title: str | None = None
    body: str | None = None
    error: str | None = None
    retry_in: timedelta | None = None
    # The attempts to count from now on, when not those counted when it was taken (given back).
    attempts: int | None = None


@dataclass(frozen=True)
class DeliveryFilter:
    """The delivery log's optional filters."""

    user_id: str = ""
    status: str = ""
    channel: str = ""
    order_id: str = ""


def new_notification(
    *,
    event_id: str,
    event_type: str,
    user_id: str,
    order_id: str | None,
    channel: str,
    title: str,
    body: str,
    status: DeliveryStatus,
    category: str,
    context: Mapping[str, Any],
    now: datetime,
    hold_until: datetime | None = None,
    last_error: str | None = None,
    notification_id: str = "",
) -> dict[str, Any]:
    """The row of a new notification for ``add_notifications``: sent now when it is SENT (the
    feed), due now when PENDING, neither when HELD or dead-lettered."""
    return {
        "notification_id": notification_id or new_id("ntf"),
        "event_id": event_id,
        "event_type": event_type,
        "user_id": user_id,
        "order_id": order_id or None,
        "channel": channel,
        "title": title,
        "body": body,
        "status": status,
        "attempts": 0,
        "last_error": last_error,
        "created_at": now,
        "sent_at": now if status is DeliveryStatus.SENT else None,
        "category": category,
        "context": context,
        "next_attempt_at": now if status is DeliveryStatus.PENDING else None,
        "hold_until": hold_until,
    }


class SqlNotifyUnitOfWork(UnitOfWork):
    """One transaction of notify."""

    def __init__(self, parts: KitParts) -> None:
        super().__init__(parts, _publishes_nothing)
        self._preferences: dict[str, PreferenceRow] = {}

    def open_repositories(self) -> None:
        """Starts each transaction with no preferences read yet."""
        self._preferences = {}

    # Preferences

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
                    {"user_id": user_id, "timezone": "UTC", "safe_mode": False, "email": True, "push": True}
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

    # The order brief

    async def record_order(self, order: OrderFacts, *, version: int) -> None:
        """Keeps the newest of what the order's events said (an older event changes nothing)."""
        values = {
            "order_id": order.id,
            "buyer_id": order.buyer_id,
            "provider_id": order.provider_id,
            "role_code": order.role_code,
            "start_utc": order.start_utc,
            "end_utc": order.end_utc,
            "timezone": order.timezone,
            "state": order.state,
            "version": version,
        }
        statement = insert(OrderBriefRow).values(values)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[OrderBriefRow.order_id],
                set_={key: statement.excluded[key] for key in values if key != "order_id"},
                where=OrderBriefRow.version < statement.excluded.version,
            )
        )

    async def order(self, order_id: str) -> OrderFacts | None:
        """The order as its events told it, or None before its first event arrived."""
        row = await self.session.get(OrderBriefRow, order_id)
        if row is None:
            return None
        return OrderFacts(
            id=row.order_id,
            buyer_id=row.buyer_id,
            provider_id=row.provider_id,
            role_code=row.role_code,
            start_utc=row.start_utc,
            end_utc=row.end_utc,
            timezone=row.timezone,
            state=row.state,
        )

    # Push devices

    async def devices_of(self, user_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each user's device tokens (users without any are left out)."""
        found: dict[str, list[str]] = {}
        rows = await self.session.execute(
            select(PushDeviceRow.user_id, PushDeviceRow.token)
            .where(PushDeviceRow.user_id.in_(list(user_ids)))
            .order_by(PushDeviceRow.token)
        )
        for user_id, token in rows:
            found.setdefault(user_id, []).append(token)
        return found

    async def register_device(self, *, user_id: str, token: str, platform: str) -> int:
        """The device is the user's (a token seen under another user moves); how many they have now."""
        statement = insert(PushDeviceRow).values(
            token=token, user_id=user_id, platform=platform, registered_at=self.now
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[PushDeviceRow.token],
                set_={"user_id": statement.excluded.user_id, "platform": statement.excluded.platform},
            )
        )
        return await self._device_count(user_id)

    async def unregister_device(self, *, user_id: str, token: str) -> int:
        """Forgets the user's device (someone else's token is left alone); how many they have now."""
        await self.session.execute(
            delete(PushDeviceRow).where(PushDeviceRow.token == token, PushDeviceRow.user_id == user_id)
        )
        return await self._device_count(user_id)

    async def forget_devices(self, tokens: Sequence[str]) -> None:
        """Drops tokens the push provider says are dead."""
        if tokens:
            await self.session.execute(delete(PushDeviceRow).where(PushDeviceRow.token.in_(tokens)))

    async def _device_count(self, user_id: str) -> int:
        count = await self.session.scalar(
            select(func.count()).select_from(PushDeviceRow).where(PushDeviceRow.user_id == user_id)
        )
        return int(count or 0)

    # Deliveries

    async def add_notifications(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Adds notifications in one statement; an event reaches a user on a channel once (a
        repeat adds nothing)."""
        if rows:
            # Parameters apart from the statement: it is compiled once and cached, and (with
            # RETURNING) still sent as one INSERT of many rows, by SQLAlchemy's insertmanyvalues.
            table = cast(Table, NotificationRow.__table__)
            await self.session.execute(
                insert(table).on_conflict_do_nothing().returning(table.c.notification_id), list(rows)
            )

    async def take_due(self, channel: Channel, *, lease: timedelta, limit: int) -> Sequence[NotificationRow]:
        """Takes up to ``limit`` due notifications of a channel for an attempt, oldest due first.

        Taking one counts the attempt and moves its ``next_attempt_at`` a lease ahead, in this
        short transaction: the attempt itself runs after the commit, holding no lock and no
        transaction, and a replica that dies during it leaves the notification to be taken again
        when the lease ends. Other replicas skip the rows being taken.
        """
        due = (
            select(NotificationRow.notification_id)
            .where(
                NotificationRow.status == DeliveryStatus.PENDING,
                NotificationRow.channel == channel,
                NotificationRow.next_attempt_at <= self.now,
            )
            .order_by(NotificationRow.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            # Materialized: the rows are picked and locked once, whatever plan the UPDATE gets.
            .cte("due")
            .prefix_with("MATERIALIZED")
        )
        rows = await self.session.scalars(
            update(NotificationRow)
            .where(NotificationRow.notification_id == due.c.notification_id)
            .values(attempts=NotificationRow.attempts + 1, next_attempt_at=self.now + lease)
            .returning(NotificationRow)
            .execution_options(synchronize_session=False)
        )
        return sorted(rows, key=lambda row: row.notification_id)

    async def record_outcomes(self, outcomes: Sequence[Outcome], *, taken: Mapping[str, int]) -> None:
        """Writes what became of attempts, each only if its row is still as it was taken (pending,
        with the attempts counted then, in ``taken``): an outcome that comes too late, after
        another replica took the row again, changes nothing. The plain sends (the usual case) go
        in one statement, the rest as one executemany per shape of row."""
        table = cast(Table, NotificationRow.__table__)
        still_taken = table.c.status == DeliveryStatus.PENDING
        plain = [
            (o.notification_id, taken[o.notification_id])
            for o in outcomes
            if o.status is DeliveryStatus.SENT and o.title is None and o.body is None
        ]
        if plain:
            await self.session.execute(
                update(table)
                .where(tuple_(table.c.notification_id, table.c.attempts).in_(plain), still_taken)
                .values(status=DeliveryStatus.SENT, sent_at=self.now, last_error=None, next_attempt_at=None)
            )
        done = {notification_id for notification_id, _ in plain}
        values: list[dict[str, Any]] = []
        for outcome in outcomes:
            if outcome.notification_id in done:
                continue
            value: dict[str, Any] = {
                "b_id": outcome.notification_id,
                "b_taken": taken[outcome.notification_id],
                "status": outcome.status,
                "last_error": outcome.error,
                "next_attempt_at": self.now + outcome.retry_in if outcome.retry_in is not None else None,
                "sent_at": self.now if outcome.status is DeliveryStatus.SENT else None,
            }
            for name in ("title", "body", "attempts"):
                if getattr(outcome, name) is not None:
                    value[name] = getattr(outcome, name)
            values.append(value)
        # Rows of one shape per statement: executemany needs the same columns in each.
        for keys in sorted({tuple(sorted(value)) for value in values}):
            statement = update(table).where(
                table.c.notification_id == bindparam("b_id"), table.c.attempts == bindparam("b_taken"), still_taken
            )
            await self.session.execute(statement, [v for v in values if tuple(sorted(v)) == keys])

    async def held_due(self, *, limit: int) -> Sequence[NotificationRow]:
        """Held notifications whose quiet hours have ended, locked and skipped by other replicas."""
        rows = await self.session.scalars(
            select(NotificationRow)
            .where(NotificationRow.status == DeliveryStatus.HELD, NotificationRow.hold_until <= self.now)
            .order_by(NotificationRow.hold_until, NotificationRow.notification_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(rows)

    async def held_of(self, user_id: str) -> Sequence[NotificationRow]:
        """A user's held notifications, locked (their quiet hours are changing)."""
        rows = await self.session.scalars(
            select(NotificationRow)
            .where(NotificationRow.status == DeliveryStatus.HELD, NotificationRow.user_id == user_id)
            .with_for_update()
        )
        return list(rows)

    async def notification(self, notification_id: str, *, lock: bool = False) -> NotificationRow | None:
        """One notification."""
        return await self.session.get(NotificationRow, notification_id, with_for_update=lock)

    async def feed(
        self, user_id: str, channel: Channel, *, before: str | None, limit: int
    ) -> Sequence[NotificationRow]:
        """A user's notifications of a channel that went, newest first (a feed entry the leak guard
        refused is in the delivery log, not the feed)."""
        query = (
            select(NotificationRow)
            .where(
                NotificationRow.user_id == user_id,
                NotificationRow.channel == channel,
                NotificationRow.status == DeliveryStatus.SENT,
            )
            .order_by(NotificationRow.notification_id.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(NotificationRow.notification_id < before)
        return list(await self.session.scalars(query))

    async def deliveries(self, where: DeliveryFilter, *, before: str | None, limit: int) -> Sequence[NotificationRow]:
        """The delivery log, newest first, by the given filters."""
        query = select(NotificationRow).order_by(NotificationRow.notification_id.desc()).limit(limit)
        for column, value in (
            (NotificationRow.user_id, where.user_id),
            (NotificationRow.status, where.status),
            (NotificationRow.channel, where.channel),
            (NotificationRow.order_id, where.order_id),
        ):
            if value:
                query = query.where(column == value)
        if before is not None:
            query = query.where(NotificationRow.notification_id < before)
        return list(await self.session.scalars(query))
