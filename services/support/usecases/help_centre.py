"""The help centre, the support centre's front door: articles suggested before a case is opened.

A user describes their problem; the help centre suggests articles, best first, and keeps the
search. When one of them solves the problem ("this solved it") the search ends in a deflection:
a case that never had to be opened. The counts of searches, deflections and cases opened tell
the support team which articles work and where content is missing.

The articles are written as files and seeded into the service with every deploy
(``seed_help_centre``), so the files are the source of truth and an edit reaches a running
install with its next deploy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from callsheet_kit.errors import Violations, invalid_field, not_found, permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.ids import new_id
from callsheet_kit.paging import page_size
from callsheet_kit.uow import Transaction, transactional
from callsheet_kit.validation import MAX_ID, check_text

MAX_QUERY_LENGTH = 200
DEFAULT_SUGGESTIONS = 5
MAX_SUGGESTIONS = 20
ARTICLE_ID_PREFIX = "hlp_"
# Where the app shows an article in full: the help centre's page of its slug.
ARTICLE_PATH = "/help/{slug}"

# A word as the index knows words: letters and digits (punctuation and underscores split words).
_WORD = re.compile(r"[^\W_]+")
# The query ends in a bare word the user may still be typing: not negated ("-refund"), not the
# end of a quoted phrase.
_TYPING = re.compile(r"(?:^|\s)([^\W_]+)\s*$")


@dataclass(frozen=True)
class ArticleContent:
    """One help article as its author wrote it."""

    slug: str
    title: str
    summary: str
    body: str
    keywords: tuple[str, ...] = ()

    @property
    def article_id(self) -> str:
        """The article's id: its slug under the help centre's prefix, stable across edits."""
        return f"{ARTICLE_ID_PREFIX}{self.slug}"

    @property
    def url(self) -> str:
        """Where the app shows the whole article."""
        return ARTICLE_PATH.format(slug=self.slug)


@dataclass(frozen=True)
class SearchTerms:
    """What a query asks the index for.

    ``text`` is the query as typed, so quotes, ``or`` and ``-word`` keep their web-search
    meaning. ``typing`` is the last word when the user may still be typing it: it also matches
    as a prefix, after the words before it (``head``), so "resched" finds rescheduling. ``words``
    are every word of the query: an article with any of them is a candidate, ranked below every
    article that matches the whole query.
    """

    text: str
    head: str
    typing: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """An article a search found, and how well it matched (higher is better)."""

    article_id: str
    title: str
    summary: str
    url: str
    rank: float


@dataclass(frozen=True)
class SearchRecord:
    """A search as kept: who asked what, about which order, and what it suggested, best first."""

    search_id: str
    user_id: str
    order_id: str | None
    query: str
    article_ids: Sequence[str]
    created_at: datetime


@dataclass(frozen=True)
class ArticleCounts:
    """How often an article was suggested in a period, and how often it solved the problem."""

    article_id: str
    title: str
    suggested: int
    deflected: int


@dataclass(frozen=True)
class HelpCounts:
    """The help centre's counts over a period."""

    searches: int
    deflections: int
    cases_opened: int
    articles: Sequence[ArticleCounts]


class HelpCentreUnitOfWork(Transaction, Protocol):
    """What the help centre's use cases need of a unit of work."""

    async def save_articles(self, articles: Sequence[ArticleContent]) -> int:
        """Writes each article by slug; how many were new or changed."""
        ...

    async def remove_articles_except(self, slugs: Iterable[str]) -> int:
        """Removes every article whose slug is not among ``slugs``; how many were removed."""
        ...

    async def find_articles(self, terms: SearchTerms, *, limit: int) -> list[Suggestion]:
        """The articles matching ``terms``, best first, at most ``limit``."""
        ...

    async def add_search(self, search: SearchRecord) -> None:
        """Keeps a search."""
        ...

    async def search(self, search_id: str) -> SearchRecord | None:
        """A kept search by id."""
        ...

    async def add_deflection(self, *, search_id: str, article_id: str, user_id: str) -> bool:
        """Records a search's deflection; False (and nothing changes) when it already has one."""
        ...

    async def counts(self, *, since: datetime | None, until: datetime) -> HelpCounts:
        """The counts of the searches made in ``[since, until)`` and of the cases users opened then."""
        ...


@dataclass(frozen=True)
class SeedHelpCentre:
    """Makes the help centre hold exactly these articles."""

    articles: Sequence[ArticleContent]


@dataclass(frozen=True)
class Seeded:
    """What seeding changed."""

    written: int
    removed: int


