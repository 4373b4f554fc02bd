"""The tables of support (schema ``sup``): cases and their history, queues with their agents and
hours, SLA policies, strikes, the help centre (``help_tables``), and the kit's tables.

The domain's ``SupportCase`` is a plain class, mapped here imperatively onto ``sup.support_case``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Table, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import registry

from callsheet_kit.db import schema_metadata
from callsheet_kit.tables import KitTables
from services.support.domain.case import SupportCase

SCHEMA = "sup"

metadata = schema_metadata(SCHEMA)
kit_tables = KitTables(metadata)

case_table = Table(
    "support_case",
    metadata,
    Column("case_id", Text, primary_key=True),
    # Who asked and under which key (a user's idempotency key, a DISPUTE card, a payment dispute).
    Column("key", Text, nullable=False, unique=True),
    Column("type", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("priority", Text, nullable=False),
    Column("queue", Text, nullable=False),
    Column("order_id", Text, index=True),
    Column("opened_by", Text, nullable=False),
    # Who may see it besides staff: the opener, and for a booking dispute both participants.
    Column("participants", ARRAY(Text), nullable=False),
    Column("assignee_id", Text),
    Column("subject", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    # The SLA policy as it was when the case opened, and its two clocks.
    Column("sla", JSONB, nullable=False),
    Column("first_response_due", DateTime(timezone=True)),
    Column("resolution_due", DateTime(timezone=True)),
    # When the sweeper should next look: the earliest running clock's target.
    Column("next_due", DateTime(timezone=True)),
    Column("sla_breached", Boolean, nullable=False),
    # A DMCA notice's steps, a dispute's references: what the case's flow gathered.
    Column("progress", JSONB, nullable=False),
    # When a timer of the case's flow fires (a DMCA restore).
    Column("wake_at", DateTime(timezone=True)),
    Column("evidence_key", Text),
    Column("resolution", JSONB),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    Index("ix_case_next_due", "next_due", postgresql_where=text("next_due IS NOT NULL")),
    Index("ix_case_wake", "wake_at", postgresql_where=text("wake_at IS NOT NULL")),
    Index("ix_case_listing", "created_at", "case_id"),
    Index("ix_case_participants", "participants", postgresql_using="gin"),
)

# The immutable history of a case: rows are only ever added (a trigger refuses deletes and any
# change but a redaction of a message's text, which is recorded as its own row).
case_event_table = Table(
    "case_event",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("case_id", Text, ForeignKey(case_table.c.case_id), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),
    Column("actor_user_id", Text),
    Column("payload", JSONB, nullable=False),
    # Seen by agents alone (an internal note).
    Column("internal", Boolean, nullable=False),
    Column("redacted_by", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case_id", "seq", name="uq_case_event_seq"),
)

queue_table = Table(
    "queue",
    metadata,
    Column("name", Text, primary_key=True),
    Column("case_types", ARRAY(Text), nullable=False),
    Column("agent_ids", ARRAY(Text), nullable=False),
    # A weekly schedule in a time zone (see domain.sla.BusinessHours); null: around the clock.
    Column("business_hours", JSONB),
)

sla_policy_table = Table(
    "sla_policy",
    metadata,
    Column("case_type", Text, primary_key=True),
    Column("priority", Text, primary_key=True),
    Column("first_response_seconds", BigInteger, nullable=False),
    Column("resolution_seconds", BigInteger, nullable=False),
)

strike_table = Table(
    "strike",
    metadata,
    Column("user_id", Text, primary_key=True),
    Column("case_id", Text, ForeignKey(case_table.c.case_id), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True)),
)

registry(metadata=metadata).map_imperatively(SupportCase, case_table)
