"""changeSupportCase (REST ``POST /v1/support/cases/{id}/changes``): an agent moves a case to another
working state, closes a RESOLVED one, or changes its priority.

Support agents and admins only (PERMISSION_DENIED otherwise). A case reaches RESOLVED only through
``resolveSupportCase``; a new priority keeps the SLA targets the case opened with. Either a state
or a priority is required; the note is kept in the history.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from callsheet.support.v1 import support_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.operations.support_case import CASE_IN_PATH, with_history
from gateway.shapes import ApiModel, ApiObject, SupportCase, support_case


class ChangeSupportCaseInput(ApiModel):
    """The change (as GraphQL's ChangeSupportCaseInput; REST takes the case from the path)."""

    state: str | None = Field(default=None, description="OPEN, PENDING_CUSTOMER, PENDING_PROVIDER, ESCALATED or CLOSED")
    priority: str | None = Field(default=None, description="urgent, high, normal or low")
    note: str | None = Field(default=None, description="Why (kept in the history)")
    expected_version: int
    idempotency_key: str


router = APIRouter(tags=["support"])


@router.post("/support/cases/{case_id}/changes", response_model=SupportCase)
async def change_support_case(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(ChangeSupportCaseInput, path=CASE_IN_PATH)],
) -> ApiObject:
    """Changes the case's state or priority at the version the agent saw (GraphQL `changeSupportCase`)."""
    request = support_pb2.ChangeCaseRequest(
        request_id=input["idempotencyKey"],
        case_id=input["caseId"],
        state=str(input.get("state") or ""),
        priority=input.get("priority") or "",
        note=input.get("note") or "",
        expected_version=input["expectedVersion"],
    )
    response: support_pb2.ChangeCaseResponse = await backends.call(backends.support.ChangeCase, request)
    return support_case(response.case)


OPERATION = Operation(
    "Mutation.changeSupportCase", change_support_case, router, reads_ahead=with_history(change_support_case)
)
