"""The help centre's tables in support's schema: the articles, the searches made, and the deflections.

An article row is the seeded copy of a file under ``services/support/help/articles``; the files
are the source, so a row is overwritten whenever its file changes. Searches and deflections are
the help centre's own history: a deflection is a search that ended with "this solved it" instead
of a case, and there is at most one per search (its primary key).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Computed, DateTime, ForeignKey, Index, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.support.adapters.tables import metadata

# The text-search configuration of the index and of every query against it: both must stem alike.
SEARCH_CONFIG = "english"

# Titles outrank summaries and keywords, which outrank the body: a query that names an article's
# subject finds that article before one that merely mentions it. Keywords carry the words users
# type that the prose does not use ("money back" for a refund).
SEARCH_VECTOR = (
    f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, title), 'A') || "
    f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, summary || ' ' || keywords), 'B') || "
    f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, body), 'C')"
)


class HelpBase(DeclarativeBase):
    """Mapped classes of the help centre, on support's metadata."""

    metadata = metadata


class HelpArticleRow(HelpBase):
    """One help article, as seeded from its file."""

    __tablename__ = "help_article"
    __table_args__ = (Index("ix_help_article_search_vector", "search_vector", postgresql_using="gin"),)

    # "hlp_<slug>": stable across re-seeding, so searches and deflections keep pointing at it.
    article_id: Mapped[str] = mapped_column(Text, primary_key=True)
    slug: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # Extra search terms, comma-separated, weighted like the summary.
    keywords: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    # When its content last changed (not when it was last seeded unchanged).
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    search_vector: Mapped[str] = mapped_column(TSVECTOR, Computed(SEARCH_VECTOR, persisted=True), deferred=True)


class HelpSearchRow(HelpBase):
    """One search of the help centre and the articles it suggested, best first."""

    __tablename__ = "help_search"
    __table_args__ = (Index("ix_help_search_created_at", "created_at"),)

    search_id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    order_id: Mapped[str | None] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text)
    article_ids: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HelpDeflectionRow(HelpBase):
    """A search that ended with one of its articles solving the problem: at most one per search."""

    __tablename__ = "help_deflection"

    search_id: Mapped[str] = mapped_column(Text, ForeignKey(HelpSearchRow.search_id), primary_key=True)
    # Not a foreign key: the history of a deflection outlives an article taken off the help centre.
    article_id: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
