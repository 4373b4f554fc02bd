"""Calendar holds of RESCHEDULE cards; when an order's payout was paid

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_hold",
        sa.Column("hold_id", sa.Text(), nullable=False),
        sa.Column("provider_user_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("card_id", sa.Text(), nullable=False),
        sa.Column("slot_index", sa.Integer(), nullable=False),
        sa.Column("during", postgresql.TSTZRANGE(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["ord.order.order_id"], name=op.f("fk_calendar_hold_order_id_order"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("hold_id", name=op.f("pk_calendar_hold")),
        sa.UniqueConstraint(
            "order_id", "card_id", "slot_index", name=op.f("uq_calendar_hold_order_id_card_id_slot_index")
        ),
        schema="ord",
    )
    op.add_column("order", sa.Column("payout_paid_at", sa.DateTime(timezone=True), nullable=True), schema="ord")
    op.create_index(
        "ix_order_closable",
        "order",
        ["end_utc"],
        unique=False,
        schema="ord",
        postgresql_where=sa.text("state = 'completed' AND payout_paid_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_order_closable",
        table_name="order",
        schema="ord",
        postgresql_where=sa.text("state = 'completed' AND payout_paid_at IS NOT NULL"),
    )
    op.drop_column("order", "payout_paid_at", schema="ord")
    op.drop_table("calendar_hold", schema="ord")
