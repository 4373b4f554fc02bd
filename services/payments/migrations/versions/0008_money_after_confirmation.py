"""Extras, expenses, payouts, reserves and chargebacks; the simulator's disputes and webhook deliveries

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _now_columns() -> list[sa.Column[sa.DateTime]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("payment", sa.Column("payment_method_id", sa.Text()), schema="pay")
    for column in ("charged_extras_cents", "charged_back_cents", "disputed_cents", "paid_out_cents"):
        op.add_column("payment", sa.Column(column, sa.BigInteger(), nullable=False, server_default="0"), schema="pay")
    op.add_column(
        "payment", sa.Column("reserve_frozen", sa.Boolean(), nullable=False, server_default="false"), schema="pay"
    )
    op.drop_constraint("ck_payment_refund_within_capture", "payment", schema="pay")
    op.create_check_constraint(
        "ck_payment_refund_within_capture",
        "payment",
        "refunded_cents + charged_back_cents + disputed_cents <= captured_cents",
        schema="pay",
    )
    op.create_check_constraint("ck_payment_paid_out_not_negative", "payment", "paid_out_cents >= 0", schema="pay")

    for column in ("subtotal_cents", "platform_fee_cents", "tax_cents"):
        op.add_column("receipt", sa.Column(column, sa.BigInteger()), schema="pay")
    op.create_table(
        "charge",
        sa.Column("charge_id", sa.Text(), primary_key=True),
        sa.Column("payment_id", sa.Text(), sa.ForeignKey("pay.payment.payment_id"), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False, index=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column(
            "kind", sa.Text(), sa.CheckConstraint("kind in ('extras','expense')", name="ck_charge_kind"), nullable=False
        ),
        sa.Column(
            "status",
            sa.Text(),
            sa.CheckConstraint("status in ('pending','succeeded','failed')", name="ck_charge_status"),
            nullable=False,
        ),
        sa.Column("items", postgresql.JSONB(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column(
            "subtotal_cents",
            sa.BigInteger(),
            sa.CheckConstraint("subtotal_cents > 0", name="ck_charge_positive"),
            nullable=False,
        ),
        sa.Column("platform_fee_cents", sa.BigInteger(), nullable=False),
        sa.Column("tax_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("settlement_key", sa.Text()),
        sa.Column("provider_intent_id", sa.Text()),
        sa.Column("decline_code", sa.Text()),
        *_now_columns(),
        schema="pay",
    )
    op.create_table(
        "payout",
        sa.Column("payout_id", sa.Text(), primary_key=True),
        sa.Column("order_id", sa.Text(), nullable=False, unique=True),
        sa.Column("provider_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column(
            "status",
            sa.Text(),
            sa.CheckConstraint(
                "status in ('scheduled','in_transit','paid','canceled','failed')", name="ck_payout_status"
            ),
            nullable=False,
        ),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("reversed_cents", sa.BigInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stripe_transfer", sa.Text()),
        sa.Column("destination_payment", sa.Text(), index=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        *_now_columns(),
        sa.CheckConstraint("reversed_cents <= amount_cents", name="ck_payout_reversal_within_payout"),
        schema="pay",
    )
    op.create_index(
        "ix_payout_due",
        "payout",
        ["due_at"],
        schema="pay",
        postgresql_where=sa.text("status = 'scheduled'"),
    )
    op.create_table(
        "reserve_hold",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("order_id", sa.Text(), nullable=False, index=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True)),
        schema="pay",
    )
    op.create_table(
        "dispute",
        sa.Column("dispute_id", sa.Text(), primary_key=True),
        sa.Column("order_id", sa.Text(), nullable=False, index=True),
        sa.Column("payment_id", sa.Text(), sa.ForeignKey("pay.payment.payment_id"), nullable=False),
        sa.Column("stripe_dispute", sa.Text(), nullable=False, unique=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Text(),
            sa.CheckConstraint(
                "status in ('needs_response','under_review','won','lost','warning_closed')", name="ck_dispute_status"
            ),
            nullable=False,
        ),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("due_by", sa.DateTime(timezone=True)),
        sa.Column("evidence", postgresql.JSONB(), nullable=False),
        sa.Column("evidence_submitted_at", sa.DateTime(timezone=True)),
        sa.Column("submit_key", sa.Text()),
        sa.Column("stripe_updated", sa.DateTime(timezone=True), nullable=False),
        *_now_columns(),
        schema="pay",
    )

    op.add_column(
        "stripe_sim_intent", sa.Column("payment_method", sa.Text(), nullable=False, server_default=""), schema="pay"
    )
    op.create_table(
        "stripe_sim_dispute",
        sa.Column("dispute_id", sa.Text(), primary_key=True),
        sa.Column("intent_id", sa.Text(), nullable=False, index=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(), nullable=False),
        sa.Column("submission_count", sa.Integer(), nullable=False),
        sa.Column("due_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        schema="pay",
    )
    op.create_table(
        "stripe_sim_event",
        sa.Column("event_id", sa.Text(), primary_key=True),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text()),
        schema="pay",
    )
    op.create_index(
        "ix_stripe_sim_event_due",
        "stripe_sim_event",
        ["next_attempt_at"],
        schema="pay",
        postgresql_where=sa.text("delivered_at IS NULL"),
    )


def downgrade() -> None:
    for table in ("stripe_sim_event", "stripe_sim_dispute", "dispute", "reserve_hold", "payout", "charge"):
        op.drop_table(table, schema="pay")
    op.drop_column("stripe_sim_intent", "payment_method", schema="pay")
    for column in ("subtotal_cents", "platform_fee_cents", "tax_cents"):
        op.drop_column("receipt", column, schema="pay")
    op.drop_constraint("ck_payment_paid_out_not_negative", "payment", schema="pay")
    op.drop_constraint("ck_payment_refund_within_capture", "payment", schema="pay")
    op.create_check_constraint(
        "ck_payment_refund_within_capture", "payment", "refunded_cents <= captured_cents", schema="pay"
    )
    for column in (
        "reserve_frozen",
        "paid_out_cents",
        "charged_back_cents",
        "charged_extras_cents",
        "payment_method_id",
    ):
        op.drop_column("payment", column, schema="pay")
