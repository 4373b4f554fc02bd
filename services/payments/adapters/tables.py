"""The tables of payments, in schemas ``pay`` (money movements) and ``acc`` (provider accounts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Integer, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from callsheet_kit.db import schema_metadata
from callsheet_kit.tables import KitTables

SCHEMA = "pay"
ACCOUNTS_SCHEMA = "acc"

metadata = schema_metadata(SCHEMA)
kit_tables = KitTables(metadata)


class Base(DeclarativeBase):
    """Mapped classes of payments."""

    metadata = metadata


class RateCard(Base):
    """A provider's hourly rate for a role."""

    __tablename__ = "rate_card"

    provider_id: Mapped[str] = mapped_column(Text, primary_key=True)
    role_code: Mapped[str] = mapped_column(Text, primary_key=True)
    hourly_rate_cents: Mapped[int] = mapped_column(Integer, CheckConstraint("hourly_rate_cents > 0", name="positive"))
    currency: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class ProviderConnect(Base):
    """A provider's Stripe Connect account."""

    __tablename__ = "provider_connect"
    __table_args__ = (
        CheckConstraint("status in ('pending','restricted','active')", name="status"),
        {"schema": ACCOUNTS_SCHEMA},
    )

    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    stripe_acct: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    requirements: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class QuoteRow(Base):
    """A priced offer; its snapshots are copied into the order at checkout."""

    __tablename__ = "quote"

    quote_id: Mapped[str] = mapped_column(Text, primary_key=True)
    buyer_id: Mapped[str] = mapped_column(Text, index=True)
    provider_id: Mapped[str] = mapped_column(Text)
    role_code: Mapped[str] = mapped_column(Text)
    start_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end_utc: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    timezone: Mapped[str] = mapped_column(Text)
    location: Mapped[dict[str, Any]] = mapped_column(JSONB)
    currency: Mapped[str] = mapped_column(Text)
    subtotal_cents: Mapped[int] = mapped_column(BigInteger)
    platform_fee_cents: Mapped[int] = mapped_column(BigInteger)
    tax_cents: Mapped[int] = mapped_column(BigInteger)
    deposit_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    price_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    policy_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PaymentRow(Base):
    """The money of one order: one authorization, its capture and its refunds."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint("captured_cents <= authorized_cents", name="capture_within_authorization"),
        CheckConstraint("refunded_cents <= captured_cents", name="refund_within_capture"),
        CheckConstraint("status in ('authorized','captured','voided','partially_refunded','refunded')", name="status"),
    )

    payment_id: Mapped[str] = mapped_column(Text, primary_key=True)
    order_id: Mapped[str] = mapped_column(Text, unique=True)
    quote_id: Mapped[str] = mapped_column(Text, ForeignKey(QuoteRow.quote_id), unique=True)
    buyer_id: Mapped[str] = mapped_column(Text)
    provider_id: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    authorized_cents: Mapped[int] = mapped_column(BigInteger)
    captured_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    provider_intent_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RefundRow(Base):
    """One refund of a captured payment."""

    __tablename__ = "refund"

    refund_id: Mapped[str] = mapped_column(Text, primary_key=True)
    payment_id: Mapped[str] = mapped_column(Text, ForeignKey(PaymentRow.payment_id), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger, CheckConstraint("amount_cents > 0", name="positive"))
    reason: Mapped[str] = mapped_column(Text)
    provider_refund_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReceiptRow(Base):
    """A receipt issued to the buyer for money taken or returned."""

    __tablename__ = "receipt"

    receipt_id: Mapped[str] = mapped_column(Text, primary_key=True)
    payment_id: Mapped[str] = mapped_column(Text, ForeignKey(PaymentRow.payment_id), index=True)
    kind: Mapped[str] = mapped_column(Text)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
