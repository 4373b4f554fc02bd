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


class BuyerCustomer(Base):
    """A buyer's Stripe customer: the card they check out with is saved to it for later charges."""

    __tablename__ = "buyer_customer"
    __table_args__ = ({"schema": ACCOUNTS_SCHEMA},)

    buyer_id: Mapped[str] = mapped_column(Text, primary_key=True)
    stripe_customer: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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
    # The buyer's saved payment method: extras and expenses are charged to it off-session.
    Column("payment_method_id", Text),
    Column("decline_code", Text),
    Column("charged_extras_cents", BigInteger, nullable=False, server_default="0"),
    Column("charged_back_cents", BigInteger, nullable=False, server_default="0"),
    Column("disputed_cents", BigInteger, nullable=False, server_default="0"),
    Column("paid_out_cents", BigInteger, nullable=False, server_default="0"),
    Column("reserve_frozen", Boolean, nullable=False, server_default="false"),
    Column("version", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("captured_cents <= authorized_cents", name="capture_within_authorization"),
    CheckConstraint(
        "refunded_cents + charged_back_cents + disputed_cents <= captured_cents", name="refund_within_capture"
    ),
    CheckConstraint("paid_out_cents >= 0", name="paid_out_not_negative"),
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
    # The breakdown of a receipt for extras or expenses (a booking's is its quote's).
    Column("subtotal_cents", BigInteger),
    Column("platform_fee_cents", BigInteger),
    Column("tax_cents", BigInteger),
    Index("ix_receipt_without_document", "created_at", postgresql_where=text("document_key IS NULL")),
)

# Extras (charged at once) and expenses (charged with the final settlement) beyond the booking;
# ``key`` names the caller's request, so a decision charges once.
charge_table = Table(
    "charge",
    metadata,
    Column("charge_id", Text, primary_key=True),
    Column("payment_id", Text, ForeignKey(payment_table.c.payment_id), nullable=False),
    Column("order_id", Text, nullable=False, index=True),
    Column("key", Text, nullable=False, unique=True),
    Column("kind", Text, CheckConstraint("kind in ('extras','expense')", name="kind"), nullable=False),
    Column(
        "status", Text, CheckConstraint("status in ('pending','succeeded','failed')", name="status"), nullable=False
    ),
    Column("items", JSONB, nullable=False),
    Column("currency", Text, nullable=False),
    Column("subtotal_cents", BigInteger, CheckConstraint("subtotal_cents > 0", name="positive"), nullable=False),
    Column("platform_fee_cents", BigInteger, nullable=False),
    Column("tax_cents", BigInteger, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    # The card processor's charge: its own for extras, the settlement's for expenses.
    Column("settlement_key", Text),
    Column("provider_intent_id", Text),
    Column("decline_code", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# A provider's payout of one order: scheduled by the final settlement, released on its day.
payout_table = Table(
    "payout",
    metadata,
    Column("payout_id", Text, primary_key=True),
    Column("order_id", Text, nullable=False, unique=True),
    Column("provider_id", Text, nullable=False),
    Column("key", Text, nullable=False, unique=True),
    Column(
        "status",
        Text,
        CheckConstraint("status in ('scheduled','in_transit','paid','canceled','failed')", name="status"),
        nullable=False,
    ),
    Column("currency", Text, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("reversed_cents", BigInteger, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("stripe_transfer", Text),
    # The payment the transfer made on the provider's Stripe account: their bank payouts name it.
    Column("destination_payment", Text, index=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("reversed_cents <= amount_cents", name="reversal_within_payout"),
    Index("ix_payout_due", "due_at", postgresql_where=text("status = 'scheduled'")),
)

# One freeze of an order's payout; the order is frozen while any is not released.
reserve_hold_table = Table(
    "reserve_hold",
    metadata,
    Column("key", Text, primary_key=True),
    Column("order_id", Text, nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("released_at", DateTime(timezone=True)),
)

# A chargeback, as Stripe's ``charge.dispute.*`` events report it.
dispute_table = Table(
    "dispute",
    metadata,
    Column("dispute_id", Text, primary_key=True),
    Column("order_id", Text, nullable=False, index=True),
    Column("payment_id", Text, ForeignKey(payment_table.c.payment_id), nullable=False),
    Column("stripe_dispute", Text, nullable=False, unique=True),
    Column("reason", Text, nullable=False),
    Column(
        "status",
        Text,
        CheckConstraint("status in ('needs_response','under_review','won','lost','warning_closed')", name="status"),
        nullable=False,
    ),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("due_by", DateTime(timezone=True)),
    # Evidence staged by support, by Stripe's field names; submitted once.
    Column("evidence", JSONB, nullable=False),
    Column("evidence_submitted_at", DateTime(timezone=True)),
    # The request that submitted the evidence: its repeat is answered, any other submission refused.
    Column("submit_key", Text),
    # The time of the latest Stripe event applied: an older one arriving late changes nothing.
    Column("stripe_updated", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
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
    Column("payment_method", Text, nullable=False, server_default=""),
)
stripe_sim_dispute_table = Table(
    "stripe_sim_dispute",
    metadata,
    Column("dispute_id", Text, primary_key=True),
    Column("intent_id", Text, nullable=False, index=True),
    Column("amount_cents", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("evidence", JSONB, nullable=False),
    Column("submission_count", Integer, nullable=False),
    Column("due_by", DateTime(timezone=True), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
)
# The simulator's webhook deliveries, Stripe's way: each event is sent until the endpoint answers
# 2xx, with growing waits between attempts.
stripe_sim_event_table = Table(
    "stripe_sim_event",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("payload", JSONB, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Index("ix_stripe_sim_event_due", "next_attempt_at", postgresql_where=text("delivered_at IS NULL")),
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
