"""The help centre's storage: article files on disk, and its unit of work over PostgreSQL.

The articles are Markdown files under ``services/support/help/articles``, each opening with a
front matter of ``key: value`` lines between two ``---`` lines (``slug``, ``title``,
``summary``, optionally ``keywords`` as a comma-separated list). The files are the source of
truth; the table is their searchable copy, seeded at start. Searching is PostgreSQL's full-text
search over the weighted ``search_vector`` column (see ``help_tables``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Float,
    Select,
    SQLColumnExpression,
    Text,
    case,
    cast,
    column,
    delete,
    func,
    literal,
    select,
    table,
    tuple_,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, insert

from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.uow import KitParts, UnitOfWork
from services.support.adapters.help_tables import (
    SEARCH_CONFIG,
    HelpArticleRow,
    HelpDeflectionRow,
    HelpSearchRow,
)
from services.support.usecases.help_centre import (
    ArticleContent,
    ArticleCounts,
    HelpCounts,
    SearchRecord,
    SearchTerms,
    Suggestion,
)

ARTICLES_DIR = Path(__file__).resolve().parent.parent / "help" / "articles"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FRONT_MATTER_KEYS = frozenset({"slug", "title", "summary", "keywords"})
_REQUIRED_KEYS = ("slug", "title", "summary")
# ts_rank_cd's normalization 32 (rank / (rank + 1)) keeps a rank below 1, so a result that
# matched the whole query (which adds 1) always outranks one that matched only some words.
_RANK_NORMALIZATION = 32


def _websearch_query(text: str) -> ColumnElement[str]:
    """A query as a web search box reads it: words, "quoted phrases", ``or``, ``-excluded``."""
    return func.websearch_to_tsquery(cast(literal(SEARCH_CONFIG), REGCONFIG), text, type_=TSQUERY)


def _lexeme_query(expression: str) -> ColumnElement[str]:
    """A query in tsquery syntax, of words the caller made safe (letters and digits only)."""
    return func.to_tsquery(cast(literal(SEARCH_CONFIG), REGCONFIG), expression, type_=TSQUERY)


class ArticleFileError(ValueError):
    """An article file the help centre cannot use; the message names the file and the problem."""


def parse_article(text: str, *, name: str) -> ArticleContent:
    """The article in one file's text; ``ArticleFileError`` naming ``name`` when it is malformed."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ArticleFileError(f"{name}: must open with a front matter between two '---' lines")
    try:
        end = next(index for index in range(1, len(lines)) if lines[index].strip() == "---")
    except StopIteration:
        raise ArticleFileError(f"{name}: its front matter is not closed by a '---' line") from None
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or key not in _FRONT_MATTER_KEYS:
            raise ArticleFileError(f"{name}: front matter line {line!r} is not one of {sorted(_FRONT_MATTER_KEYS)}")
        if key in fields:
            raise ArticleFileError(f"{name}: {key} is given twice")
        fields[key] = value.strip()
    missing = [key for key in _REQUIRED_KEYS if not fields.get(key)]
    if missing:
        raise ArticleFileError(f"{name}: the front matter lacks {', '.join(missing)}")
    if not SLUG.match(fields["slug"]):
        raise ArticleFileError(f"{name}: slug {fields['slug']!r} must be lower-case words joined by hyphens")
    body = "\n".join(lines[end + 1 :]).strip()
    if not body:
        raise ArticleFileError(f"{name}: the article has no body")
    keywords = tuple(word.strip() for word in fields.get("keywords", "").split(",") if word.strip())
    return ArticleContent(
        slug=fields["slug"], title=fields["title"], summary=fields["summary"], body=body, keywords=keywords
    )


def read_articles(directory: Path = ARTICLES_DIR) -> list[ArticleContent]:
    """Every article of the directory, by slug; ``ArticleFileError`` for a bad file or a slug used twice.

    A file is named after its slug, so the content and its address cannot drift apart.
    """
    articles: dict[str, ArticleContent] = {}
    for path in sorted(directory.glob("*.md")):
        article = parse_article(path.read_text(encoding="utf-8"), name=path.name)
        if article.slug != path.stem:
            raise ArticleFileError(f"{path.name}: its slug is {article.slug!r}; name the file {article.slug}.md")
        if article.slug in articles:
            raise ArticleFileError(f"{path.name}: slug {article.slug!r} is used twice")
        articles[article.slug] = article
    return list(articles.values())


