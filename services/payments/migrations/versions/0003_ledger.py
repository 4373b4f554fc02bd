"""The double-entry ledger: immutable entries of postings that the database itself keeps balanced

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

# Checked at commit (a deferred constraint trigger), so an entry's postings may be inserted one
# by one, but no transaction commits an entry whose postings do not sum to zero.
BALANCED = """
CREATE FUNCTION pay.ledger_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total bigint;
BEGIN
  SELECT coalesce(sum(amount_cents), 0) INTO total FROM pay.ledger_posting WHERE entry_id = NEW.entry_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'ledger entry % does not balance: its postings sum to %', NEW.entry_id, total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON pay.ledger_posting
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pay.ledger_entry_balances();
"""
# Postings and entries are never changed or removed: a correction is another entry.
IMMUTABLE = """
CREATE FUNCTION pay.ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON pay.ledger_entry
  FOR EACH ROW EXECUTE FUNCTION pay.ledger_immutable();
CREATE TRIGGER ledger_posting_immutable BEFORE UPDATE OR DELETE ON pay.ledger_posting
  FOR EACH ROW EXECUTE FUNCTION pay.ledger_immutable();
"""
# Only a pending entry can be resolved (posted or voided), and the unique index on ``resolves``
# lets it be resolved once.
RESOLVES_PENDING = """
CREATE FUNCTION pay.ledger_resolves_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.resolves IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM pay.ledger_entry WHERE key = NEW.resolves AND pending
  ) THEN
    RAISE EXCEPTION 'ledger entry % resolves %, which is not a pending entry', NEW.key, NEW.resolves
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NEW.pending AND NEW.resolves IS NOT NULL THEN
    RAISE EXCEPTION 'a pending ledger entry cannot resolve another' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_entry_resolves_pending BEFORE INSERT ON pay.ledger_entry
  FOR EACH ROW EXECUTE FUNCTION pay.ledger_resolves_pending();
"""


def upgrade() -> None:
    op.create_table(
        "ledger_entry",
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("resolves", sa.Text(), nullable=True),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("key", name=op.f("uq_ledger_entry_key")),
        sa.UniqueConstraint("resolves", name=op.f("uq_ledger_entry_resolves")),
        sa.ForeignKeyConstraint(
            ["resolves"], ["pay.ledger_entry.key"], name=op.f("fk_ledger_entry_resolves_ledger_entry")
        ),
        schema="pay",
    )
    op.create_index(op.f("ix_ledger_entry_order_id"), "ledger_entry", ["order_id"], schema="pay")
    op.create_table(
        "ledger_posting",
        sa.Column("entry_id", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_cents <> 0", name=op.f("ck_ledger_posting_not_empty")),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["pay.ledger_entry.entry_id"], name=op.f("fk_ledger_posting_entry_id_ledger_entry")
        ),
        sa.PrimaryKeyConstraint("entry_id", "account", name=op.f("pk_ledger_posting")),
        schema="pay",
    )
    op.create_index(op.f("ix_ledger_posting_account"), "ledger_posting", ["account"], schema="pay")
    op.execute(BALANCED)
    op.execute(IMMUTABLE)
    op.execute(RESOLVES_PENDING)


def downgrade() -> None:
    op.drop_table("ledger_posting", schema="pay")
    op.drop_table("ledger_entry", schema="pay")
    op.execute("DROP FUNCTION pay.ledger_entry_balances()")
    op.execute("DROP FUNCTION pay.ledger_immutable()")
    op.execute("DROP FUNCTION pay.ledger_resolves_pending()")
