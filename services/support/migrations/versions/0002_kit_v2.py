"""Per-subject event order, sagas, retention indexes; kit timestamps from the service clock

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

from callsheet_kit.migrate import create_kit_tables_v2, drop_kit_tables_v2

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables_v2("sup")


def downgrade() -> None:
    drop_kit_tables_v2("sup")
