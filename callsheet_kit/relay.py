"""The outbox relay: publishes committed events to JetStream, in order, at least once.

It is woken by the outbox's NOTIFY trigger the moment an event commits, and also polls once a
second as a safety net. A batch is published at once and its acknowledgements awaited together. Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several replicas
share the work; a row is marked published only after JetStream acked it, and JetStream drops a
re-publish of the same ``Nats-Msg-Id``.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import psycopg
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.bus import Bus
from callsheet_kit.clock import Clock
from callsheet_kit.db import Database, libpq_url
from callsheet_kit.metrics import GaugeQuery, Reading, SampledGauge, seconds_since
from callsheet_kit.tables import KitTables

log = logging.getLogger(__name__)

OUTBOX_UNPUBLISHED = SampledGauge("callsheet.outbox.unpublished", "Outbox rows not yet published")
OUTBOX_OLDEST = SampledGauge(
    "callsheet.outbox.oldest_unpublished", "Age of the oldest unpublished outbox row (0 when none)", unit="s"
)


def outbox_gauges(tables: KitTables) -> GaugeQuery:
    """The outbox's backlog: how many rows wait, and for how long the oldest has (``ix_outbox_unpublished``)."""
    outbox = tables.outbox

    async def read(session: AsyncSession, now: datetime) -> list[Reading]:
        waiting, oldest = (
            await session.execute(
                select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None))
            )
        ).one()
        return [OUTBOX_UNPUBLISHED.reading(waiting), OUTBOX_OLDEST.reading(seconds_since(oldest, now))]

    return GaugeQuery([OUTBOX_UNPUBLISHED, OUTBOX_OLDEST], read)


class OutboxRelay:
    """Moves a service's outbox to NATS."""

    def __init__(
        self, *, db: Database, db_url: str, tables: KitTables, bus: Bus, clock: Clock, batch: int = 100
    ) -> None:
        self._db = db
        self._clock = clock
        self._dsn = libpq_url(db_url)
        self._tables = tables
        self._bus = bus
        self._batch = batch
        self._wake = asyncio.Event()

    async def run(self) -> None:
        """Relays until cancelled."""
        listener = asyncio.create_task(self._listen(), name="outbox-listen")
        backoff = 0.1
        try:
            while True:
                try:
                    sent = await self.relay_once()
                    backoff = 0.1
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("outbox relay failed (%s); retrying in %.1fs", exc, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 2.0)
                    continue
                if sent == self._batch:
                    continue
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=1.0)
                except TimeoutError:
                    pass
        finally:
            listener.cancel()

    async def relay_once(self) -> int:
        """Publishes one batch of unpublished events; returns how many."""
        outbox = self._tables.outbox
        async with self._db.transaction() as session:
            rows = (
                await session.execute(
                    select(outbox.c.seq, outbox.c.event_id, outbox.c.subject, outbox.c.envelope, outbox.c.headers)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self._batch)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            # Sent together and acknowledged together: one round trip for the batch, not one per
            # event. The stream keeps them in the order they were sent; if any is refused, none
            # is marked and all are sent again (JetStream drops the repeats by their Nats-Msg-Id).
            await asyncio.gather(
                *(
                    self._bus.publish(row.subject, row.envelope, msg_id=row.event_id, headers=row.headers)
                    for row in rows
                )
            )
            if rows:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.seq.in_([row.seq for row in rows]))
                    .values(published_at=self._clock.now())
                )
            return len(rows)

    async def _listen(self) -> None:
        # A dedicated connection: LISTEN needs a session that outlives any transaction.
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._dsn, autocommit=True) as conn:
                    await conn.execute(f'LISTEN "{self._tables.outbox_channel}"')
                    self._wake.set()
                    async for _ in conn.notifies():
                        self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox listener lost its connection (%s); reconnecting", exc)
                await asyncio.sleep(1.0)
