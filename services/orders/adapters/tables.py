"""The tables of orders (schema ``ord``), and the order aggregate mapped onto its table.

The domain's ``Order`` is a plain class; it is mapped here, imperatively, so domain code never
imports SQLAlchemy (cosmicpython's ``orm.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSTZRANGE, ExcludeConstraint
from sqlalchemy.orm import registry

from callsheet_kit.db import schema_metadata, value_enum
from callsheet_kit.tables import KitTables
from services.orders.domain.lifecycle import OrderState
from services.orders.domain.order import Order

SCHEMA = "ord"

metadata = schema_metadata(SCHEMA)
kit_tables = KitTables(metadata)

order_table = Table(
    "order",
    metadata,
    Column("order_id", Text, primary_key=True),
    Column("quote_id", Text, nullable=False, unique=True),
    Column("buyer_user_id", Text, nullable=False),
    Column("provider_user_id", Text, nullable=False),
    Column("role_code", Text, nullable=False),
    Column("start_utc", DateTime(timezone=True), nullable=False),
    Column("end_utc", DateTime(timezone=True), nullable=False),
    Column("timezone", Text, nullable=False),
    Column("location_json", JSONB, nullable=False),
    Column("policy_snapshot", JSONB, nullable=False),
    Column("price_snapshot", JSONB, nullable=False),
    # Stored as the lower-case value; the column is plain text (no database enum to migrate).
    Column(
        "state",
        value_enum(OrderState),
        nullable=False,
    ),
    Column("version", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("payout_paid_at", DateTime(timezone=True)),
    Index("ix_order_buyer", "buyer_user_id", text("order_id DESC")),
    Index("ix_order_provider", "provider_user_id", text("order_id DESC")),
    Index("ix_order_confirmed_start", "start_utc", postgresql_where=text("state = 'confirmed'")),
    # The closing sweep reads only completed orders already paid out.
    Index("ix_order_closable", "end_utc", postgresql_where=text("state = 'completed' AND payout_paid_at IS NOT NULL")),
)

# One immutable entry of an order's timeline; ``seq`` orders it and keys the cursors.
timeline_table = Table(
    "timeline_event",
    metadata,
    Column("seq", BigInteger, Identity(always=True), primary_key=True),
    Column("event_id", Text, nullable=False, unique=True),
    Column("order_id", Text, ForeignKey(order_table.c.order_id, ondelete="CASCADE"), nullable=False),
    Column("kind", Text, nullable=False),
    Column("subtype", Text, nullable=False),
    Column("actor_user_id", Text),
    Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_timeline_event_order_seq", "order_id", "seq", unique=True),
)

# A confirmed booking on a provider's calendar; overlapping active events cannot exist.
calendar_table = Table(
    "calendar_event",
    metadata,
    Column("calendar_event_id", Text, primary_key=True),
    Column("provider_user_id", Text, nullable=False),
    Column("order_id", Text, ForeignKey(order_table.c.order_id, ondelete="CASCADE"), nullable=False, index=True),
    Column("during", TSTZRANGE, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True)),
    ExcludeConstraint(
        ("provider_user_id", "="),
        ("during", "&&"),
        name="no_double_booking",
        using="gist",
        where=text("released_at IS NULL"),
    ),
)

# A RESCHEDULE card's proposed slot held on the provider's calendar. Holds do not exclude each
# other; the use cases keep them off other orders' confirmed events. One row per card and slot.
hold_table = Table(
    "calendar_hold",
    metadata,
    Column("hold_id", Text, primary_key=True),
    Column("provider_user_id", Text, nullable=False),
    Column("order_id", Text, ForeignKey(order_table.c.order_id, ondelete="CASCADE"), nullable=False),
    Column("card_id", Text, nullable=False),
    Column("slot_index", Integer, nullable=False),
    Column("during", TSTZRANGE, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True)),
    Column("converted_at", DateTime(timezone=True)),
    UniqueConstraint("order_id", "card_id", "slot_index"),
)

mapper_registry = registry(metadata=metadata)
mapper_registry.map_imperatively(Order, order_table)
