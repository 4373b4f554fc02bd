"""Preferences and notifications

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callsheet_kit.migrate import create_kit_tables_v1, drop_kit_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("notification_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_notification")),
        sa.UniqueConstraint("event_id", "user_id", "channel", name=op.f("uq_notification_event_id_user_id_channel")),
        schema="ntf",
    )
    op.create_index(
        "ix_notification_feed",
        "notification",
        ["user_id", "channel", sa.literal_column("notification_id DESC")],
        unique=False,
        schema="ntf",
    )
    op.create_index(
        "ix_notification_pending",
        "notification",
        ["notification_id"],
        unique=False,
        schema="ntf",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "preference",
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("email_address", sa.Text(), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("quiet_hours_start", sa.Text(), nullable=True),
        sa.Column("quiet_hours_end", sa.Text(), nullable=True),
        sa.Column("safe_mode", sa.Boolean(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("push", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_preference")),
        schema="ntf",
    )
    create_kit_tables_v1("ntf")


def downgrade() -> None:
    drop_kit_tables_v1("ntf")
    op.drop_table("preference", schema="ntf")
    op.drop_index(
        "ix_notification_pending",
        table_name="notification",
        schema="ntf",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_index("ix_notification_feed", table_name="notification", schema="ntf")
    op.drop_table("notification", schema="ntf")
