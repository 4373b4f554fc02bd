"""The tables of notify (schema ``ntf``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Text, UniqueConstraint, text
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
    """A user's notification settings and address."""

    __tablename__ = "preference"

    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    email_address: Mapped[str] = mapped_column(Text)
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
        Index("ix_notification_pending", "notification_id", postgresql_where=text("status = 'pending'")),
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
