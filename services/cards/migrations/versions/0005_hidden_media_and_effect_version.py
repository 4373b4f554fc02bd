"""Media support hides (a takedown), and the version each card's latest effect was started at

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("media", sa.Column("hidden_at", sa.DateTime(timezone=True)), schema="cards")
    op.add_column("media", sa.Column("hidden_reason", sa.Text()), schema="cards")
    op.add_column("card", sa.Column("effect_version", sa.BigInteger()), schema="cards")
    # Cards made before this revision: the latest decision their effect sagas name. A DISPUTE card
    # starts its effect when it is opened, at version 1, so one whose saga rows were pruned is 1.
    op.execute(
        """
        UPDATE cards.card AS c
        SET effect_version = coalesce(
            (
                SELECT max((s.data ->> 'decision')::bigint)
                FROM cards.saga AS s
                WHERE s.kind = 'card-effect' AND s.subject = c.order_id AND s.data ->> 'cardId' = c.card_id
            ),
            CASE WHEN c.type = 'dispute' THEN 1 END
        )
        """
    )


def downgrade() -> None:
    op.drop_column("card", "effect_version", schema="cards")
    op.drop_column("media", "hidden_reason", schema="cards")
    op.drop_column("media", "hidden_at", schema="cards")
