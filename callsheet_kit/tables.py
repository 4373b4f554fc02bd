"""The tables the kit keeps in every service's own schema: outbox, inbox, idempotency, clock."""

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
    func,
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
            Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
            Column("published_at", DateTime(timezone=True)),
        )
        Index(
            "ix_outbox_unpublished",
            self.outbox.c.seq,
            postgresql_where=self.outbox.c.published_at.is_(None),
        )
        self.inbox = Table(
            "inbox",
            metadata,
            Column("consumer", Text, nullable=False),
            Column("event_id", Text, nullable=False),
            Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
            PrimaryKeyConstraint("consumer", "event_id"),
        )
        self.idempotency = Table(
            "idempotency_key",
            metadata,
            Column("scope", Text, nullable=False),
            Column("key", Text, nullable=False),
            Column("request_hash", Text, nullable=False),
            Column("response", LargeBinary),
            Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
            PrimaryKeyConstraint("scope", "key"),
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
