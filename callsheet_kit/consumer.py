"""Durable JetStream consumers whose inbox makes a redelivered event change nothing.

Each event is handled in one transaction that first records the event id in the service's
inbox; if the id is already there the event was applied before, and is only acked. The effect
and the inbox row commit together, then the message is acked. A failure naks the message with a
growing delay, so it is retried; nothing is lost while NATS or the database is away.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.bus import Bus
from callsheet_kit.db import Database
from callsheet_kit.tables import KitTables
from callsheet_kit.telemetry import extract_context

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]


class EventConsumer:
    """A durable consumer of some event types from one source service."""

    def __init__(
        self,
        *,
        name: str,
        db: Database,
        tables: KitTables,
        bus: Bus,
        source: str,
        handlers: Mapping[str, Handler],
        batch: int = 32,
    ) -> None:
        self.name = name
        self._db = db
        self._inbox = tables.inbox
        self._bus = bus
        self._source = source
        self._handlers = dict(handlers)
        self._batch = batch
        self._tracer = trace.get_tracer("callsheet.consumer")

    @property
    def durable(self) -> str:
        """The JetStream durable name, unique per service and consumer."""
        return f"{self.name}-{self._source}".replace(".", "_")

    async def run(self) -> None:
        """Consumes until cancelled."""
        backoff = 0.2
        subscription = None
        while True:
            try:
                if subscription is None:
                    subscription = await self._bus.js.pull_subscribe(
                        f"{self._bus.prefix}.{self._source}.>",
                        durable=self.durable,
                        stream=self._bus.stream,
                        config=ConsumerConfig(
                            ack_policy=AckPolicy.EXPLICIT,
                            deliver_policy=DeliverPolicy.ALL,
                            ack_wait=30,
                            max_deliver=-1,
                            max_ack_pending=1000,
                        ),
                    )
                try:
                    messages = await subscription.fetch(self._batch, timeout=1)
                except NatsTimeoutError:
                    continue
                for message in messages:
                    await self._handle(message)
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("consumer %s: %s; retrying in %.1fs", self.durable, exc, backoff)
                if subscription is not None and "closed" in str(exc).lower():
                    subscription = None
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)

    async def _handle(self, message: Msg) -> None:
        envelope = EventEnvelope()
        envelope.ParseFromString(message.data)
        handler = self._handlers.get(envelope.type)
        if handler is None:
            await message.ack()
            return
        context = extract_context(dict(envelope.trace_context))
        with self._tracer.start_as_current_span(
            f"consume {envelope.type}",
            context=context,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "nats",
                "messaging.destination.name": message.subject,
                "messaging.message.id": envelope.event_id,
                "messaging.consumer.group.name": self.durable,
            },
        ):
            try:
                await self.apply(envelope, handler)
            except Exception:
                attempt = message.metadata.num_delivered or 1
                log.exception("consumer %s failed on %s (attempt %d)", self.durable, envelope.event_id, attempt)
                await message.nak(delay=min(0.5 * 2 ** min(attempt, 6), 30.0))
                return
        await message.ack()

    async def apply(self, envelope: EventEnvelope, handler: Handler) -> bool:
        """Applies one event exactly once in effect; False when it had been applied before."""
        async with self._db.transaction() as session:
            first = await session.execute(
                insert(self._inbox)
                .values(consumer=self.name, event_id=envelope.event_id)
                .on_conflict_do_nothing()
                .returning(self._inbox.c.event_id)
            )
            if first.first() is None:
                return False
            await handler(session, envelope)
            return True