def _publishes_nothing(aggregate: Aggregate, event: DomainEvent) -> None:
    """The help centre publishes no events: its history is its own tables."""
    return None


# The cases table belongs to the case side of support and its own migration; the help centre only
# counts its rows, so it names the two columns it reads instead of importing its definition.
_support_case = table(
    "support_case",
    column("opened_by", Text),
    column("created_at", DateTime(timezone=True)),
    schema="sup",
)


class SqlHelpUnitOfWork(UnitOfWork):
    """One transaction of the help centre."""

    def __init__(self, parts: KitParts) -> None:
        super().__init__(parts, _publishes_nothing)

    # Content

    async def save_articles(self, articles: Sequence[ArticleContent]) -> int:
        """Writes each article by slug (new ones inserted, changed ones overwritten); how many changed.

        An unchanged article is not written, so its ``updated_at`` tells when its content last
        changed. Slugs are written in order, so two replicas seeding at once never deadlock.
        """
        if not articles:
            return 0
        rows = [
            {
                "article_id": article.article_id,
                "slug": article.slug,
                "title": article.title,
                "summary": article.summary,
                "body": article.body,
                "keywords": ", ".join(article.keywords),
                "url": article.url,
                "updated_at": self.now,
            }
            for article in sorted(articles, key=lambda article: article.slug)
        ]
        statement = insert(HelpArticleRow).values(rows)
        content = ("title", "summary", "body", "keywords", "url")
        changed = (
            await self.session.scalars(
                statement.on_conflict_do_update(
                    index_elements=[HelpArticleRow.slug],
                    set_={name: statement.excluded[name] for name in (*content, "updated_at")},
                    where=tuple_(*(HelpArticleRow.__table__.c[name] for name in content)).is_distinct_from(
                        tuple_(*(statement.excluded[name] for name in content))
                    ),
                ).returning(HelpArticleRow.slug)
            )
        ).all()
        return len(changed)

    async def remove_articles_except(self, slugs: Iterable[str]) -> int:
        """Removes every article whose slug is not among ``slugs``; how many were removed."""
        kept = list(slugs)
        removed = await self.session.scalars(
            delete(HelpArticleRow).where(HelpArticleRow.slug.not_in(kept)).returning(HelpArticleRow.slug)
        )
        return len(removed.all())

    # Searching

    async def find_articles(self, terms: SearchTerms, *, limit: int) -> list[Suggestion]:
        """The articles matching ``terms``, best first, at most ``limit``."""
        vector = HelpArticleRow.search_vector
        whole: ColumnElement[str] = _websearch_query(terms.text)
        if terms.typing:
            typed_so_far = _websearch_query(terms.head).op("&&", return_type=TSQUERY)(
                _lexeme_query(f"{terms.typing}:*")
            )
            whole = whole.op("||", return_type=TSQUERY)(typed_so_far)
        wanted: ColumnElement[str] = whole
        if terms.words:
            any_word = " | ".join([*terms.words[:-1], f"{terms.words[-1]}:*" if terms.typing else terms.words[-1]])
            wanted = whole.op("||", return_type=TSQUERY)(_lexeme_query(any_word))
        rank = (
            case((vector.bool_op("@@")(whole), literal(1.0)), else_=literal(0.0))
            + func.ts_rank_cd(vector, wanted, _RANK_NORMALIZATION, type_=Float)
        ).label("rank")
        rows = await self.session.execute(
            select(HelpArticleRow.article_id, HelpArticleRow.title, HelpArticleRow.summary, HelpArticleRow.url, rank)
            .where(vector.bool_op("@@")(wanted))
            .order_by(rank.desc(), HelpArticleRow.article_id)
            .limit(limit)
        )
        return [
            Suggestion(article_id=article_id, title=title, summary=summary, url=url, rank=float(score))
            for article_id, title, summary, url, score in rows
        ]

    async def add_search(self, search: SearchRecord) -> None:
        """Keeps a search and what it suggested."""
        self.session.add(
            HelpSearchRow(
                search_id=search.search_id,
                user_id=search.user_id,
                order_id=search.order_id,
                query=search.query,
                article_ids=list(search.article_ids),
                created_at=search.created_at,
            )
        )
        await self.session.flush()

    async def search(self, search_id: str) -> SearchRecord | None:
        """A kept search by id."""
        row = await self.session.get(HelpSearchRow, search_id)
        if row is None:
            return None
        return SearchRecord(
            search_id=row.search_id,
            user_id=row.user_id,
            order_id=row.order_id,
            query=row.query,
            article_ids=tuple(row.article_ids),
            created_at=row.created_at,
        )

    async def add_deflection(self, *, search_id: str, article_id: str, user_id: str) -> bool:
        """Records that a search ended with an article solving the problem; False when it already had.

        The primary key on the search decides between two answers at once: the second waits for
        the first to commit, then inserts nothing.
        """
        inserted = await self.session.scalars(
            insert(HelpDeflectionRow)
            .values(search_id=search_id, article_id=article_id, user_id=user_id, created_at=self.now)
            .on_conflict_do_nothing(index_elements=[HelpDeflectionRow.search_id])
            .returning(HelpDeflectionRow.search_id)
        )
        return inserted.first() is not None

    # Counting

    async def _counted(self, statement: Select[str, int]) -> dict[str, int]:
        """The counts of a grouped query, by article id."""
        return {article_id: count for article_id, count in await self.session.execute(statement)}

    async def counts(self, *, since: datetime | None, until: datetime) -> HelpCounts:
        """The searches made in ``[since, until)``, those that ended in a deflection, the cases users
        opened then, and per article how often those searches suggested it and it solved the problem.

        Every current article is listed (an article never suggested is worth knowing about), and
        so is an article since removed that the period's searches suggested.
        """

        def in_period(moment: SQLColumnExpression[datetime]) -> ColumnElement[bool]:
            after = moment >= since if since is not None else literal(True)
            return after & (moment < until)

        searches, deflections = (
            await self.session.execute(
                select(func.count(HelpSearchRow.search_id), func.count(HelpDeflectionRow.search_id))
                .select_from(HelpSearchRow)
                .outerjoin(HelpDeflectionRow, HelpDeflectionRow.search_id == HelpSearchRow.search_id)
                .where(in_period(HelpSearchRow.created_at))
            )
        ).one()
        cases_opened = await self.session.scalar(
            select(func.count())
            .select_from(_support_case)
            # A case opened by the system (a chargeback, a booking dispute's) has no opener.
            .where(_support_case.c.opened_by != "", in_period(_support_case.c.created_at))
        )
        shown = (
            select(func.unnest(HelpSearchRow.article_ids).label("article_id"))
            .where(in_period(HelpSearchRow.created_at))
            .subquery()
        )
        suggested = await self._counted(select(shown.c.article_id, func.count()).group_by(shown.c.article_id))
        deflected = await self._counted(
            select(HelpDeflectionRow.article_id, func.count())
            .join(HelpSearchRow, HelpSearchRow.search_id == HelpDeflectionRow.search_id)
            .where(in_period(HelpSearchRow.created_at))
            .group_by(HelpDeflectionRow.article_id)
        )
        titles = {
            article_id: title
            for article_id, title in await self.session.execute(select(HelpArticleRow.article_id, HelpArticleRow.title))
        }
        articles = [
            ArticleCounts(
                article_id=article_id,
                title=titles.get(article_id, ""),
                suggested=suggested.get(article_id, 0),
                deflected=deflected.get(article_id, 0),
            )
            for article_id in {*titles, *suggested, *deflected}
        ]
        articles.sort(key=lambda counts: (-counts.deflected, -counts.suggested, counts.article_id))
        return HelpCounts(
            searches=int(searches), deflections=int(deflections), cases_opened=int(cases_opened or 0), articles=articles
        )
