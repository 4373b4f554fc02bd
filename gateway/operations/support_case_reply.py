"""replyToSupportCase (REST ``POST /v1/support/cases/{id}/messages``): a message on a case.

From a participant, it is their message (a case waiting on them goes back to OPEN). From an
agent, it is a reply that answers the first-response clock and may move the case to a waiting
state (PENDING_CUSTOMER, PENDING_PROVIDER), or an internal note only agents see; a participant
asking for either is PERMISSION_DENIED.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from callsheet.support.v1 import support_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.operations.support_case import CASE_IN_PATH, with_history
from gateway.shapes import ApiModel, ApiObject, SupportCase, support_case


class ReplyToSupportCaseInput(ApiModel):
    """The message (as GraphQL's ReplyToSupportCaseInput; REST takes the case from the path)."""

    body: str
    state: str | None = Field(
        default=None, description="Agents: the state the case moves to with the reply, e.g. PENDING_CUSTOMER"
    )
    internal: bool | None = Field(default=None, description="Agents: an internal note, seen by agents alone")
    idempotency_key: str


router = APIRouter(tags=["support"])


@router.post("/support/cases/{case_id}/messages", response_model=SupportCase)
async def reply_to_support_case(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(ReplyToSupportCaseInput, path=CASE_IN_PATH)],
) -> ApiObject:
    """Adds a message to the case (GraphQL `replyToSupportCase`)."""
    request = support_pb2.ReplyToCaseRequest(
        request_id=input["idempotencyKey"],
        case_id=input["caseId"],
        body=input["body"],
        state=str(input.get("state") or ""),
        internal=bool(input.get("internal")),
    )
    response: support_pb2.ReplyToCaseResponse = await backends.call(backends.support.ReplyToCase, request)
    return support_case(response.case)


OPERATION = Operation(
    "Mutation.replyToSupportCase", reply_to_support_case, router, reads_ahead=with_history(reply_to_support_case)
)
