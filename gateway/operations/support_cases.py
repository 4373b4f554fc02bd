"""supportCases and supportQueue (REST ``GET /v1/support/cases``): a page of the cases the caller
may see, newest first.

Buyers and providers see the cases they take part in; support agents and admins see every case,
and may narrow the page to a queue's or an agent's (``"me"`` for the caller), which support
refuses to anyone else (PERMISSION_DENIED). GraphQL's contract field has no room for those two
filters, so agents have ``supportQueue`` beside it; REST takes all of them on the one route.

A listing's cases come without their history: GraphQL asks for a case's ``events`` only when the
query selects them (``support_case.case_history``); REST shows the history on the case's own
route.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query

from callsheet.support.v1 import support_pb2
from gateway.inputs import check_arguments
from gateway.operation import After, BackendsDep, First, Operation, page_request
from gateway.shapes import ApiObject, Connection, Edge, SupportCaseSummary, connection, support_case_summary


class SupportCaseEdge(Edge[SupportCaseSummary]):
    """A case (without its history) and its cursor."""


class SupportCaseConnection(Connection[SupportCaseEdge]):
    """A page of cases, newest first."""


router = APIRouter(tags=["support"])


def case_page(response: support_pb2.ListCasesResponse) -> ApiObject:
    """A page of cases; any case's cursor continues the listing after it."""
    return connection(
        ((edge.cursor, support_case_summary(edge.case)) for edge in response.edges), response.next_page_token
    )


@router.get("/support/cases", response_model=SupportCaseConnection)
async def list_support_cases(
    backends: BackendsDep,
    first: First = None,
    after: After = None,
    states: Annotated[list[str] | None, Query(description="Only cases in these states, e.g. OPEN")] = None,
    types: Annotated[list[str] | None, Query(description="Only cases of these types, e.g. REFUND")] = None,
    queue: Annotated[str | None, Query(description="Agents: only this queue's cases")] = None,
    assigneeId: Annotated[
        str | None, Query(description='Agents: only the cases assigned to this agent ("me" for the caller)')
    ] = None,
) -> ApiObject:
    """The cases the caller may see, newest first (GraphQL `supportCases`, and `supportQueue` for agents)."""
    check_arguments({"states": states, "types": types, "queue": queue, "assigneeId": assigneeId})
    request = support_pb2.ListCasesRequest(
        states=_names(states),
        types=_names(types),
        queue=queue or "",
        assignee_id=assigneeId or "",
        **page_request(first, after),
    )
    response: support_pb2.ListCasesResponse = await backends.call(backends.support.ListCases, request)
    return case_page(response)


def _names(values: Sequence[str] | None) -> list[str]:
    # GraphQL hands enum values over by name, REST as the names the client wrote: support checks them.
    return [str(value) for value in values or ()]


OPERATION = Operation("Query.supportCases", list_support_cases, router)
QUEUE = Operation("Query.supportQueue", list_support_cases)
