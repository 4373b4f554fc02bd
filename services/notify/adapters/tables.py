"""The tables of notify (schema ``ntf``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callsheet_kit.db import schema_metadata
from callsheet_kit.tables import KitTables

SCHEMA = "ntf"

metadata = schema_metadata(SCHEMA)
kit_tables = KitTables(metadata)


class Base(DeclarativeBase):
    """Mapped classes of notify."""

    metadata = metadata


class PreferenceRow(Base):
    """A user's notification settings (their address is the user directory's)."""

    __tablename__ = "preference"

    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    timezone: Mapped[str] = mapped_column(Text, default="UTC")
    quiet_hours_start: Mapped[str | None] = mapped_column(Text)
    quiet_hours_end: Mapped[str | None] = mapped_column(Text)
    safe_mode: Mapped[bool] = mapped_column(default=False)
    email: Mapped[bool] = mapped_column(default=True)
    push: Mapped[bool] = mapped_column(default=True)


class NotificationRow(Base):
    """One notification of one user on one channel; an event reaches a user on a channel once."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", "channel"),
        Index("ix_notification_feed", "user_id", "channel", text("notification_id DESC")),
        Index("ix_notification_due", "channel", "next_attempt_at", postgresql_where=text("status = 'pending'")),
        Index("ix_notification_held", "hold_until", postgresql_where=text("status = 'held'")),
        Index("ix_notification_log", "status", text("notification_id DESC")),
    )

    notification_id: Mapped[str] = mapped_column(Text, primary_key=True)
    event_id: Mapped[str] = mapped_column(Text)
    event_type: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str] = mapped_column(Text)
    order_id: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    category: Mapped[str] = mapped_column(Text)
    # What the templates are rendered from when it is sent (for this reader, media not yet filtered).
    context: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Due for its next attempt (pending); while one is under way, when it may be taken again.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Held by the reader's quiet hours until then.
    hold_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The digest that carried it when it was held with others about the same order.
    digest_id: Mapped[str | None] = mapped_column(Text)


class PushDeviceRow(Base):
    """A device a user receives push on; a registration token belongs to one device, so to one user."""

    __tablename__ = "push_device"
    __table_args__ = (Index("ix_push_device_user", "user_id"),)

    token: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrderBriefRow(Base):
    """What notify knows of an order from its events: who is on it and when it is."""

    __tablename__ = "order_brief"

    order_id: Mapped[str] = mapped_column(Text, primary_key=True)
    buyer_id: Mapped[str] = mapped_column(Text)
    provider_id: Mapped[str] = mapped_column(Text)
    role_code: Mapped[str] = mapped_column(Text)
    start_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(BigInteger)
