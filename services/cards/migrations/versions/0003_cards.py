"""Cards, their responses and the per-order lock

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
        "card",
        sa.Column("card_id", sa.Text(), primary_key=True),
        sa.Column("order_id", sa.Text(), nullable=False, index=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.Text()),
        sa.Column("creator_party", sa.String(32), nullable=False),
        sa.Column("buyer_id", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("progress", postgresql.JSONB(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.Column("superseded_by", sa.Text(), sa.ForeignKey("cards.card.card_id", ondelete="SET NULL")),
        sa.Column("accepted_at", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        schema="cards",
    )
    op.create_index(
        "ix_card_expiring", "card", ["expires_at"], schema="cards", postgresql_where=sa.text("state = 'open'")
    )
    op.create_index(
        "ix_card_due", "card", ["due_at"], schema="cards", postgresql_where=sa.text("state = 'open' AND NOT reminded")
    )
    op.create_index(
        "ix_card_accepted", "card", ["accepted_at"], schema="cards", postgresql_where=sa.text("state = 'accepted'")
    )
    op.create_table(
        "card_response",
        sa.Column("response_id", sa.Text(), primary_key=True),
        sa.Column(
            "card_id", sa.Text(), sa.ForeignKey("cards.card.card_id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("responder_user_id", sa.Text()),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema="cards",
    )
    op.create_table(
        "order_lock",
        sa.Column("order_id", sa.Text(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema="cards",
    )


def downgrade() -> None:
    for table in ("order_lock", "card_response", "card"):
        op.drop_table(table, schema="cards")
