"""Notify's use cases on real PostgreSQL: what an order event leaves behind, and the statements it costs.

Every order transition reaches both participants, so these statements are paid on every event:
an event about users known already is three (inbox, preferences, notifications) and its batch
of emails three more (pending, preferences, outcome), however many users and emails it holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
import pytest_asyncio
from sqlalchemy import event, func, select, update
from system_client import System

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.orders.v1 import events_pb2
from callsheet_kit.bus import Bus
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.db import Database, make_engine
from callsheet_kit.events import Outbox
from callsheet_kit.idempotency import IdempotencyStore
from callsheet_kit.identity import Caller
from callsheet_kit.ids import new_id
from callsheet_kit.migrate import upgrade
from callsheet_kit.provision import create_database, drop_database, provision
from callsheet_kit.saga import SagaRunner
from callsheet_kit.uow import KitParts
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow, PreferenceRow, kit_tables
from services.notify.bootstrap import MIGRATIONS, ORDER_EVENTS
from services.notify.usecases.deliver_emails import MAX_ATTEMPTS, deliver_emails
from services.notify.usecases.notify_order_participants import notify_order_participants
from services.notify.usecases.update_preferences import UpdatePreferences, update_preferences


class FixedClock:
    """A clock that says what it is told, so the times written can be checked."""

    def __init__(self) -> None:
        self.at = datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class Mailbox:
    """A mailer that keeps what it is asked to send; it refuses mail to the users in ``refuse``."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.refuse: set[str] = set()

    async def send(self, *, to: str, subject: str, text: str, message_id: str, sent_at: datetime) -> None:
        if to in self.refuse:
            raise ConnectionRefusedError(f"no mail for {to}")
        self.sent.append({"to": to, "subject": subject, "text": text, "message_id": message_id, "sent_at": sent_at})


