"""redactSupportCase (REST ``POST /v1/support/cases/{id}/redactions``): an agent replaces one thing
of a case with the redaction mark.

Either a message (its event's id: the text becomes "[redacted]") or a field of the case (the
``description``, or a path into its payload such as ``payload.contact.phone``), not both. Who,
when and why stay as a ``redacted`` event of its own, on the case and on the order's timeline.
Support agents and admins only: PERMISSION_DENIED otherwise.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from callsheet.support.v1 import support_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.operations.support_case import CASE_IN_PATH, with_history
from gateway.shapes import ApiModel, ApiObject, SupportCase, support_case


class RedactSupportCaseInput(ApiModel):
    """The redaction (as GraphQL's RedactSupportCaseInput; REST takes the case from the path)."""

    event_id: str | None = Field(default=None, description="The message's event id, cev_…")
    field: str | None = Field(
        default=None, description='"description", or a payload field such as payload.contact.phone'
    )
    reason: str
    idempotency_key: str


router = APIRouter(tags=["support"])


@router.post("/support/cases/{case_id}/redactions", response_model=SupportCase)
async def redact_support_case(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(RedactSupportCaseInput, path=CASE_IN_PATH)],
) -> ApiObject:
    """Redacts a message or a field of the case (GraphQL `redactSupportCase`)."""
    request = support_pb2.RedactCaseRequest(
        request_id=input["idempotencyKey"],
        case_id=input["caseId"],
        event_id=input.get("eventId") or "",
        field=input.get("field") or "",
        reason=input["reason"],
    )
    response: support_pb2.RedactCaseResponse = await backends.call(backends.support.RedactCase, request)
    return support_case(response.case)


OPERATION = Operation(
    "Mutation.redactSupportCase", redact_support_case, router, reads_ahead=with_history(redact_support_case)
)
