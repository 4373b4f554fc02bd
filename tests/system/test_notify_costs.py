"""Notify's use cases on real PostgreSQL with a clock it sets: what an event leaves behind, the
statements it costs, and the delivery worker's retries, leases, holds and digests.

Every order transition reaches both participants, so these statements are paid on every event:
an event about users known already is five (inbox, the order brief, preferences, devices,
notifications) and its batch of emails three more (take, preferences, outcome), however many
users and emails it holds.
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
from sqlalchemy.engine.interfaces import ExecuteStyle
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
from services.notify.adapters.couriers import EmailCourier
from services.notify.adapters.directory import DevUserDirectory
from services.notify.adapters.repositories import Outcome, SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow, PreferenceRow, kit_tables
from services.notify.bootstrap import MIGRATIONS
from services.notify.domain.messages import DeliveryStatus
from services.notify.domain.rendering import Templates
from services.notify.domain.routing import EVENT_TYPES
from services.notify.entrypoints.consumers import handlers
from services.notify.usecases.deliver import LEASE, DeliveryPolicy, deliver
from services.notify.usecases.notify_event import Notifier
from services.notify.usecases.release_held import release_held
from services.notify.usecases.update_preferences import UpdatePreferences, update_preferences

TEMPLATES = Templates(EVENT_TYPES)


class FixedClock:
    """A clock that says what it is told, so the times written can be checked."""

    def __init__(self) -> None:
        self.at = datetime(2026, 5, 9, 7, 35, 25, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


class Mailbox:
    """A mailer that keeps what it is asked to send; it refuses mail to the addresses in ``refuse``."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.refuse: set[str] = set()

    async def send(
        self, *, to: str, subject: str, text: str, message_id: str, sent_at: datetime, html: str | None = None
    ) -> None:
        if to in self.refuse:
            raise ConnectionRefusedError(f"no mail for {to}")
        self.sent.append({"to": to, "subject": subject, "text": text, "message_id": message_id, "sent_at": sent_at})


