"""assignSupportCase (REST ``POST /v1/support/cases/{id}/assignment``): an agent takes a case, gives
it to an agent of its queue, or takes it off its assignee (no assignee).

Support agents and admins only (PERMISSION_DENIED otherwise); a NEW case becomes OPEN once
assigned. A stale ``expectedVersion`` is CONFLICT: two agents cannot both take the same case.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from callsheet.support.v1 import support_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.operations.support_case import CASE_IN_PATH, with_history
from gateway.shapes import ApiModel, ApiObject, SupportCase, support_case


class AssignSupportCaseInput(ApiModel):
    """The assignment (as GraphQL's AssignSupportCaseInput; REST takes the case from the path)."""

    assignee_id: str | None = Field(
        default=None, description="The caller or an agent of the case's queue; none takes the case off its assignee"
    )
    expected_version: int
    idempotency_key: str


router = APIRouter(tags=["support"])


@router.post("/support/cases/{case_id}/assignment", response_model=SupportCase)
async def assign_support_case(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(AssignSupportCaseInput, path=CASE_IN_PATH)],
) -> ApiObject:
    """Assigns the case at the version the agent saw (GraphQL `assignSupportCase`)."""
    request = support_pb2.AssignCaseRequest(
        request_id=input["idempotencyKey"],
        case_id=input["caseId"],
        assignee_id=input.get("assigneeId") or "",
        expected_version=input["expectedVersion"],
    )
    response: support_pb2.AssignCaseResponse = await backends.call(backends.support.AssignCase, request)
    return support_case(response.case)


OPERATION = Operation(
    "Mutation.assignSupportCase", assign_support_case, router, reads_ahead=with_history(assign_support_case)
)
