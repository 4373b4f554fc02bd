"""The Stripe test-mode simulator keeps its intents and idempotent replies in tables of its own

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stripe_sim_intent",
        sa.Column("intent_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("received_cents", sa.BigInteger(), nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("intent_id", name=op.f("pk_stripe_sim_intent")),
        schema="pay",
    )
    op.create_index(op.f("ix_stripe_sim_intent_order_id"), "stripe_sim_intent", ["order_id"], schema="pay")
    op.create_table(
        "stripe_sim_reply",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("reply", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stripe_sim_reply")),
        schema="pay",
    )


def downgrade() -> None:
    op.drop_table("stripe_sim_reply", schema="pay")
    op.drop_table("stripe_sim_intent", schema="pay")
