"""The tables of orders (schema ``ord``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Index, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, TSTZRANGE, ExcludeConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callsheet_kit.db import schema_metadata
from callsheet_kit.tables import KitTables

SCHEMA = "ord"

metadata = schema_metadata(SCHEMA)
kit_tables = KitTables(metadata)


class Base(DeclarativeBase):
    """Mapped classes of orders."""

    metadata = metadata


class OrderRow(Base):
    """The authoritative order."""

    __tablename__ = "order"
    __table_args__ = (
        Index("ix_order_buyer", "buyer_user_id", text("order_id DESC")),
        Index("ix_order_provider", "provider_user_id", text("order_id DESC")),
        Index("ix_order_confirmed_start", "start_utc", postgresql_where=text("state = 'confirmed'")),
    )

    order_id: Mapped[str] = mapped_column(Text, primary_key=True)
    quote_id: Mapped[str] = mapped_column(Text, unique=True)
    buyer_user_id: Mapped[str] = mapped_column(Text)
    provider_user_id: Mapped[str] = mapped_column(Text)
    role_code: Mapped[str] = mapped_column(Text)
    start_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(Text)
    location_json: Mapped[dict[str, Any]] = mapped_column(JSONB)
    policy_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    price_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TimelineEventRow(Base):
    """One immutable entry of an order's timeline; ``seq`` orders it and keys the cursors."""

    __tablename__ = "timeline_event"
    __table_args__ = (Index("ix_timeline_event_order_seq", "order_id", "seq", unique=True),)

    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    event_id: Mapped[str] = mapped_column(Text, unique=True)
    order_id: Mapped[str] = mapped_column(Text, ForeignKey(OrderRow.order_id, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(Text)
    subtype: Mapped[str] = mapped_column(Text)
    actor_user_id: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CalendarEventRow(Base):
    """A confirmed booking on a provider's calendar; overlapping active events cannot exist."""

    __tablename__ = "calendar_event"
    __table_args__ = (
        ExcludeConstraint(
            ("provider_user_id", "="),
            ("during", "&&"),
            name="no_double_booking",
            using="gist",
            where=text("released_at IS NULL"),
        ),
    )

    calendar_event_id: Mapped[str] = mapped_column(Text, primary_key=True)
    provider_user_id: Mapped[str] = mapped_column(Text)
    order_id: Mapped[str] = mapped_column(Text, ForeignKey(OrderRow.order_id, ondelete="CASCADE"), index=True)
    during: Mapped[Any] = mapped_column(TSTZRANGE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