class Notify:
    """Notify's units of work and order-event consumer over a database of its own."""

    def __init__(self, db: Database, url: str) -> None:
        self.db = db
        self.url = url
        self.clock = FixedClock()
        self.parts = KitParts(
            db=db,
            outbox=Outbox(tables=kit_tables, source="notify", prefix="unused", clock=self.clock),
            idempotency=IdempotencyStore(kit_tables),
            clock=self.clock,
            sagas=SagaRunner(db=db, tables=kit_tables, clock=self.clock),
        )
        self.consumer = EventConsumer(
            name="notify-orders",
            uow=self.uow,
            tables=kit_tables,
            bus=Bus(url="nats://unused", stream="UNUSED", prefix="unused", name="test"),
            source="orders",
            handlers=dict.fromkeys(ORDER_EVENTS, notify_order_participants),
        )
        self.statements: list[str] | None = None
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._count)

    def uow(self) -> SqlNotifyUnitOfWork:
        return SqlNotifyUnitOfWork(self.parts, email_domain="example.test")

    def _count(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if self.statements is not None:
            self.statements.extend([statement.split()[0]] * (len(parameters) if executemany else 1))

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        """The statements sent to the server meanwhile (an executemany counts once per row), by verb."""
        self.statements = []
        try:
            yield self.statements
        finally:
            self.statements = None

    async def notifications(self, *user_ids: str) -> list[NotificationRow]:
        async with self.db.transaction() as session:
            rows = await session.scalars(
                select(NotificationRow)
                .where(NotificationRow.user_id.in_(user_ids))
                .order_by(NotificationRow.user_id, NotificationRow.channel)
            )
            return list(rows)

    async def preference_rows(self, *user_ids: str) -> list[PreferenceRow]:
        async with self.db.transaction() as session:
            rows = await session.scalars(
                select(PreferenceRow).where(PreferenceRow.user_id.in_(user_ids)).order_by(PreferenceRow.user_id)
            )
            return list(rows)


@pytest_asyncio.fixture
async def notify(system: System) -> AsyncIterator[Notify]:
    """Notify over a database of its own: the running notify's email worker would otherwise send
    (and count) these tests' emails."""
    admin = system.stack.admin_url
    assert admin is not None
    name = f"{system.stack.database_name}_{new_id('ntf').lower()}"
    urls = provision(create_database(admin, name), secret=system.stack.jwt_secret)
    await asyncio.to_thread(upgrade, schema="ntf", url=urls["notify"], script_location=MIGRATIONS)
    db = Database(make_engine(urls["notify"].replace("postgresql://", "postgresql+psycopg://", 1), pool_size=4))
    try:
        yield Notify(db, urls["notify"])
    finally:
        await db.dispose()
        drop_database(admin, name)


def order_event(buyer: str, provider: str) -> EventEnvelope:
    message = events_pb2.OrderConfirmed()
    message.order.id = new_id("ord")
    message.order.buyer_id, message.order.provider_id, message.order.role_code = buyer, provider, "GAFFER"
    message.order.start_utc.FromDatetime(datetime(2026, 6, 1, 9, tzinfo=UTC))
    envelope = EventEnvelope(event_id=new_id("evt"), type="order.confirmed")
    envelope.data.Pack(message)
    return envelope


async def turn_email_off(notify: Notify, user_id: str) -> None:
    async with notify.uow() as uow:
        await update_preferences(uow, UpdatePreferences(caller=Caller(user_id=user_id), email=False))
        await uow.commit()


@pytest.mark.asyncio
async def test_an_order_event_reaches_each_participant_once_per_channel_in_three_statements(notify: Notify) -> None:
    buyer, provider, quiet = new_id("u"), new_id("u"), new_id("u")
    await turn_email_off(notify, quiet)

    # Users never seen before: their preferences are made with the defaults on the way.
    first = order_event(buyer, provider)
    order = events_pb2.OrderConfirmed()
    first.data.Unpack(order)
    with notify.counting() as statements:
        assert await notify.consumer.apply(first)
    assert statements == ["INSERT", "SELECT", "INSERT", "INSERT"]
    made = {row.user_id: row for row in await notify.preference_rows(buyer, provider)}
    for user_id in (buyer, provider):
        row = made[user_id]
        assert (row.email_address, row.timezone, row.quiet_hours_start, row.quiet_hours_end) == (
            f"{user_id}@example.test",
            "UTC",
            None,
            None,
        )
        assert (row.safe_mode, row.email, row.push) == (False, True, True)

    now = notify.clock.at
    rows = await notify.notifications(buyer, provider)
    assert sorted((row.user_id, row.channel, row.status, row.sent_at) for row in rows) == sorted(
        [
            (buyer, "email", "pending", None),
            (buyer, "in_app", "sent", now),
            (provider, "email", "pending", None),
            (provider, "in_app", "sent", now),
        ]
    )
    for row in rows:
        assert (row.event_id, row.event_type, row.order_id, row.attempts, row.created_at) == (
            first.event_id,
            "order.confirmed",
            order.order.id,
            0,
            now,
        )
        assert row.title == f"Booking {order.order.id} is confirmed"
        assert row.body == f"Booking {order.order.id} (GAFFER, starting 2026-06-01T09:00:00Z) is now confirmed."

    # Known users, one of whom takes no email: the inbox, one read of both and one insert.
    second = order_event(buyer, quiet)
    with notify.counting() as statements:
        assert await notify.consumer.apply(second)
    assert statements == ["INSERT", "SELECT", "INSERT"]
    rows = [row for row in await notify.notifications(buyer, quiet) if row.event_id == second.event_id]
    assert sorted((row.user_id, row.channel) for row in rows) == sorted(
        [(buyer, "email"), (buyer, "in_app"), (quiet, "in_app")]
    )

    # A repeat of an event adds nothing, and costs only the inbox.
    with notify.counting() as statements:
        assert not await notify.consumer.apply(second)
    assert statements == ["INSERT"]
    assert len(await notify.notifications(buyer, provider, quiet)) == 4 + 3

    # Handled again past the inbox (as a replay would be), each (event, user, channel) is still one row.
    async with notify.uow() as uow:
        message = events_pb2.OrderConfirmed()
        second.data.Unpack(message)
        await notify_order_participants(uow, message, second)
        await uow.commit()
    assert len(await notify.notifications(buyer, provider, quiet)) == 4 + 3


@pytest.mark.asyncio
async def test_a_batch_of_emails_goes_in_three_statements_and_a_failure_is_retried_then_given_up(
    notify: Notify,
) -> None:
    buyer, provider = new_id("u"), new_id("u")
    for _ in range(5):
        await notify.consumer.apply(order_event(buyer, provider))
    mailbox = Mailbox()
    notify.clock.at += timedelta(minutes=1)

    with notify.counting() as statements:
        assert await deliver_emails(notify.uow, mailbox) == 10
    assert statements == ["SELECT", "SELECT", "UPDATE"]
    emails = [row for row in await notify.notifications(buyer, provider) if row.channel == "email"]
    assert {(row.status, row.attempts, row.sent_at, row.last_error) for row in emails} == {
        ("sent", 1, notify.clock.at, None)
    }
    assert sorted(mail["message_id"] for mail in mailbox.sent) == sorted(row.notification_id for row in emails)
    for mail in mailbox.sent:
        row = next(row for row in emails if row.notification_id == mail["message_id"])
        assert mail == {
            "to": f"{row.user_id}@example.test",
            "subject": row.title,
            "text": row.body,
            "message_id": row.notification_id,
            "sent_at": notify.clock.at,
        }
    with notify.counting() as statements:
        assert await deliver_emails(notify.uow, mailbox) == 0
    assert statements == ["SELECT"]  # nothing waits: nothing more is read or written

    # The provider's server refuses: their emails stay pending with the error, the buyer's go.
    for _ in range(2):
        await notify.consumer.apply(order_event(buyer, provider))
    mailbox.refuse.add(f"{provider}@example.test")
    with notify.counting() as statements:
        assert await deliver_emails(notify.uow, mailbox) == 2
    assert statements == ["SELECT", "SELECT", "UPDATE", "UPDATE", "UPDATE"]  # the failures' as one executemany
    pending = [row for row in await notify.notifications(provider) if row.status == "pending"]
    assert len(pending) == 2
    assert {(row.attempts, row.last_error, row.sent_at) for row in pending} == {
        (1, f"no mail for {provider}@example.test", None)
    }

    # Its last attempt fails for good; a failed email is not tried again.
    async with notify.db.transaction() as session:
        await session.execute(
            update(NotificationRow)
            .where(NotificationRow.notification_id == pending[0].notification_id)
            .values(attempts=MAX_ATTEMPTS - 1)
        )
    assert await deliver_emails(notify.uow, mailbox) == 0
    after = {row.notification_id: row for row in await notify.notifications(provider)}
    assert (after[pending[0].notification_id].status, after[pending[0].notification_id].attempts) == (
        "failed",
        MAX_ATTEMPTS,
    )
    assert (after[pending[1].notification_id].status, after[pending[1].notification_id].attempts) == ("pending", 2)
    mailbox.refuse.clear()
    assert await deliver_emails(notify.uow, mailbox) == 1
    assert after[pending[0].notification_id].notification_id not in [mail["message_id"] for mail in mailbox.sent]


@pytest.mark.asyncio
async def test_preferences_are_read_once_per_unit_of_work_and_made_once_when_two_transactions_race(
    notify: Notify,
) -> None:
    known, fresh = new_id("u"), new_id("u")
    await turn_email_off(notify, known)

    async with notify.uow() as uow:
        with notify.counting() as statements:
            first = await uow.preferences(known)
            assert await uow.preferences(known) is first
            both = await uow.preferences_of([known, fresh, known])
            assert await uow.preferences_of([fresh, known]) == both
        await uow.commit()
    # The known user once; the fresh one once, and made.
    assert statements == ["SELECT", "SELECT", "INSERT"]
    assert list(both) == [known, fresh]
    assert (both[known].email, both[fresh].email, both[fresh].email_address) == (False, True, f"{fresh}@example.test")

    # Two transactions make the same user's preferences at once: the second finds none, then
    # waits in its insert for the first to commit, and reads the first one's row.
    racer = new_id("u")
    async with notify.uow() as leader:
        await leader.preferences(racer)
        follower_statements: list[str] = []

        async def follow() -> PreferenceRow:
            async with notify.uow() as follower:
                with notify.counting() as statements:
                    row = await follower.preferences(racer)
                    follower_statements.extend(statements)
                await follower.commit()
                return row

        following = asyncio.create_task(follow())
        # Watched from a connection of its own, so its statements are not counted as the follower's.
        async with await psycopg.AsyncConnection.connect(notify.url, autocommit=True) as watcher:
            for _ in range(200):
                cursor = await watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                waiting = (await cursor.fetchone() or (0,))[0]
                if waiting:
                    break
                await asyncio.sleep(0.05)
        assert waiting == 1
        await leader.commit()
    row = await following
    assert follower_statements == ["SELECT", "INSERT", "SELECT"]
    assert (row.user_id, row.email_address, row.email) == (racer, f"{racer}@example.test", True)
    async with notify.db.transaction() as session:
        assert await session.scalar(select(func.count()).where(PreferenceRow.user_id == racer)) == 1
