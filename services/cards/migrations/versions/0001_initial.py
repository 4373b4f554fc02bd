"""Outbox, inbox, idempotency and dev clock

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

from callsheet_kit.migrate import create_kit_tables_v1, drop_kit_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables_v1("cards")


def downgrade() -> None:
    drop_kit_tables_v1("cards")
