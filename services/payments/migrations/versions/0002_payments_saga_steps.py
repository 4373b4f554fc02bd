"""Kit v2; payments recorded before the provider answers, refunds keyed by their cause

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callsheet_kit.migrate import create_kit_tables_v2, drop_kit_tables_v2

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

STATUSES = "'authorizing','authorized','failed','captured','voided','partially_refunded','refunded'"


def upgrade() -> None:
    create_kit_tables_v2("pay")
    op.drop_constraint("ck_payment_status", "payment", schema="pay")
    op.create_check_constraint("ck_payment_status", "payment", f"status in ({STATUSES})", schema="pay")
    op.add_column("payment", sa.Column("version", sa.BigInteger(), nullable=False, server_default="1"), schema="pay")
    op.alter_column("payment", "version", server_default=None, schema="pay")
    op.add_column("payment", sa.Column("decline_code", sa.Text(), nullable=True), schema="pay")
    op.alter_column("payment", "provider_intent_id", nullable=True, schema="pay")
    # A declined attempt does not use the quote up: another card may still check it out.
    op.drop_constraint("uq_payment_quote_id", "payment", schema="pay")
    op.create_index(
        "uq_payment_live_quote",
        "payment",
        ["quote_id"],
        unique=True,
        schema="pay",
        postgresql_where=sa.text("status <> 'failed'"),
    )
    op.add_column("refund", sa.Column("key", sa.Text(), nullable=True), schema="pay")
    op.execute("UPDATE pay.refund SET key = refund_id WHERE key IS NULL")
    op.alter_column("refund", "key", nullable=False, schema="pay")
    op.create_unique_constraint("uq_refund_key", "refund", ["key"], schema="pay")
    op.add_column("refund", sa.Column("status", sa.Text(), nullable=False, server_default="succeeded"), schema="pay")
    op.alter_column("refund", "status", server_default=None, schema="pay")
    op.create_check_constraint("ck_refund_status", "refund", "status in ('pending','succeeded')", schema="pay")
    op.alter_column("refund", "provider_refund_id", nullable=True, schema="pay")
    op.alter_column("provider_connect", "updated_at", server_default=None, schema="acc")


def downgrade() -> None:
    op.alter_column("provider_connect", "updated_at", server_default=sa.text("now()"), schema="acc")
    op.drop_constraint("ck_refund_status", "refund", schema="pay")
    op.drop_column("refund", "status", schema="pay")
    op.drop_constraint("uq_refund_key", "refund", schema="pay")
    op.drop_column("refund", "key", schema="pay")
    op.drop_index("uq_payment_live_quote", table_name="payment", schema="pay")
    op.create_unique_constraint("uq_payment_quote_id", "payment", ["quote_id"], schema="pay")
    op.drop_column("payment", "decline_code", schema="pay")
    op.drop_column("payment", "version", schema="pay")
    op.drop_constraint("ck_payment_status", "payment", schema="pay")
    op.create_check_constraint(
        "ck_payment_status",
        "payment",
        "status in ('authorized','captured','voided','partially_refunded','refunded')",
        schema="pay",
    )
    drop_kit_tables_v2("pay")
