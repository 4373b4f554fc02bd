"""The help centre: articles with a weighted full-text index, searches and their deflections

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

# Titles outrank summaries and keywords, which outrank the body: a query that names an article's
# subject should find that article before one that merely mentions it.
_SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, summary || ' ' || keywords), 'B') || "
    "setweight(to_tsvector('english'::regconfig, body), 'C')"
)


def upgrade() -> None:
    op.create_table(
        "help_article",
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("search_vector", postgresql.TSVECTOR(), sa.Computed(_SEARCH_VECTOR, persisted=True), nullable=False),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_help_article")),
        sa.UniqueConstraint("slug", name=op.f("uq_help_article_slug")),
        schema="sup",
    )
    op.create_index(
        "ix_help_article_search_vector",
        "help_article",
        ["search_vector"],
        unique=False,
        schema="sup",
        postgresql_using="gin",
    )
    op.create_table(
        "help_search",
        sa.Column("search_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=True),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("article_ids", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("search_id", name=op.f("pk_help_search")),
        schema="sup",
    )
    op.create_index("ix_help_search_created_at", "help_search", ["created_at"], unique=False, schema="sup")
    op.create_table(
        "help_deflection",
        sa.Column("search_id", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["search_id"], ["sup.help_search.search_id"], name=op.f("fk_help_deflection_search_id_help_search")
        ),
        sa.PrimaryKeyConstraint("search_id", name=op.f("pk_help_deflection")),
        schema="sup",
    )


def downgrade() -> None:
    op.drop_table("help_deflection", schema="sup")
    op.drop_index("ix_help_search_created_at", table_name="help_search", schema="sup")
    op.drop_table("help_search", schema="sup")
    op.drop_index("ix_help_article_search_vector", table_name="help_article", schema="sup", postgresql_using="gin")
    op.drop_table("help_article", schema="sup")
