"""The tables the kit keeps in every service's own schema.

outbox and its per-subject counters, inbox and its per-subject positions, idempotency keys,
sagas, and the dev clock. Every timestamp in them comes from the service clock (the dev clock
moves them too); none has a database default, so a forgotten value fails instead of drifting.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB


class KitTables:
    """The kit's tables inside one service schema."""

    def __init__(self, metadata: MetaData) -> None:
        self.metadata = metadata
        self.schema = metadata.schema or "public"
        self.outbox = Table(
            "outbox",
            metadata,
            Column("seq", BigInteger, Identity(always=True), primary_key=True),
            Column("event_id", Text, nullable=False, unique=True),
            Column("subject", Text, nullable=False),
            Column("envelope", LargeBinary, nullable=False),
            Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
            Column("created_at", DateTime(timezone=True), nullable=False),
            Column("published_at", DateTime(timezone=True)),
        )
        Index(
            "ix_outbox_unpublished",
            self.outbox.c.seq,
            postgresql_where=self.outbox.c.published_at.is_(None),
        )
        Index(
            "ix_outbox_published_at",
            self.outbox.c.published_at,
            postgresql_where=self.outbox.c.published_at.is_not(None),
        )
        # The last sequence number given to an event about each subject (see EventEnvelope.subject_seq).
        self.outbox_subject = Table(
            "outbox_subject",
            metadata,
            Column("subject", Text, primary_key=True),
            Column("last_seq", BigInteger, nullable=False),
        )
        self.inbox = Table(
            "inbox",
            metadata,
            Column("consumer", Text, nullable=False),
            Column("event_id", Text, nullable=False),
            Column("processed_at", DateTime(timezone=True), nullable=False, index=True),
            PrimaryKeyConstraint("consumer", "event_id"),
        )
        # For consumers that keep per-subject order: the last subject_seq applied per subject.
        self.inbox_subject = Table(
            "inbox_subject",
            metadata,
            Column("consumer", Text, nullable=False),
            Column("subject", Text, nullable=False),
            Column("last_seq", BigInteger, nullable=False),
            PrimaryKeyConstraint("consumer", "subject"),
        )
        self.idempotency = Table(
            "idempotency_key",
            metadata,
            Column("scope", Text, nullable=False),
            Column("key", Text, nullable=False),
            Column("request_hash", Text, nullable=False),
            Column("response", LargeBinary),
            Column("created_at", DateTime(timezone=True), nullable=False, index=True),
            PrimaryKeyConstraint("scope", "key"),
        )
        self.saga = Table(
            "saga",
            metadata,
            Column("saga_id", Text, primary_key=True),
            Column("kind", Text, nullable=False),
            Column("key", Text, nullable=False),
            Column("subject", Text, nullable=False, index=True),
            Column("status", Text, nullable=False),
            Column("step", Text, nullable=False),
            Column("data", JSONB, nullable=False),
            Column("request_hash", Text, nullable=False),
            Column("response", LargeBinary),
            Column("attempts", Integer, nullable=False),
            Column("next_attempt_at", DateTime(timezone=True), nullable=False),
            Column("lease_until", DateTime(timezone=True)),
            Column("lease_owner", Text),
            Column("last_error", Text),
            Column("deadline", DateTime(timezone=True), nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
            Column("updated_at", DateTime(timezone=True), nullable=False),
            UniqueConstraint("kind", "key"),
        )
        Index(
            "ix_saga_due",
            self.saga.c.next_attempt_at,
            postgresql_where=self.saga.c.status.in_(["running", "compensating"]),
        )
        self.dev_clock = Table(
            "dev_clock",
            metadata,
            Column("id", Integer, primary_key=True),
            Column("offset_seconds", BigInteger, nullable=False),
        )

    @property
    def outbox_channel(self) -> str:
        """The LISTEN/NOTIFY channel woken by every outbox insert."""
        return f"{self.schema}_outbox"


def outbox_notify_ddl(schema: str) -> list[str]:
    """DDL of the trigger that wakes the outbox relay whenever an event is written.

    Migrations call it with their schema name; the channel is ``<schema>_outbox``.
    """
    fn = f'"{schema}".outbox_notify'
    return [
        f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{schema}_outbox', ''); RETURN NULL; END $$""",
        f"""CREATE TRIGGER outbox_notify AFTER INSERT ON "{schema}".outbox
            FOR EACH STATEMENT EXECUTE FUNCTION {fn}()""",
    ]
