"""Cases and their immutable history, queues, SLA policies, strikes

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

TYPES = ("GENERAL", "REFUND", "BOOKING_DISPUTE", "PAYMENT_ISSUE", "CHARGEBACK", "DMCA", "POLICY_VIOLATION")
# RULES.md: first response urgent 1 h, high 4 h, normal 24 h, low 72 h; resolution 4x that.
FIRST_RESPONSE_HOURS = {"urgent": 1, "high": 4, "normal": 24, "low": 72}


def upgrade() -> None:
    op.create_table(
        "support_case",
        sa.Column("case_id", sa.Text(), primary_key=True),
        sa.Column("key", sa.Text(), nullable=False, unique=True),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("queue", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text()),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("participants", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("assignee_id", sa.Text()),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("sla", postgresql.JSONB(), nullable=False),
        sa.Column("first_response_due", sa.DateTime(timezone=True)),
        sa.Column("resolution_due", sa.DateTime(timezone=True)),
        sa.Column("next_due", sa.DateTime(timezone=True)),
        sa.Column("sla_breached", sa.Boolean(), nullable=False),
        sa.Column("progress", postgresql.JSONB(), nullable=False),
        sa.Column("wake_at", sa.DateTime(timezone=True)),
        sa.Column("evidence_key", sa.Text()),
        sa.Column("resolution", postgresql.JSONB()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint(f"type IN ({', '.join(repr(t) for t in TYPES)})", name="ck_case_type"),
        sa.CheckConstraint(
            "state IN ('NEW', 'OPEN', 'PENDING_CUSTOMER', 'PENDING_PROVIDER', 'ESCALATED', 'RESOLVED', 'CLOSED')",
            name="ck_case_state",
        ),
        schema="sup",
    )
    op.create_index("ix_support_case_order_id", "support_case", ["order_id"], schema="sup")
    op.create_index(
        "ix_case_next_due", "support_case", ["next_due"], schema="sup", postgresql_where=sa.text("next_due IS NOT NULL")
    )
    op.create_index(
        "ix_case_wake", "support_case", ["wake_at"], schema="sup", postgresql_where=sa.text("wake_at IS NOT NULL")
    )
    op.create_index("ix_case_listing", "support_case", ["created_at", "case_id"], schema="sup")
    op.create_index("ix_case_participants", "support_case", ["participants"], schema="sup", postgresql_using="gin")
    op.create_table(
        "case_event",
        sa.Column("event_id", sa.Text(), primary_key=True),
        sa.Column("case_id", sa.Text(), sa.ForeignKey("sup.support_case.case_id"), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("actor_user_id", sa.Text()),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("redacted_by", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_case_event_seq"),
        schema="sup",
    )
    # The history is append-only: no deletes, and no change but a redaction of a message's text
    # (which names its redaction and leaves the entry's kind, author and time as they were).
    op.execute(
        """
        CREATE FUNCTION sup.case_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'the case history is append-only';
            END IF;
            IF NEW.redacted_by IS NULL OR OLD.redacted_by IS NOT NULL
               OR NEW.event_id <> OLD.event_id OR NEW.case_id <> OLD.case_id OR NEW.seq <> OLD.seq
               OR NEW.kind <> OLD.kind OR NEW.actor_user_id IS DISTINCT FROM OLD.actor_user_id
               OR NEW.created_at <> OLD.created_at OR NEW.internal <> OLD.internal THEN
                RAISE EXCEPTION 'a case history entry changes only by its redaction';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON sup.case_event
            FOR EACH ROW EXECUTE FUNCTION sup.case_event_append_only();
        """
    )
    queue = op.create_table(
        "queue",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("case_types", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("agent_ids", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("business_hours", postgresql.JSONB()),
        schema="sup",
    )
    policy = op.create_table(
        "sla_policy",
        sa.Column("case_type", sa.Text(), primary_key=True),
        sa.Column("priority", sa.Text(), primary_key=True),
        sa.Column("first_response_seconds", sa.BigInteger(), nullable=False),
        sa.Column("resolution_seconds", sa.BigInteger(), nullable=False),
        schema="sup",
    )
    op.create_table(
        "strike",
        sa.Column("user_id", sa.Text(), primary_key=True),
        sa.Column("case_id", sa.Text(), sa.ForeignKey("sup.support_case.case_id"), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        schema="sup",
    )
    # One queue per type, around the clock, with no agents until an operator names them.
    op.bulk_insert(
        queue, [{"name": t.lower(), "case_types": [t], "agent_ids": [], "business_hours": None} for t in TYPES]
    )
    op.bulk_insert(
        policy,
        [
            {
                "case_type": t,
                "priority": priority,
                "first_response_seconds": hours * 3600,
                "resolution_seconds": hours * 4 * 3600,
            }
            for t in TYPES
            for priority, hours in FIRST_RESPONSE_HOURS.items()
        ],
    )


def downgrade() -> None:
    op.drop_table("strike", schema="sup")
    op.drop_table("sla_policy", schema="sup")
    op.drop_table("queue", schema="sup")
    op.execute("DROP TRIGGER case_event_append_only ON sup.case_event")
    op.execute("DROP FUNCTION sup.case_event_append_only()")
    op.drop_table("case_event", schema="sup")
    op.drop_table("support_case", schema="sup")
