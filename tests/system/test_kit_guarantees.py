"""The kit's guarantees on real PostgreSQL: inbox dedupe, idempotency under concurrency, schema isolation."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from google.protobuf.wrappers_pb2 import StringValue
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from system_client import System

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.bus import Bus
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.db import Database, make_engine
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.idempotency import IdempotencyStore
from callsheet_kit.ids import new_id
from services.notify.adapters.tables import kit_tables


def notify_database(system: System) -> Database:
    url = system.stack.service_urls["notify"].replace("postgresql://", "postgresql+psycopg://", 1)
    return Database(make_engine(url, pool_size=25))


@pytest.mark.asyncio
async def test_a_redelivered_event_is_applied_once(system: System) -> None:
    db = notify_database(system)
    applied: list[str] = []

    async def handler(session: AsyncSession, envelope: EventEnvelope) -> None:
        applied.append(envelope.event_id)

    consumer = EventConsumer(
        name=f"test-{new_id('c')}",
        db=db,
        tables=kit_tables,
        bus=Bus(url="nats://unused", stream="UNUSED", prefix="unused", name="test"),
        source="orders",
        handlers={"order.confirmed": handler},
    )
    envelope = EventEnvelope(event_id=new_id("evt"), type="order.confirmed")
    try:
        results = await asyncio.gather(*(consumer.apply(envelope, handler) for _ in range(10)))
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

            async def execute() -> StringValue:
                runs.append(1)
                await asyncio.sleep(0.05)
                return StringValue(value=f"made {value}")

            request = StringValue(value=value)
            response = await store.run(
                session, scope="test", key=key, request=request, response_type=StringValue, execute=execute
            )
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
