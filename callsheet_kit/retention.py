"""Retention: the kit's tables stay bounded.

Idempotency keys are kept long enough for any client retry (7 days by default), inbox rows and
published outbox rows long enough to outlive any redelivery (3 days), and finished sagas as long
as the idempotency keys they answer for. Each sweep deletes at most ``batch`` rows per table so
it never holds long locks; the sweeper runs again at once while it finds work. Per-subject
positions (``outbox_subject``, ``inbox_subject``) are one small row per subject and are kept:
dropping one would restart a subject's numbering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.saga import SagaStatus
from callsheet_kit.tables import KitTables


@dataclass(frozen=True)
class RetentionPolicy:
    """How long each kit table keeps its rows."""

    idempotency: timedelta = timedelta(days=7)
    inbox: timedelta = timedelta(days=3)
    outbox: timedelta = timedelta(days=3)
    batch: int = 1000


async def _delete_batch(session: AsyncSession, table: Table, condition: ColumnElement[bool], batch: int) -> int:
    keys = list(table.primary_key.columns)
    chosen = select(*keys).where(condition).limit(batch).with_for_update(skip_locked=True)
    result = await session.execute(delete(table).where(tuple_(*keys).in_(chosen)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def prune(session: AsyncSession, tables: KitTables, *, now: datetime, policy: RetentionPolicy) -> int:
    """Deletes one batch of expired rows from each kit table; returns how many went."""
    deleted = await _delete_batch(
        session, tables.idempotency, tables.idempotency.c.created_at < now - policy.idempotency, policy.batch
    )
    deleted += await _delete_batch(
        session, tables.inbox, tables.inbox.c.processed_at < now - policy.inbox, policy.batch
    )
    deleted += await _delete_batch(
        session,
        tables.outbox,
        tables.outbox.c.published_at.is_not(None) & (tables.outbox.c.published_at < now - policy.outbox),
        policy.batch,
    )
    deleted += await _delete_batch(
        session,
        tables.saga,
        tables.saga.c.status.in_([SagaStatus.COMPLETED.value, SagaStatus.FAILED.value])
        & (tables.saga.c.updated_at < now - policy.idempotency),
        policy.batch,
    )
    return deleted
