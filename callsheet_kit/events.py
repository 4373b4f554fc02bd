"""Events: written to the outbox inside the change's own transaction, published by the relay.

An event is an ``EventEnvelope`` whose ``data`` is the typed message; its NATS subject is
``<prefix>.<source>.<type>`` and its ``Nats-Msg-Id`` header is the event id.
"""

from __future__ import annotations

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.clock import Clock
from callsheet_kit.ids import new_id
from callsheet_kit.tables import KitTables
from callsheet_kit.telemetry import inject_context


def event_subject(prefix: str, source: str, event_type: str) -> str:
    """The NATS subject of an event."""
    return f"{prefix}.{source}.{event_type}"


class Outbox:
    """Writes a service's events into its outbox table."""

    def __init__(self, *, tables: KitTables, source: str, prefix: str, clock: Clock) -> None:
        self._table = tables.outbox
        self._source = source
        self._prefix = prefix
        self._clock = clock

    async def emit(
        self,
        session: AsyncSession,
        *,
        event_type: str,
        subject: str,
        data: Message,
        actor_user_id: str = "",
    ) -> EventEnvelope:
        """Adds an event to the session's transaction; it is published only if that commits."""
        occurred_at = Timestamp()
        occurred_at.FromDatetime(self._clock.now())
        envelope = EventEnvelope(
            event_id=new_id("evt"),
            type=event_type,
            source=self._source,
            subject=subject,
            occurred_at=occurred_at,
            trace_context=inject_context(),
            actor_user_id=actor_user_id,
        )
        envelope.data.Pack(data)
        await session.execute(
            self._table.insert().values(
                event_id=envelope.event_id,
                subject=event_subject(self._prefix, self._source, event_type),
                envelope=envelope.SerializeToString(),
                headers=dict(envelope.trace_context),
            )
        )
        return envelope
