"""Orders, timeline and calendar

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from callsheet_kit.migrate import create_kit_tables_v1, drop_kit_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order",
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("quote_id", sa.Text(), nullable=False),
        sa.Column("buyer_user_id", sa.Text(), nullable=False),
        sa.Column("provider_user_id", sa.Text(), nullable=False),
        sa.Column("role_code", sa.Text(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.Column("location_json", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("policy_snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("price_snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order")),
        sa.UniqueConstraint("quote_id", name=op.f("uq_order_quote_id")),
        schema="ord",
    )
    op.create_index(
        "ix_order_buyer", "order", ["buyer_user_id", sa.literal_column("order_id DESC")], unique=False, schema="ord"
    )
    op.create_index(
        "ix_order_confirmed_start",
        "order",
        ["start_utc"],
        unique=False,
        schema="ord",
        postgresql_where=sa.text("state = 'confirmed'"),
    )
    op.create_index(
        "ix_order_provider",
        "order",
        ["provider_user_id", sa.literal_column("order_id DESC")],
        unique=False,
        schema="ord",
    )
    op.create_table(
        "calendar_event",
        sa.Column("calendar_event_id", sa.Text(), nullable=False),
        sa.Column("provider_user_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("during", postgresql.TSTZRANGE(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        postgresql.ExcludeConstraint(
            (sa.column("provider_user_id"), "="),
            (sa.column("during"), "&&"),
            where=sa.text("released_at IS NULL"),
            using="gist",
            name="no_double_booking",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["ord.order.order_id"], name=op.f("fk_calendar_event_order_id_order"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("calendar_event_id", name=op.f("pk_calendar_event")),
        schema="ord",
    )
    op.create_index(op.f("ix_calendar_event_order_id"), "calendar_event", ["order_id"], unique=False, schema="ord")
    op.create_table(
        "timeline_event",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subtype", sa.Text(), nullable=False),
        sa.Column("actor_user_id", sa.Text(), nullable=True),
        sa.Column(
            "payload", postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["ord.order.order_id"], name=op.f("fk_timeline_event_order_id_order"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_timeline_event")),
        sa.UniqueConstraint("event_id", name=op.f("uq_timeline_event_event_id")),
        schema="ord",
    )
    op.create_index("ix_timeline_event_order_seq", "timeline_event", ["order_id", "seq"], unique=True, schema="ord")
    create_kit_tables_v1("ord")


def downgrade() -> None:
    drop_kit_tables_v1("ord")
    op.drop_index("ix_timeline_event_order_seq", table_name="timeline_event", schema="ord")
    op.drop_table("timeline_event", schema="ord")
    op.drop_index(op.f("ix_calendar_event_order_id"), table_name="calendar_event", schema="ord")
    op.drop_table("calendar_event", schema="ord")
    op.drop_index("ix_order_provider", table_name="order", schema="ord")
    op.drop_index(
        "ix_order_confirmed_start", table_name="order", schema="ord", postgresql_where=sa.text("state = 'confirmed'")
    )
    op.drop_index("ix_order_buyer", table_name="order", schema="ord")
    op.drop_table("order", schema="ord")
