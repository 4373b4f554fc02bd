"""The tables of payments, in schemas ``pay`` (money movements) and ``acc`` (provider accounts).

The domain's ``Payment`` is a plain class, mapped here imperatively onto ``pay.payment``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from callsheet_kit.db import schema_metadata, value_enum
from callsheet_kit.tables import KitTables
from services.payments.domain.payment import Payment, PaymentStatus

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
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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


payment_table = Table(
    "payment",
    metadata,
    Column("payment_id", Text, primary_key=True),
    Column("order_id", Text, nullable=False, unique=True),
    Column("quote_id", Text, ForeignKey(QuoteRow.quote_id), nullable=False),
    Column("buyer_id", Text, nullable=False),
    Column("provider_id", Text, nullable=False),
    Column("currency", Text, nullable=False),
    Column(
        "status",
        value_enum(PaymentStatus),
        nullable=False,
    ),
    Column("authorized_cents", BigInteger, nullable=False),
    Column("captured_cents", BigInteger, nullable=False),
    Column("refunded_cents", BigInteger, nullable=False),
    Column("provider_intent_id", Text),
    Column("decline_code", Text),
    Column("version", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("captured_cents <= authorized_cents", name="capture_within_authorization"),
    CheckConstraint("refunded_cents <= captured_cents", name="refund_within_capture"),
    # A declined attempt does not use the quote up; any other payment does.
    Index("uq_payment_live_quote", "quote_id", unique=True, postgresql_where=text("status <> 'failed'")),
)

# One refund of a captured payment; ``key`` names its cause, so a cause refunds once.
refund_table = Table(
    "refund",
    metadata,
    Column("refund_id", Text, primary_key=True),
    Column("payment_id", Text, ForeignKey(payment_table.c.payment_id), nullable=False, index=True),
    Column("key", Text, nullable=False, unique=True),
    Column("status", Text, nullable=False),
    Column("amount_cents", BigInteger, CheckConstraint("amount_cents > 0", name="positive"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("provider_refund_id", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# A receipt issued to the buyer for money taken or returned.
receipt_table = Table(
    "receipt",
    metadata,
    Column("receipt_id", Text, primary_key=True),
    Column("payment_id", Text, ForeignKey(payment_table.c.payment_id), nullable=False, index=True),
    Column("kind", Text, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Its PDF in the object store, once made (right after it is issued).
    Column("document_key", Text),
    Index("ix_receipt_without_document", "created_at", postgresql_where=text("document_key IS NULL")),
)

# The double-entry ledger (see ``services.payments.domain.ledger``); the database keeps every entry
# balanced and both tables append-only (migration 0003's triggers).
ledger_entry_table = Table(
    "ledger_entry",
    metadata,
    Column("entry_id", Text, primary_key=True),
    Column("key", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("order_id", Text, nullable=False, index=True),
    Column("currency", Text, nullable=False),
    Column("pending", Boolean, nullable=False),
    Column("resolves", Text, ForeignKey("pay.ledger_entry.key"), unique=True),
    Column("metadata", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
ledger_posting_table = Table(
    "ledger_posting",
    metadata,
    Column("entry_id", Text, ForeignKey(ledger_entry_table.c.entry_id), primary_key=True),
    Column("account", Text, primary_key=True, index=True),
    Column("amount_cents", BigInteger, CheckConstraint("amount_cents <> 0", name="not_empty"), nullable=False),
)

# The Stripe test-mode simulator's own state (``services.payments.adapters.simulator_store``): what
# Stripe would keep on its side, kept apart from payments' records of it.
stripe_sim_intent_table = Table(
    "stripe_sim_intent",
    metadata,
    Column("intent_id", Text, primary_key=True),
    Column("order_id", Text, nullable=False, index=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("status", Text, nullable=False),
    Column("received_cents", BigInteger, nullable=False),
    Column("refunded_cents", BigInteger, nullable=False),
)
stripe_sim_transfer_table = Table(
    "stripe_sim_transfer",
    metadata,
    Column("transfer_id", Text, primary_key=True),
    Column("destination", Text, nullable=False),
    Column("transfer_group", Text, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("reversed_cents", BigInteger, nullable=False),
)
stripe_sim_reply_table = Table(
    "stripe_sim_reply",
    metadata,
    Column("key", Text, primary_key=True),
    Column("reply", JSONB, nullable=False),
)

# Every Stripe event received, once by its id: a repeated or late delivery finds its row and
# changes nothing. Events of types payments does not act on are kept too (``handled`` false).
stripe_event_table = Table(
    "stripe_event",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("type", Text, nullable=False, index=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("livemode", Boolean, nullable=False),
    Column("handled", Boolean, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

registry(metadata=metadata).map_imperatively(Payment, payment_table)
