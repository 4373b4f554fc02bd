"""The gRPC face of the help centre: SupportService's SearchHelpArticles, RecordDeflection and
GetDeflectionStats, which the SupportService servicer hands to ``HelpApi``; and the seeding of
the articles with every deploy (``seed_help_centre``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import grpc

from callsheet.support.v1 import support_pb2
from callsheet_kit.identity import current_caller
from callsheet_kit.proto import datetime_of
from callsheet_kit.service import ServiceKit
from callsheet_kit.uow import execute
from services.support.adapters.help_repository import ARTICLES_DIR, SqlHelpUnitOfWork, read_articles
from services.support.usecases import help_centre
from services.support.usecases.help_centre import (
    ArticleContent,
    DeflectionStats,
    GetDeflectionStats,
    RecordDeflection,
    SearchHelpArticles,
    SeedHelpCentre,
    Suggestions,
    get_deflection_stats,
    record_deflection,
    search_help_articles,
)

log = logging.getLogger(__name__)

Context = grpc.aio.ServicerContext[Any, Any]


def encode_suggestions(suggestions: Suggestions) -> support_pb2.SearchHelpArticlesResponse:
    """A search's answer: its articles, best first, and the search's id."""
    return support_pb2.SearchHelpArticlesResponse(
        search_id=suggestions.search_id,
        articles=[
            support_pb2.HelpArticle(
                id=article.article_id,
                title=article.title,
                summary=article.summary,
                url=article.url,
                rank=article.rank,
            )
            for article in suggestions.articles
        ],
    )


def encode_stats(stats: DeflectionStats) -> support_pb2.GetDeflectionStatsResponse:
    """The help centre's counts as the API shows them."""
    counts = stats.counts
    return support_pb2.GetDeflectionStatsResponse(
        searches=counts.searches,
        deflections=counts.deflections,
        cases_opened=counts.cases_opened,
        deflection_rate=stats.deflection_rate,
        articles=[
            support_pb2.ArticleStats(
                article_id=article.article_id,
                title=article.title,
                suggested=article.suggested,
                deflected=article.deflected,
            )
            for article in counts.articles
        ],
    )


class HelpApi:
    """SupportService's help-centre RPCs over the help centre's use cases."""

    def __init__(self, kit: ServiceKit) -> None:
        self._kit = kit

    def _uow(self) -> SqlHelpUnitOfWork:
        return SqlHelpUnitOfWork(self._kit.parts)

    async def SearchHelpArticles(
        self, request: support_pb2.SearchHelpArticlesRequest, context: Context
    ) -> support_pb2.SearchHelpArticlesResponse:
        """Suggests help articles for the caller's query, best first, and keeps the search."""
        command = SearchHelpArticles(
            caller=current_caller(), query=request.query, order_id=request.order_id, limit=request.limit
        )
        return await execute(search_help_articles, command, uow=self._uow(), respond=encode_suggestions)

    async def RecordDeflection(
        self, request: support_pb2.RecordDeflectionRequest, context: Context
    ) -> support_pb2.RecordDeflectionResponse:
        """Records that an article of the caller's search solved their problem, once per search."""
        command = RecordDeflection(caller=current_caller(), search_id=request.search_id, article_id=request.article_id)
        return await execute(
            record_deflection,
            command,
            uow=self._uow(),
            respond=lambda recorded: support_pb2.RecordDeflectionResponse(recorded=recorded),
        )

    async def GetDeflectionStats(
        self, request: support_pb2.GetDeflectionStatsRequest, context: Context
    ) -> support_pb2.GetDeflectionStatsResponse:
        """The help centre's counts over a period (support agents and admins)."""
        command = GetDeflectionStats(
            caller=current_caller(),
            since=datetime_of(request.since, present=request.HasField("since")),
            until=datetime_of(request.until, present=request.HasField("until")),
        )
        return await execute(get_deflection_stats, command, uow=self._uow(), respond=encode_stats)


async def seed_help_centre(kit: ServiceKit, articles: Sequence[ArticleContent] | None = None) -> None:
    """Makes the help centre hold exactly the article files (or ``articles``).

    Runs with every migration of support, so each deploy brings its content: new and edited
    articles are written, removed ones taken off. A malformed file fails the run at once
    (``ArticleFileError`` names it): content that cannot be served must not ship.
    """
    command = SeedHelpCentre(articles=list(read_articles(ARTICLES_DIR) if articles is None else articles))
    async with SqlHelpUnitOfWork(kit.parts) as uow:
        seeded = await help_centre.seed_help_centre(uow, command)
        await uow.commit()
    log.info(
        "help centre seeded: %d articles, %d written, %d removed",
        len(command.articles),
        seeded.written,
        seeded.removed,
    )
