"""Buyers' Stripe customers, to which the card of a checkout is saved for off-session charges

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buyer_customer",
        sa.Column("buyer_id", sa.Text(), primary_key=True),
        sa.Column("stripe_customer", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema="acc",
    )


def downgrade() -> None:
    op.drop_table("buyer_customer", schema="acc")
