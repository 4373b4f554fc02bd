"""supportCase (REST ``GET /v1/support/cases/{id}``): one support case with its history, and
SupportCase.events, the history of a case a listing shows without it.

Support decides who may see a case: its participants, support agents and admins; anyone else
gets NOT_FOUND (GraphQL: null), never a hint that the case exists. The other case operations
(``support_case_*``) share what is here: the case named in a REST path, and the GraphQL face of
an operation that answers a whole case, whose history comes with it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from callsheet.support.v1 import support_pb2
from callsheet_kit.errors import DomainError, ErrorCode
from gateway.backends import Backends
from gateway.inputs import check_arguments
from gateway.operation import BackendsDep, Info, Operation, Resolve, prefetch
from gateway.shapes import ApiObject, SupportCase, case_event, support_case

router = APIRouter(tags=["support"])


async def _case_id(case_id: Annotated[str, Path(description="The case's id, case_…")]) -> str:
    check_arguments({"caseId": case_id})
    return case_id


# The case a REST route names in its path (``/support/cases/{case_id}/…``), checked as the id it is.
CaseId = Annotated[str, Depends(_case_id)]
# Where a command's REST twin reads the case GraphQL carries in its input.
CASE_IN_PATH = {"case_id": "caseId"}


def with_history(resolve: Resolve) -> Resolve:
    """GraphQL's face of an operation that answers a whole case: its ``events`` come along.

    Support answers every case command with the case and its history, so SupportCase.events
    asks nothing more of it; only a listing's cases, which come without their history, ask.
    """

    async def read(backends: Backends, info: Info, **arguments: Any) -> ApiObject | None:
        found: ApiObject | None = await resolve(backends, **arguments)
        if found is not None:
            prefetch(found, "events", {}, found["events"])
        return found

    return read


async def _get_case(backends: Backends, case_id: str) -> support_pb2.SupportCase:
    response: support_pb2.GetCaseResponse = await backends.call(
        backends.support.GetCase, support_pb2.GetCaseRequest(case_id=case_id)
    )
    return response.case


async def resolve_support_case(backends: BackendsDep, id: str) -> ApiObject | None:
    """The case, or None when the caller may not know it (GraphQL `supportCase`)."""
    try:
        return support_case(await _get_case(backends, id))
    except DomainError as error:
        if error.code is ErrorCode.NOT_FOUND:
            return None
        raise


@router.get("/support/cases/{case_id}", response_model=SupportCase)
async def get_support_case(backends: BackendsDep, case_id: CaseId) -> ApiObject:
    """The case with its history, oldest first (404 when the caller may not know it)."""
    return support_case(await _get_case(backends, case_id))


async def case_history(backends: BackendsDep, case_id: str) -> list[ApiObject]:
    """The history of a case a listing showed (GraphQL `SupportCase.events`)."""
    return [case_event(event) for event in (await _get_case(backends, case_id)).events]


OPERATION = Operation("Query.supportCase", resolve_support_case, router, reads_ahead=with_history(resolve_support_case))
EVENTS = Operation("SupportCase.events", case_history)
