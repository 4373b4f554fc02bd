"""Quotes, payments, refunds, receipts, rate cards and provider accounts

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from callsheet_kit.migrate import create_kit_tables_v1, drop_kit_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provider_connect",
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("stripe_acct", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("requirements", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("status in ('pending','restricted','active')", name=op.f("ck_provider_connect_status")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_provider_connect")),
        schema="acc",
    )
    op.create_table(
        "quote",
        sa.Column("quote_id", sa.Text(), nullable=False),
        sa.Column("buyer_id", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Text(), nullable=False),
        sa.Column("role_code", sa.Text(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("location", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("subtotal_cents", sa.BigInteger(), nullable=False),
        sa.Column("platform_fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("tax_cents", sa.BigInteger(), nullable=False),
        sa.Column("deposit_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("price_snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("policy_snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("quote_id", name=op.f("pk_quote")),
        schema="pay",
    )
    op.create_index(op.f("ix_quote_buyer_id"), "quote", ["buyer_id"], unique=False, schema="pay")
    op.create_table(
        "rate_card",
        sa.Column("provider_id", sa.Text(), nullable=False),
        sa.Column("role_code", sa.Text(), nullable=False),
        sa.Column("hourly_rate_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "role_code", name=op.f("pk_rate_card")),
        schema="pay",
    )
    op.create_table(
        "payment",
        sa.Column("payment_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("quote_id", sa.Text(), nullable=False),
        sa.Column("buyer_id", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("authorized_cents", sa.BigInteger(), nullable=False),
        sa.Column("captured_cents", sa.BigInteger(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.Column("provider_intent_id", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status in ('authorized','captured','voided','partially_refunded','refunded')",
            name=op.f("ck_payment_status"),
        ),
        sa.CheckConstraint("captured_cents <= authorized_cents", name=op.f("ck_payment_capture_within_authorization")),
        sa.CheckConstraint("refunded_cents <= captured_cents", name=op.f("ck_payment_refund_within_capture")),
        sa.ForeignKeyConstraint(["quote_id"], ["pay.quote.quote_id"], name=op.f("fk_payment_quote_id_quote")),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_payment")),
        sa.UniqueConstraint("order_id", name=op.f("uq_payment_order_id")),
        sa.UniqueConstraint("quote_id", name=op.f("uq_payment_quote_id")),
        schema="pay",
    )
    op.create_table(
        "receipt",
        sa.Column("receipt_id", sa.Text(), nullable=False),
        sa.Column("payment_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["pay.payment.payment_id"], name=op.f("fk_receipt_payment_id_payment")),
        sa.PrimaryKeyConstraint("receipt_id", name=op.f("pk_receipt")),
        schema="pay",
    )
    op.create_index(op.f("ix_receipt_payment_id"), "receipt", ["payment_id"], unique=False, schema="pay")
    op.create_table(
        "refund",
        sa.Column("refund_id", sa.Text(), nullable=False),
        sa.Column("payment_id", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("provider_refund_id", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["pay.payment.payment_id"], name=op.f("fk_refund_payment_id_payment")),
        sa.PrimaryKeyConstraint("refund_id", name=op.f("pk_refund")),
        schema="pay",
    )
    op.create_index(op.f("ix_refund_payment_id"), "refund", ["payment_id"], unique=False, schema="pay")
    create_kit_tables_v1("pay")


def downgrade() -> None:
    drop_kit_tables_v1("pay")
    op.drop_index(op.f("ix_refund_payment_id"), table_name="refund", schema="pay")
    op.drop_table("refund", schema="pay")
    op.drop_index(op.f("ix_receipt_payment_id"), table_name="receipt", schema="pay")
    op.drop_table("receipt", schema="pay")
    op.drop_table("payment", schema="pay")
    op.drop_table("rate_card", schema="pay")
    op.drop_index(op.f("ix_quote_buyer_id"), table_name="quote", schema="pay")
    op.drop_table("quote", schema="pay")
    op.drop_table("provider_connect", schema="acc")
