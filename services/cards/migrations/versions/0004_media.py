"""Media of orders: proofs, expense receipts and dispute evidence, uploaded through signed links

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("media_id", sa.Text(), primary_key=True),
        sa.Column("order_id", sa.Text(), nullable=False, index=True),
        sa.Column("uploader_id", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("nsfw", sa.Boolean(), nullable=False),
        sa.Column("object_key", sa.Text(), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema="cards",
    )


def downgrade() -> None:
    op.drop_table("media", schema="cards")