class Notify:
    """Notify's units of work, order-event consumer and email worker over a database of its own."""

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
        self.users: dict[str, str] = {}
        self.directory = DevUserDirectory(self.users)
        self.mailbox = Mailbox()
        self.policy = DeliveryPolicy(max_attempts=3)
        notifier = Notifier(templates=TEMPLATES, directory=self.directory, app_url="https://app.callsheet.test")
        self.consumer = EventConsumer(
            name="notify-orders",
            uow=self.uow,
            tables=kit_tables,
            bus=Bus(url="nats://unused", stream="UNUSED", prefix="unused", name="test"),
            source="orders",
            handlers=handlers(notifier)["orders"],
        )
        self.statements: list[str] | None = None
        event.listen(db.engine.sync_engine, "before_cursor_execute", self._count)

    def uow(self) -> SqlNotifyUnitOfWork:
        return SqlNotifyUnitOfWork(self.parts)

    def user(self, name: str) -> str:
        """A user the directory knows (so they have an address)."""
        user_id = new_id("u")
        self.users[user_id] = name
        return user_id

    async def send_emails(self) -> int:
        return await deliver(
            self.uow, EmailCourier(self.mailbox), templates=TEMPLATES, directory=self.directory, policy=self.policy
        )

    def _count(self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if self.statements is not None:
            # One INSERT of many rows (insertmanyvalues) is one statement; an executemany one per row.
            one = not executemany or context.execute_style is ExecuteStyle.INSERTMANYVALUES
            self.statements.extend([statement.split()[0]] * (1 if one else len(parameters)))

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
                .order_by(NotificationRow.user_id, NotificationRow.channel, NotificationRow.notification_id)
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


def order_event(
    buyer: str, provider: str, *, order_id: str = "", version: int = 2, kind: Any = events_pb2.OrderConfirmed
) -> EventEnvelope:
    message = kind()
    message.order.id = order_id or new_id("ord")
    message.order.buyer_id, message.order.provider_id, message.order.role_code = buyer, provider, "gaffer"
    message.order.start_utc.FromDatetime(datetime(2026, 6, 1, 9, tzinfo=UTC))
    message.order.end_utc.FromDatetime(datetime(2026, 6, 1, 11, tzinfo=UTC))
    message.order.timezone = "America/New_York"
    message.order.version = version
    envelope = EventEnvelope(
        event_id=new_id("evt"), type="order.confirmed" if kind is events_pb2.OrderConfirmed else "order.completed"
    )
    envelope.occurred_at.FromDatetime(datetime(2026, 5, 9, 7, tzinfo=UTC))
    envelope.data.Pack(message)
    return envelope


async def change(notify: Notify, user_id: str, **preferences: Any) -> None:
    async with notify.uow() as uow:
        await update_preferences(uow, UpdatePreferences(caller=Caller(user_id=user_id), **preferences))
        await uow.commit()


@pytest.mark.asyncio
async def test_an_order_event_reaches_each_participant_once_per_channel_in_five_statements(notify: Notify) -> None:
    buyer, provider, quiet = notify.user("Bea"), notify.user("Pia"), notify.user("Quinn")
    await change(notify, quiet, email=False)

    # Users never seen before: their preferences are made with the defaults on the way.
    first = order_event(buyer, provider)
    order = events_pb2.OrderConfirmed()
    first.data.Unpack(order)
    with notify.counting() as statements:
        assert await notify.consumer.apply(first)
    assert statements == ["INSERT", "INSERT", "SELECT", "INSERT", "SELECT", "INSERT"]
    made = {row.user_id: row for row in await notify.preference_rows(buyer, provider)}
    for user_id in (buyer, provider):
        row = made[user_id]
        assert (row.timezone, row.quiet_hours_start, row.quiet_hours_end) == ("UTC", None, None)
        assert (row.safe_mode, row.email, row.push) == (False, True, True)

    now = notify.clock.at
    rows = await notify.notifications(buyer, provider)
    assert sorted((row.user_id, row.channel, row.status, row.sent_at, row.next_attempt_at) for row in rows) == sorted(
        [
            (buyer, "email", "pending", None, now),
            (buyer, "in_app", "sent", now, None),
            (provider, "email", "pending", None, now),
            (provider, "in_app", "sent", now, None),
        ]
    )
    for row in rows:
        assert (row.event_id, row.event_type, row.order_id, row.attempts, row.created_at, row.category) == (
            first.event_id,
            "order.confirmed",
            order.order.id,
            0,
            now,
            "transactional",
        )
        assert order.order.id in row.body or order.order.id in row.title or row.channel == "in_app"
        assert row.context["reader"]["user_id"] == row.user_id
    # Each reader's own words: the buyer is named to the provider and the other way round.
    by_user = {row.user_id: row for row in rows if row.channel == "in_app"}
    assert by_user[buyer].context["counterpart"]["name"] == "Pia"
    assert by_user[provider].context["counterpart"]["name"] == "Bea"

    # Known users, one of whom takes no email (a confirmation is transactional: emailed anyway),
    # and an optional message that the quiet one does not get by email.
    second = order_event(buyer, quiet, kind=events_pb2.OrderCompleted, version=3)
    with notify.counting() as statements:
        assert await notify.consumer.apply(second)
    assert statements == ["INSERT", "INSERT", "SELECT", "SELECT", "INSERT"]
    rows = [row for row in await notify.notifications(buyer, quiet) if row.event_id == second.event_id]
    assert sorted((row.user_id, row.channel) for row in rows) == sorted(
        [(buyer, "email"), (buyer, "in_app"), (quiet, "in_app")]
    )

    # A repeat of an event adds nothing, and costs only the inbox.
    with notify.counting() as statements:
        assert not await notify.consumer.apply(second)
    assert statements == ["INSERT"]
    assert len(await notify.notifications(buyer, provider, quiet)) == 4 + 3


@pytest.mark.asyncio
async def test_a_batch_of_emails_goes_in_three_statements_and_a_failure_is_retried_with_backoff_then_dead_lettered(
    notify: Notify,
) -> None:
    buyer, provider = notify.user("Bea"), notify.user("Pia")
    for _ in range(5):
        await notify.consumer.apply(order_event(buyer, provider))
    mailbox = notify.mailbox
    notify.clock.at += timedelta(minutes=1)

    with notify.counting() as statements:
        assert await notify.send_emails() == 10
    assert statements == ["WITH", "SELECT", "UPDATE"]  # take the batch, its readers' preferences, the outcomes
    emails = [row for row in await notify.notifications(buyer, provider) if row.channel == "email"]
    assert {(row.status, row.attempts, row.sent_at, row.last_error, row.next_attempt_at) for row in emails} == {
        ("sent", 1, notify.clock.at, None, None)
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
        assert await notify.send_emails() == 0
    assert statements == ["WITH"]  # nothing is due: nothing more is read or written

    # The provider's server refuses: their emails wait with the error and a backed-off next
    # attempt (30 s ± 20 % after the first failure), the buyer's go.
    for _ in range(2):
        await notify.consumer.apply(order_event(buyer, provider))
    mailbox.refuse.add(f"{provider}@example.test")
    with notify.counting() as statements:
        assert await notify.send_emails() == 4
    # Take, preferences, the sends in one, the failures as one executemany.
    assert statements == ["WITH", "SELECT", "UPDATE", "UPDATE", "UPDATE"]
    failing = [row for row in await notify.notifications(provider) if row.status == "pending"]
    assert len(failing) == 2
    for row in failing:
        assert (row.attempts, row.last_error, row.sent_at) == (
            1,
            f"ConnectionRefusedError: no mail for {provider}@example.test",
            None,
        )
        assert timedelta(seconds=24) <= row.next_attempt_at - notify.clock.at <= timedelta(seconds=36)
    # Not due yet: not tried again.
    assert await notify.send_emails() == 0
    notify.clock.at += timedelta(seconds=40)
    assert await notify.send_emails() == 2
    second = {row.notification_id: row for row in await notify.notifications(provider) if row.status == "pending"}
    for row in second.values():
        assert row.attempts == 2
        assert timedelta(seconds=48) <= row.next_attempt_at - notify.clock.at <= timedelta(seconds=72)
    # The third attempt is the budget's last: dead-lettered, never tried again.
    notify.clock.at += timedelta(minutes=5)
    assert await notify.send_emails() == 2
    dead = [row for row in await notify.notifications(provider) if row.notification_id in second]
    assert {(row.status, row.attempts, row.next_attempt_at) for row in dead} == {("dead_letter", 3, None)}
    mailbox.refuse.clear()
    notify.clock.at += timedelta(hours=3)
    assert await notify.send_emails() == 0
    assert not set(second) & {mail["message_id"] for mail in mailbox.sent}


@pytest.mark.asyncio
async def test_an_attempt_cut_off_mid_send_is_taken_again_when_its_lease_ends(notify: Notify) -> None:
    buyer, provider = notify.user("Bea"), notify.user("Pia")
    await notify.consumer.apply(order_event(buyer, provider))
    # A replica takes the batch, then dies before it sends or records anything.
    async with notify.uow() as uow:
        taken = await uow.take_due(EmailCourier(notify.mailbox).channel, lease=LEASE, limit=20)
        await uow.commit()
    assert len(taken) == 2
    assert await notify.send_emails() == 0
    notify.clock.at += LEASE + timedelta(seconds=1)
    assert await notify.send_emails() == 2
    assert {
        (row.status, row.attempts) for row in await notify.notifications(buyer, provider) if row.channel == "email"
    } == {("sent", 2)}


@pytest.mark.asyncio
async def test_quiet_hours_hold_an_optional_email_until_they_end_and_several_go_as_one_digest(notify: Notify) -> None:
    buyer, provider = notify.user("Bea"), notify.user("Pia")
    # 07:35 UTC is 09:35 in Berlin: inside 09:00–10:00 there.
    await change(notify, buyer, timezone="Europe/Berlin", quiet_hours_start="09:00", quiet_hours_end="10:00")
    order_id = new_id("ord")
    for version in (3, 4):
        await notify.consumer.apply(
            order_event(buyer, provider, order_id=order_id, kind=events_pb2.OrderCompleted, version=version)
        )
    await notify.consumer.apply(order_event(buyer, provider, order_id=order_id, version=5))
    rows = await notify.notifications(buyer)
    emails = [row for row in rows if row.channel == "email"]
    end = datetime(2026, 5, 9, 8, 0, tzinfo=UTC)
    held = [row for row in emails if row.status == "held"]
    assert [(row.event_type, row.hold_until) for row in held] == [("order.completed", end)] * 2
    # The confirmation is transactional: it did not wait.
    assert [row.event_type for row in emails if row.status == "pending"] == ["order.confirmed"]
    assert await release_held(notify.uow, TEMPLATES) == 0

    notify.clock.at = end
    assert await release_held(notify.uow, TEMPLATES) == 2
    rows = await notify.notifications(buyer)
    (digest,) = [row for row in rows if row.event_type == "digest"]
    assert (digest.channel, digest.status, digest.order_id, digest.next_attempt_at) == (
        "email",
        "pending",
        order_id,
        end,
    )
    assert {
        (row.status, row.digest_id) for row in rows if row.notification_id in {h.notification_id for h in held}
    } == {("digested", digest.notification_id)}
    assert await release_held(notify.uow, TEMPLATES) == 0
    # The buyer's digest and confirmation, and the provider's three emails, who has no quiet hours.
    assert await notify.send_emails() == 5
    to_buyer = {mail["message_id"] for mail in notify.mailbox.sent if mail["to"] == f"{buyer}@example.test"}
    assert digest.notification_id in to_buyer and len(to_buyer) == 2
    assert not {h.notification_id for h in held} & to_buyer


@pytest.mark.asyncio
async def test_clearing_quiet_hours_releases_what_they_held(notify: Notify) -> None:
    buyer, provider = notify.user("Bea"), notify.user("Pia")
    await change(notify, buyer, timezone="UTC", quiet_hours_start="07:00", quiet_hours_end="09:00")
    await notify.consumer.apply(order_event(buyer, provider, kind=events_pb2.OrderCompleted, version=3))
    (held,) = [row for row in await notify.notifications(buyer) if row.channel == "email"]
    assert (held.status, held.hold_until) == ("held", datetime(2026, 5, 9, 9, tzinfo=UTC))
    await change(notify, buyer, quiet_hours_start="", quiet_hours_end="")
    assert await release_held(notify.uow, TEMPLATES) == 1
    assert await notify.send_emails() == 2  # and the provider's
    assert [m["message_id"] for m in notify.mailbox.sent if m["to"] == f"{buyer}@example.test"] == [
        held.notification_id
    ]


@pytest.mark.asyncio
async def test_preferences_are_read_once_per_unit_of_work_and_made_once_when_two_transactions_race(
    notify: Notify,
) -> None:
    known, fresh = new_id("u"), new_id("u")
    await change(notify, known, email=False)

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
    assert (both[known].email, both[fresh].email, both[fresh].timezone) == (False, True, "UTC")

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
    assert (row.user_id, row.timezone, row.email) == (racer, "UTC", True)
    async with notify.db.transaction() as session:
        assert await session.scalar(select(func.count()).where(PreferenceRow.user_id == racer)) == 1


@pytest.mark.asyncio
async def test_news_older_than_two_days_is_told_to_no_one(notify: Notify) -> None:
    buyer, provider = notify.user("Bea"), notify.user("Pia")
    old = order_event(buyer, provider)
    notify.clock.at = datetime(2026, 5, 11, 7, 0, 1, tzinfo=UTC)  # 48 h and a second after it happened
    assert await notify.consumer.apply(old)
    assert await notify.notifications(buyer, provider) == []


@pytest.mark.asyncio
async def test_an_outcome_written_after_another_replica_took_the_row_again_changes_nothing(notify: Notify) -> None:
    buyer, provider = notify.user("Bea"), notify.user("Pia")
    await notify.consumer.apply(order_event(buyer, provider))
    async with notify.uow() as uow:
        slow = await uow.take_due(EmailCourier(notify.mailbox).channel, lease=LEASE, limit=20)
        await uow.commit()
    # The slow replica's lease ends; another takes the emails again and sends them.
    notify.clock.at += LEASE + timedelta(seconds=1)
    assert await notify.send_emails() == 2
    # The slow one's late word (a failure) finds the rows taken since: nothing changes.
    async with notify.uow() as uow:
        await uow.record_outcomes(
            [Outcome(row.notification_id, DeliveryStatus.PENDING, error="late", retry_in=timedelta(0)) for row in slow],
            taken={row.notification_id: row.attempts for row in slow},
        )
        await uow.commit()
    emails = [row for row in await notify.notifications(buyer, provider) if row.channel == "email"]
    assert {(row.status, row.attempts, row.last_error) for row in emails} == {("sent", 2, None)}


@pytest.mark.asyncio
async def test_a_message_that_cannot_render_is_dead_lettered_and_the_rest_of_the_batch_goes(notify: Notify) -> None:
    buyer, provider = notify.user("Bea"), notify.user("Pia")
    await notify.consumer.apply(order_event(buyer, provider))
    emails = [row for row in await notify.notifications(buyer, provider) if row.channel == "email"]
    broken, legacy = emails
    async with notify.db.transaction() as session:
        # One whose context lacks what its template needs; one made before messages were
        # rendered per reader (no context: its stored words are sent).
        await session.execute(
            update(NotificationRow)
            .where(NotificationRow.notification_id == broken.notification_id)
            .values(context={"event_type": "order.confirmed"})
        )
        await session.execute(
            update(NotificationRow)
            .where(NotificationRow.notification_id == legacy.notification_id)
            .values(context={}, title="Booking confirmed (legacy)", body="It is confirmed.")
        )
    assert await notify.send_emails() == 2
    after = {row.notification_id: row for row in await notify.notifications(buyer, provider)}
    assert after[broken.notification_id].status == "dead_letter"
    assert after[broken.notification_id].last_error.startswith("rendering: ")
    assert after[legacy.notification_id].status == "sent"
    (mail,) = notify.mailbox.sent
    assert (mail["message_id"], mail["subject"], mail["text"]) == (
        legacy.notification_id,
        "Booking confirmed (legacy)",
        "It is confirmed.",
    )
