"""Events: typed messages written to the outbox inside the change's own transaction.

An event is an ``EventEnvelope`` whose ``data`` is one message of a service's ``events.proto``.
The message's ``(callsheet.events.v1.event_type)`` option names its type, so the type string is
written once, in the contract. Its NATS subject is ``<prefix>.<source>.<type>``, its
``Nats-Msg-Id`` header the event id, and its ``subject_seq`` the position among the events the
source emitted about the same subject (counted in the same transaction, so without gaps).
"""

from __future__ import annotations

from datetime import datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.events.v1 import options_pb2
from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet_kit.clock import Clock
from callsheet_kit.ids import new_id
from callsheet_kit.tables import KitTables
from callsheet_kit.telemetry import inject_context


class NotAnEvent(TypeError):
    """A message without the ``event_type`` option was used as an event."""


_EVENT_TYPES: dict[str, str] = {}


def event_type_of(message_type: type[Message]) -> str:
    """The event type a message class stands for, from its ``event_type`` option."""
    name = message_type.DESCRIPTOR.full_name
    event_type = _EVENT_TYPES.get(name)
    if event_type is None:
        options = message_type.DESCRIPTOR.GetOptions()
        event_type = str(options.Extensions[options_pb2.event_type])  # type: ignore[index]
        if not event_type:
            raise NotAnEvent(f"{name} has no (callsheet.events.v1.event_type) option")
        _EVENT_TYPES[name] = event_type
    return event_type


def event_type_suffix_of(message_type: type[Message]) -> str:
    """The enum field whose value ends the event types of a family of events, or "" for one event type."""
    options = message_type.DESCRIPTOR.GetOptions()
    return str(options.Extensions[options_pb2.event_type_suffix])  # type: ignore[index]


def event_type_for(message: Message) -> str:
    """The event type of one event: its message's type, and for a family the value of its suffix field.

    ``card.requested`` with ``type`` = CARD_TYPE_RESCHEDULE is ``card.requested.reschedule``.
    """
    family = event_type_of(type(message))
    field_name = event_type_suffix_of(type(message))
    if not field_name:
        return family
    field_descriptor = message.DESCRIPTOR.fields_by_name[field_name]
    enum = field_descriptor.enum_type
    if enum is None:
        raise NotAnEvent(f"{message.DESCRIPTOR.full_name}.{field_name} is not an enum field")
    value = enum.values_by_number[getattr(message, field_name)].name
    prefix = "".join(f"_{c}" if c.isupper() else c.upper() for c in enum.name).lstrip("_") + "_"
    return f"{family}.{value.removeprefix(prefix).lower()}"


def event_family(event_type: str) -> str:
    """The family an event type of a family belongs to (``card.requested.reschedule`` → ``card.requested``)."""
    return event_type.rsplit(".", 1)[0]


def event_subject(prefix: str, source: str, event_type: str) -> str:
    """The NATS subject of an event."""
    return f"{prefix}.{source}.{event_type}"


class Outbox:
    """Writes a service's events into its outbox table."""

    def __init__(self, *, tables: KitTables, source: str, prefix: str, clock: Clock) -> None:
        self._tables = tables
        self._source = source
        self._prefix = prefix
        self._clock = clock

    async def emit(
        self,
        session: AsyncSession,
        data: Message,
        *,
        subject: str,
        actor_user_id: str = "",
        occurred_at: datetime | None = None,
    ) -> EventEnvelope:
        """Adds an event to the session's transaction; it is published only if that commits."""
        event_type = event_type_for(data)
        counters = self._tables.outbox_subject
        first = insert(counters).values(subject=subject, last_seq=1)
        counted = first.on_conflict_do_update(
            index_elements=[counters.c.subject], set_={"last_seq": counters.c.last_seq + 1}
        ).returning(counters.c.last_seq)
        subject_seq = (await session.execute(counted)).scalar_one()
        now = self._clock.now()
        stamp = Timestamp()
        stamp.FromDatetime(occurred_at or now)
        envelope = EventEnvelope(
            event_id=new_id("evt"),
            type=event_type,
            source=self._source,
            subject=subject,
            occurred_at=stamp,
            trace_context=inject_context(),
            actor_user_id=actor_user_id,
            subject_seq=subject_seq,
        )
        envelope.data.Pack(data)
        await session.execute(
            self._tables.outbox.insert().values(
                event_id=envelope.event_id,
                subject=event_subject(self._prefix, self._source, event_type),
                envelope=envelope.SerializeToString(),
                headers=dict(envelope.trace_context),
                created_at=now,
            )
        )
        return envelope
