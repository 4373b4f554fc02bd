"""The kit's guarantees on real PostgreSQL: inbox dedupe, idempotency under concurrency, schema isolation."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from google.protobuf.wrappers_pb2 import StringValue
from sqlalchemy import func, select
from system_client import QUOTE, System, fresh_slot, quote_input

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.orders.v1 import events_pb2
from callsheet_kit.bus import Bus
from callsheet_kit.clock import OffsetClock
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.db import Database, make_engine
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.events import Outbox
from callsheet_kit.idempotency import IdempotencyStore
from callsheet_kit.ids import new_id
from callsheet_kit.retention import RetentionPolicy, prune
from callsheet_kit.saga import SagaRunner
from callsheet_kit.uow import KitParts, UnitOfWork
from services.notify.adapters.tables import kit_tables


def notify_database(system: System) -> Database:
    url = system.stack.service_urls["notify"].replace("postgresql://", "postgresql+psycopg://", 1)
    return Database(make_engine(url, pool_size=25))


def kit_parts(db: Database) -> KitParts:
    clock = OffsetClock()
    return KitParts(
        db=db,
        outbox=Outbox(tables=kit_tables, source="test", prefix="unused", clock=clock),
        idempotency=IdempotencyStore(kit_tables),
        clock=clock,
        sagas=SagaRunner(db=db, tables=kit_tables, clock=clock),
    )


@pytest.mark.asyncio
async def test_a_redelivered_event_is_applied_once(system: System) -> None:
    db = notify_database(system)
    applied: list[str] = []

    async def handler(uow: UnitOfWork, event: events_pb2.OrderConfirmed, envelope: EventEnvelope) -> None:
        applied.append(envelope.event_id)

    parts = kit_parts(db)
    consumer = EventConsumer(
        name=f"test-{new_id('c')}",
        uow=lambda: UnitOfWork(parts, lambda aggregate, event: None),
        tables=kit_tables,
        bus=Bus(url="nats://unused", stream="UNUSED", prefix="unused", name="test"),
        source="orders",
        handlers={events_pb2.OrderConfirmed: handler},
    )
    envelope = EventEnvelope(event_id=new_id("evt"), type="order.confirmed")
    envelope.data.Pack(events_pb2.OrderConfirmed())
    try:
        results = await asyncio.gather(*(consumer.apply(envelope) for _ in range(10)))
    finally:
        await db.dispose()
    assert sorted(results) == [False] * 9 + [True]
    assert applied == [envelope.event_id]


@pytest.mark.asyncio
async def test_concurrent_requests_with_one_key_run_once_and_a_changed_input_is_refused(system: System) -> None:
    db = notify_database(system)
    store = IdempotencyStore(kit_tables)
    runs: list[int] = []
    key = new_id("key")

    async def attempt(value: str) -> str:
        async with db.transaction() as session:
            request = StringValue(value=value)
            replay = await store.claim(session, scope="test", key=key, request=request, now=datetime.now(UTC))
            if replay is not None:
                assert isinstance(replay, StringValue)
                return replay.value
            runs.append(1)
            await asyncio.sleep(0.05)
            response = StringValue(value=f"made {value}")
            await store.remember(session, scope="test", key=key, response=response)
            return response.value

    try:
        results = await asyncio.gather(*(attempt("a") for _ in range(20)))
        with pytest.raises(DomainError) as mismatch:
            await attempt("b")
        async with db.transaction() as session:
            stored = await session.scalar(
                select(func.count()).select_from(kit_tables.idempotency).where(kit_tables.idempotency.c.key == key)
            )
    finally:
        await db.dispose()
    assert results == ["made a"] * 20
    assert len(runs) == 1
    assert stored == 1
    assert mismatch.value.code is ErrorCode.IDEMPOTENCY_MISMATCH


def test_a_service_role_cannot_read_another_services_schema(system: System) -> None:
    with (
        psycopg.connect(system.stack.service_urls["notify"]) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute('SELECT count(*) FROM ord."order"')


@pytest.mark.asyncio
async def test_retention_deletes_old_kit_rows_and_keeps_recent_and_unfinished_ones(system: System) -> None:
    db = notify_database(system)
    now = datetime.now(UTC)
    old, recent = now - timedelta(days=8), now - timedelta(hours=1)
    tag = new_id("ret")
    saga_row = {
        "kind": "retention-test",
        "subject": tag,
        "step": "s",
        "data": {},
        "request_hash": "",
        "attempts": 0,
        "next_attempt_at": now,
        "deadline": now,
        "created_at": old,
    }
    tables = kit_tables
    try:
        async with db.transaction() as session:
            for label, at in (("old", old), ("recent", recent)):
                await session.execute(
                    tables.idempotency.insert().values(scope=tag, key=label, request_hash="h", created_at=at)
                )
                await session.execute(tables.inbox.insert().values(consumer=tag, event_id=label, processed_at=at))
                await session.execute(
                    tables.outbox.insert().values(
                        event_id=f"{tag}-{label}", subject="s", envelope=b"", created_at=at, published_at=at
                    )
                )
                await session.execute(
                    tables.saga.insert().values(
                        saga_id=f"{tag}-{label}", key=label, status="completed", updated_at=at, **saga_row
                    )
                )
            # Never published, or still running: kept however old.
            await session.execute(
                tables.outbox.insert().values(event_id=f"{tag}-unsent", subject="s", envelope=b"", created_at=old)
            )
            await session.execute(
                tables.saga.insert().values(
                    saga_id=f"{tag}-running", key="running", status="running", updated_at=old, **saga_row
                )
            )
        async with db.transaction() as session:
            await prune(session, tables, now=now, policy=RetentionPolicy())
        async with db.transaction() as session:
            kept = {
                "idempotency": await session.scalars(
                    select(tables.idempotency.c.key).where(tables.idempotency.c.scope == tag)
                ),
                "inbox": await session.scalars(select(tables.inbox.c.event_id).where(tables.inbox.c.consumer == tag)),
                "outbox": await session.scalars(
                    select(tables.outbox.c.event_id).where(tables.outbox.c.event_id.like(f"{tag}-%"))
                ),
                "saga": await session.scalars(select(tables.saga.c.key).where(tables.saga.c.subject == tag)),
            }
            seen = {name: sorted(rows) for name, rows in kept.items()}
    finally:
        await db.dispose()
    assert seen == {
        "idempotency": ["recent"],
        "inbox": ["recent"],
        "outbox": [f"{tag}-recent", f"{tag}-unsent"],
        "saga": ["recent", "running"],
    }


def test_requests_after_the_database_dropped_every_connection_succeed(system: System) -> None:
    # Connections are not pinged before use: the first statement on a dropped one fails, and
    # the unit of work runs again on a fresh connection before anything was written.
    before = system.gql("u_buyer_1", "{ orders(first: 1) { edges { node { id } } } }")
    with psycopg.connect(system.stack.database_url, autocommit=True) as admin:
        dropped = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name IN ('orders', 'payments') AND pid <> pg_backend_pid()"
        ).fetchone()
    assert dropped is not None and dropped[0] > 0
    after = system.gql("u_buyer_1", "{ orders(first: 1) { edges { node { id } } } }")
    assert after == before
    start, end = fresh_slot()
    quote = system.gql("u_buyer_1", QUOTE, {"i": quote_input(start, end)})["createQuote"]
    assert quote["id"].startswith("qte_")
