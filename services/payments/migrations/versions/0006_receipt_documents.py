"""Receipts get their PDF document, kept in the object store under this key

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("receipt", sa.Column("document_key", sa.Text(), nullable=True), schema="pay")
    op.create_index(
        "ix_receipt_without_document",
        "receipt",
        ["created_at"],
        schema="pay",
        postgresql_where=sa.text("document_key IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_receipt_without_document", table_name="receipt", schema="pay")
    op.drop_column("receipt", "document_key", schema="pay")
