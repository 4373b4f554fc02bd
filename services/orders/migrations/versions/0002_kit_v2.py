"""Per-subject event order, sagas, retention indexes; every timestamp from the service clock

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


def upgrade() -> None:
    create_kit_tables_v2("ord")
    op.alter_column("calendar_event", "created_at", server_default=None, schema="ord")


def downgrade() -> None:
    op.alter_column("calendar_event", "created_at", server_default=sa.text("now()"), schema="ord")
    drop_kit_tables_v2("ord")
