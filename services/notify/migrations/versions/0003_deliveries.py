"""Deliveries with retries, holds and digests; push devices; the order brief; addresses from the directory

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
    op.drop_column("preference", "email_address", schema="ntf")
    op.add_column(
        "notification", sa.Column("category", sa.Text(), nullable=False, server_default="optional"), schema="ntf"
    )
    op.add_column(
        "notification",
        sa.Column("context", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        schema="ntf",
    )
    op.add_column("notification", sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True), schema="ntf")
    op.add_column("notification", sa.Column("hold_until", sa.DateTime(timezone=True), nullable=True), schema="ntf")
    op.add_column("notification", sa.Column("digest_id", sa.Text(), nullable=True), schema="ntf")
    op.alter_column("notification", "category", server_default=None, schema="ntf")
    op.alter_column("notification", "context", server_default=None, schema="ntf")
    op.execute("UPDATE ntf.notification SET next_attempt_at = created_at WHERE status = 'pending'")
    op.execute("UPDATE ntf.notification SET status = 'dead_letter' WHERE status = 'failed'")
    op.drop_index(
        "ix_notification_pending",
        table_name="notification",
        schema="ntf",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_notification_due",
        "notification",
        ["channel", "next_attempt_at"],
        schema="ntf",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_notification_held",
        "notification",
        ["hold_until"],
        schema="ntf",
        postgresql_where=sa.text("status = 'held'"),
    )
    op.create_index(
        "ix_notification_log", "notification", ["status", sa.literal_column("notification_id DESC")], schema="ntf"
    )
    op.create_table(
        "push_device",
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_push_device")),
        schema="ntf",
    )
    op.create_index("ix_push_device_user", "push_device", ["user_id"], schema="ntf")
    op.create_table(
        "order_brief",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("buyer_id", sa.Text(), nullable=False),
        sa.Column("provider_id", sa.Text(), nullable=False),
        sa.Column("role_code", sa.Text(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_brief")),
        schema="ntf",
    )


def downgrade() -> None:
    op.drop_table("order_brief", schema="ntf")
    op.drop_index("ix_push_device_user", table_name="push_device", schema="ntf")
    op.drop_table("push_device", schema="ntf")
    op.drop_index("ix_notification_log", table_name="notification", schema="ntf")
    op.drop_index(
        "ix_notification_held", table_name="notification", schema="ntf", postgresql_where=sa.text("status = 'held'")
    )
    op.drop_index(
        "ix_notification_due", table_name="notification", schema="ntf", postgresql_where=sa.text("status = 'pending'")
    )
    op.create_index(
        "ix_notification_pending",
        "notification",
        ["notification_id"],
        schema="ntf",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.execute("UPDATE ntf.notification SET status = 'failed' WHERE status = 'dead_letter'")
    for column in ("digest_id", "hold_until", "next_attempt_at", "context", "category"):
        op.drop_column("notification", column, schema="ntf")
    op.add_column(
        "preference",
        sa.Column("email_address", sa.Text(), nullable=False, server_default=""),
        schema="ntf",
    )
    op.execute("UPDATE ntf.preference SET email_address = user_id || '@example.test'")
