"""helpArticles and recordHelpDeflection (REST ``GET /v1/help/articles``, ``POST /v1/help/deflections``):
the help centre, where a user looks for an answer before opening a case.

Each article suggested carries the search it came from (``searchId``), so that the client can
say "this solved it" with ``recordHelpDeflection``: once per search, and only for the caller's own
search and one of the articles it suggested. Support decides all of it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from callsheet.support.v1 import support_pb2
from gateway.backends import Backends
from gateway.inputs import check_arguments
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import ApiModel, ApiObject


class HelpArticle(ApiModel):
    """An article suggested for a query, best first."""

    id: str
    title: str
    summary: str
    url: str
    search_id: str | None
    rank: float | None


class RecordHelpDeflectionInput(ApiModel):
    """The article of a search that solved the caller's problem."""

    search_id: str
    article_id: str


class HelpDeflection(ApiModel):
    """Whether the deflection was recorded now (false: the search had already ended in one)."""

    recorded: bool


def help_article(message: support_pb2.HelpArticle, search_id: str) -> ApiObject:
    """A HelpArticle, with the search that suggested it."""
    return {
        "id": message.id,
        "title": message.title,
        "summary": message.summary,
        "url": message.url,
        "searchId": search_id,
        "rank": message.rank,
    }


router = APIRouter(tags=["help"])


@router.get("/help/articles", response_model=list[HelpArticle])
async def help_articles(
    backends: BackendsDep,
    query: Annotated[str, Query(description="What the user typed (1 to 200 characters)")],
    orderId: Annotated[str | None, Query(description="The order the question is about, if any")] = None,
) -> list[ApiObject]:
    """Help articles for a query, best first (GraphQL `helpArticles`)."""
    check_arguments({"query": query, "orderId": orderId})
    request = support_pb2.SearchHelpArticlesRequest(query=query, order_id=orderId or "")
    response: support_pb2.SearchHelpArticlesResponse = await backends.call(backends.support.SearchHelpArticles, request)
    return [help_article(article, response.search_id) for article in response.articles]


@router.post("/help/deflections", response_model=HelpDeflection)
async def help_deflections(
    backends: BackendsDep, input: Annotated[GraphQLInput, body_input(RecordHelpDeflectionInput)]
) -> ApiObject:
    """Records that an article of the caller's search solved their problem (GraphQL `recordHelpDeflection`)."""
    return {"recorded": await record_help_deflection(backends, input["searchId"], input["articleId"])}


async def record_help_deflection(backends: Backends, searchId: str, articleId: str) -> bool:
    """Records "this solved it" for an article of the caller's search; false when the search already had one."""
    check_arguments({"searchId": searchId, "articleId": articleId})
    request = support_pb2.RecordDeflectionRequest(search_id=searchId, article_id=articleId)
    response: support_pb2.RecordDeflectionResponse = await backends.call(backends.support.RecordDeflection, request)
    return response.recorded


OPERATION = Operation("Query.helpArticles", help_articles, router)
DEFLECTION = Operation("Mutation.recordHelpDeflection", record_help_deflection)
