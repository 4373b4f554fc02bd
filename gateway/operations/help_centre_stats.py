"""helpCentreStats (REST ``GET /v1/admin/help-stats``): how well the help centre answers, for support
agents and admins: searches, the searches an article ended without a case (deflections), the cases
users opened, and per article how often it was suggested and solved the problem. Support decides
who may: PERMISSION_DENIED otherwise."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from callsheet.support.v1 import support_pb2
from gateway.operation import BackendsDep, Operation
from gateway.shapes import ApiModel, ApiObject, to_timestamp


class HelpArticleStats(ApiModel):
    """One article's counts over the period."""

    article_id: str
    title: str
    suggested: int
    deflected: int


class HelpCentreStats(ApiModel):
    """The help centre's counts over the period."""

    searches: int
    deflections: int
    cases_opened: int
    deflection_rate: float
    articles: list[HelpArticleStats]


def help_centre_stats_of(message: support_pb2.GetDeflectionStatsResponse) -> ApiObject:
    """HelpCentreStats, articles with the most deflections first."""
    return {
        "searches": message.searches,
        "deflections": message.deflections,
        "casesOpened": message.cases_opened,
        "deflectionRate": message.deflection_rate,
        "articles": [
            {
                "articleId": article.article_id,
                "title": article.title,
                "suggested": article.suggested,
                "deflected": article.deflected,
            }
            for article in message.articles
        ],
    }


router = APIRouter(tags=["admin"])


@router.get("/admin/help-stats", response_model=HelpCentreStats)
async def help_centre_stats(
    backends: BackendsDep,
    since: Annotated[
        AwareDatetime | None, Query(description="From (inclusive, RFC 3339); unset: the beginning")
    ] = None,
    until: Annotated[AwareDatetime | None, Query(description="Until (exclusive, RFC 3339); unset: now")] = None,
) -> ApiObject:
    """The help centre's counts over a period (GraphQL `helpCentreStats`)."""
    request = support_pb2.GetDeflectionStatsRequest()
    for name, value in (("since", since), ("until", until)):
        if isinstance(value, datetime):
            getattr(request, name).CopyFrom(to_timestamp(value))
    response: support_pb2.GetDeflectionStatsResponse = await backends.call(backends.support.GetDeflectionStats, request)
    return help_centre_stats_of(response)


OPERATION = Operation("Query.helpCentreStats", help_centre_stats, router)