@dataclass(frozen=True)
class SearchHelpArticles:
    """A user's search of the help centre."""

    caller: Caller
    query: str
    order_id: str
    limit: int


@dataclass(frozen=True)
class Suggestions:
    """The articles a search suggested, best first, and the search to record a deflection against."""

    search_id: str
    articles: Sequence[Suggestion]


@dataclass(frozen=True)
class RecordDeflection:
    """ "This solved it": an article of the caller's search solved their problem."""

    caller: Caller
    search_id: str
    article_id: str


@dataclass(frozen=True)
class GetDeflectionStats:
    """Asks for the help centre's counts over ``[since, until)``; no ``until`` is now."""

    caller: Caller
    since: datetime | None
    until: datetime | None


@dataclass(frozen=True)
class DeflectionStats:
    """The counts, and the share of searches that ended without a case."""

    counts: HelpCounts

    @property
    def deflection_rate(self) -> float:
        """Deflections per search; 0 when there were no searches."""
        return self.counts.deflections / self.counts.searches if self.counts.searches else 0.0


def search_terms(query: str) -> SearchTerms:
    """How a query is put to the index: as typed, with its last word also as a prefix (type-ahead)."""
    text = query.strip()
    typing = _TYPING.search(text)
    return SearchTerms(
        text=text,
        head=text[: typing.start(1)] if typing else text,
        typing=typing.group(1).lower() if typing else "",
        words=tuple(word.lower() for word in _WORD.findall(text)),
    )


@transactional()
async def seed_help_centre(uow: HelpCentreUnitOfWork, command: SeedHelpCentre) -> Seeded:
    """Writes every article's content by slug and removes the articles that are no longer written."""
    slugs = [article.slug for article in command.articles]
    if len(set(slugs)) != len(slugs):
        raise ValueError("every help article needs a slug of its own")
    written = await uow.save_articles(command.articles)
    removed = await uow.remove_articles_except(slugs)
    return Seeded(written=written, removed=removed)


@transactional()
async def search_help_articles(uow: HelpCentreUnitOfWork, command: SearchHelpArticles) -> Suggestions:
    """The articles that best match the query, best first; the search is kept with what it showed."""
    user_id = command.caller.user_id
    if not user_id:
        raise permission_denied("the help centre is searched on behalf of a user")
    violations = Violations()
    check_text(violations, "query", command.query, max_length=MAX_QUERY_LENGTH, required=True)
    check_text(violations, "order_id", command.order_id, max_length=MAX_ID)
    violations.raise_if_any()
    limit = page_size(command.limit, default=DEFAULT_SUGGESTIONS, maximum=MAX_SUGGESTIONS, field="limit")
    found = await uow.find_articles(search_terms(command.query), limit=limit)
    search = SearchRecord(
        search_id=new_id("hsr"),
        user_id=user_id,
        order_id=command.order_id or None,
        query=command.query.strip(),
        article_ids=[suggestion.article_id for suggestion in found],
        created_at=uow.now,
    )
    await uow.add_search(search)
    return Suggestions(search_id=search.search_id, articles=found)


@transactional()
async def record_deflection(uow: HelpCentreUnitOfWork, command: RecordDeflection) -> bool:
    """Records that an article of the caller's search solved their problem; False when that search
    had already ended in a deflection (nothing changes then)."""
    violations = Violations()
    check_text(violations, "search_id", command.search_id, max_length=MAX_ID, required=True)
    check_text(violations, "article_id", command.article_id, max_length=MAX_ID, required=True)
    violations.raise_if_any()
    search = await uow.search(command.search_id)
    # Another user's search is as unknown to the caller as one that never was.
    if search is None or not command.caller.user_id or search.user_id != command.caller.user_id:
        raise not_found("help search")
    if command.article_id not in search.article_ids:
        raise invalid_field("article_id", "is not one of the articles this search suggested")
    return await uow.add_deflection(
        search_id=search.search_id, article_id=command.article_id, user_id=command.caller.user_id
    )


@transactional()
async def get_deflection_stats(uow: HelpCentreUnitOfWork, command: GetDeflectionStats) -> DeflectionStats:
    """The help centre's counts over a period (support agents and admins)."""
    if not command.caller.is_staff:
        raise permission_denied("only support agents and admins read the help centre's counts")
    until = command.until or uow.now
    if command.since is not None and command.since >= until:
        raise invalid_field("until", "must be later than since")
    return DeflectionStats(counts=await uow.counts(since=command.since, until=until))
