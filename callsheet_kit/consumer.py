"""Durable JetStream consumers whose inbox makes a redelivered event change nothing.

Handlers are registered by event message type (``{OrderConfirmed: notify_participants}``) and run
inside a unit of work that first records the event id in the service's inbox; if the id is
already there the event was applied before and is only acked. The effect, the inbox row and any
events the effect records commit together, then the message is acked. A failure naks the
message with a growing delay, so it is retried; nothing is lost while NATS or the database is
away. A handler that finds the world not ready yet (the order an event is about does not exist
yet) raises ``RetryLater``: the event is redelivered after a short delay, never acked away.

An ``ordered`` consumer applies the events of one subject in the order their source emitted
them: event n of a subject (its ``subject_seq``) waits until n-1 was applied here. A gap that
does not fill within ``max_gap_wait`` (an event lost to a stream's retention, say) is logged and
skipped, so one subject can never stall for ever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from google.protobuf.message import Message
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.bus import Bus
from callsheet_kit.events import event_family, event_type_of, event_type_suffix_of
from callsheet_kit.metrics import (
    GaugeSample,
    Reading,
    SampledGauge,
    count_from_zero,
    counter,
    histogram,
    seconds_since,
)
from callsheet_kit.proto import datetime_of
from callsheet_kit.tables import KitTables
from callsheet_kit.telemetry import extract_context
from callsheet_kit.uow import UnitOfWork

log = logging.getLogger(__name__)

_lag = histogram(
    "callsheet.consumer.lag", "From an event's commit at its source to the commit of its effect here, per consumer"
)
_failures = counter("callsheet.consumer.failures", "Event handlings that failed and were redelivered, per consumer")
CONSUMER_PENDING = SampledGauge(
    "callsheet.consumer.pending", "JetStream's pending and unacknowledged messages of each durable consumer"
)

# A deferred event redelivered this many times is worth a warning (some twenty seconds of waiting by then).
LONG_WAIT_ATTEMPTS = 10

# A handler gets the unit of work it runs in, the typed event, and its envelope (actor, time, subject).
Handler = Callable[[Any, Any, EventEnvelope], Awaitable[None]]


class RetryLater(Exception):
    """The event cannot be applied yet (what it is about does not exist yet); redeliver it soon."""


class EventConsumer:
    """A durable consumer of some event types from one source service."""

    def __init__(
        self,
        *,
        name: str,
        uow: Callable[[], UnitOfWork],
        tables: KitTables,
        bus: Bus,
        source: str,
        handlers: Mapping[type[Message], Handler],
        ordered: bool = False,
        max_gap_wait: timedelta = timedelta(minutes=10),
        batch: int = 32,
        only: Sequence[str] = (),
    ) -> None:
        """``only`` names the event types JetStream delivers at all (``card.requested.dispute``, or
        ``card.stuck.*`` for a family); empty: every event of the source. A consumer that needs a
        few types of a busy source takes only those, so the rest costs it nothing; it cannot be
        ``ordered``, since the positions of a subject count every event of its source."""
        if only and ordered:
            raise ValueError("a consumer of only some event types cannot apply them in their subject's order")
        self.name = name
        self._uow = uow
        self._tables = tables
        self._bus = bus
        self._source = source
        self._handlers = {event_type_of(kind): (kind, handler) for kind, handler in handlers.items()}
        # Families of events (``card.requested.<type>``): one handler takes every type of the family.
        self._families = {event_type_of(kind) for kind in handlers if event_type_suffix_of(kind)}
        self._ordered = ordered
        self._max_gap_wait = max_gap_wait
        self._batch = batch
        self._only = tuple(only)
        self._tracer = trace.get_tracer("callsheet.consumer")
        self._labels = {"consumer": self.durable}
        count_from_zero(_failures, [self._labels])

    @property
    def durable(self) -> str:
        """The JetStream durable name, unique per service and consumer."""
        return f"{self.name}-{self._source}".replace(".", "_")

    @property
    def event_types(self) -> list[str]:
        """The event types this consumer applies."""
        return sorted(self._handlers)

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
                            filter_subjects=[f"{self._bus.prefix}.{self._source}.{kind}" for kind in self._only]
                            or None,
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
        if self._registered(envelope.type) is None and not self._ordered:
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
            attempt = message.metadata.num_delivered or 1
            try:
                await self.apply(envelope)
            except RetryLater as wait:
                # Expected while a flow is under way (an event before its subject exists): a line only
                # once an event has waited through many redeliveries.
                level = logging.WARNING if attempt >= LONG_WAIT_ATTEMPTS else logging.DEBUG
                log.log(level, "consumer %s defers %s (attempt %d): %s", self.durable, envelope.event_id, attempt, wait)
                await message.nak(delay=min(0.05 * 2 ** min(attempt, 7), 5.0))
                return
            except Exception:
                log.exception("consumer %s failed on %s (attempt %d)", self.durable, envelope.event_id, attempt)
                _failures.add(1, self._labels)
                await message.nak(delay=min(0.5 * 2 ** min(attempt, 6), 30.0))
                return
        await message.ack()

    async def pending(self) -> int:
        """JetStream's count of this consumer's messages not yet delivered or not yet acknowledged."""
        try:
            info = await self._bus.js.consumer_info(self._bus.stream, self.durable)
        except NotFoundError:
            return 0  # not made yet: the first fetch makes it
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

    def _registered(self, event_type: str) -> tuple[type[Message], Handler] | None:
        """The message and handler of an event type, or of the family it belongs to."""
        found = self._handlers.get(event_type)
        if found is None and event_family(event_type) in self._families:
            found = self._handlers[event_family(event_type)]
        return found

    async def apply(self, envelope: EventEnvelope) -> bool:
        """Applies one event exactly once in effect; False when it had been applied before."""
        registered = self._registered(envelope.type)
        async with self._uow() as uow:
            first = await uow.session.execute(
                insert(self._tables.inbox)
                .values(consumer=self.name, event_id=envelope.event_id, processed_at=uow.now)
                .on_conflict_do_nothing()
                .returning(self._tables.inbox.c.event_id)
            )
            if first.first() is None:
                return False
            if self._ordered and envelope.subject_seq and not await self._in_order(uow, envelope):
                return False
            if registered is not None:
                kind, handler = registered
                event = kind()
                envelope.data.Unpack(event)
                await handler(uow, event, envelope)
            await uow.commit()
        occurred = datetime_of(envelope.occurred_at, present=envelope.HasField("occurred_at"))
        if occurred is not None and uow.committed_at is not None:
            _lag.record(seconds_since(occurred, uow.committed_at), self._labels)
        # Work the handler queued for after its commit (a saga it started is driven now).
        await uow.run_after_commit()
        return True

    async def _in_order(self, uow: UnitOfWork, envelope: EventEnvelope) -> bool:
        """Moves the subject's position to this event; False for an event applied before.

        Raises RetryLater while an earlier event of the subject is still to come.
        """
        positions = self._tables.inbox_subject
        where = (positions.c.consumer == self.name, positions.c.subject == envelope.subject)
        await uow.session.execute(
            insert(positions).values(consumer=self.name, subject=envelope.subject, last_seq=0).on_conflict_do_nothing()
        )
        last = (await uow.session.execute(select(positions.c.last_seq).where(*where).with_for_update())).scalar_one()
        if envelope.subject_seq <= last:
            return False
        if envelope.subject_seq > last + 1:
            occurred = datetime_of(envelope.occurred_at)
            if occurred is None or uow.now - occurred < self._max_gap_wait:
                raise RetryLater(f"event {last + 1} of {envelope.subject} has not been applied yet")
            log.warning(
                "consumer %s skips events %d..%d of %s: they never arrived",
                self.name,
                last + 1,
                envelope.subject_seq - 1,
                envelope.subject,
            )
        await uow.session.execute(update(positions).where(*where).values(last_seq=envelope.subject_seq))
        return True


def consumer_backlog(consumers: Sequence[EventConsumer]) -> GaugeSample:
    """``callsheet_consumer_pending`` of ``consumers``, asked of JetStream (every replica asks of the same ones)."""

    async def read() -> list[Reading]:
        return [CONSUMER_PENDING.reading(await consumer.pending(), consumer=consumer.durable) for consumer in consumers]

    return GaugeSample([CONSUMER_PENDING], read)
