"""openSupportCase (REST ``POST /v1/support/cases``): a user opens a typed case.

Each type checks its own payload in support, which names every bad field (``payload.reason``);
a REFUND needs the order it is about, one the caller takes part in. BOOKING_DISPUTE and
CHARGEBACK cases open by themselves (from a DISPUTE card, from the card network), so opening one
is FAILED_PRECONDITION. A retry with the same key returns the case the first request opened.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from callsheet.support.v1 import support_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.operations.create_card import payload_json
from gateway.operations.support_case import with_history
from gateway.shapes import ApiModel, ApiObject, SupportCase, support_case


class OpenSupportCaseInput(ApiModel):
    """The case to open (as GraphQL's OpenSupportCaseInput)."""

    type: str = Field(description="GENERAL, REFUND, PAYMENT_ISSUE, DMCA or POLICY_VIOLATION")
    order_id: str | None = Field(default=None, description="The order it is about (required for REFUND)")
    subject: str
    description: str
    payload: Any = Field(default=None, description="The type's payload (RULES.md), a JSON object")
    idempotency_key: str


router = APIRouter(tags=["support"])


@router.post("/support/cases", response_model=SupportCase)
async def open_support_case(
    backends: BackendsDep, input: Annotated[GraphQLInput, body_input(OpenSupportCaseInput)]
) -> ApiObject:
    """Opens a typed case, in the queue of its type with the SLA of its priority (GraphQL `openSupportCase`)."""
    request = support_pb2.OpenCaseRequest(
        request_id=input["idempotencyKey"],
        type=str(input["type"]),
        order_id=input.get("orderId") or "",
        subject=input["subject"],
        description=input["description"],
        payload_json=payload_json(input.get("payload")),
    )
    response: support_pb2.OpenCaseResponse = await backends.call(backends.support.OpenCase, request)
    return support_case(response.case)


OPERATION = Operation(
    "Mutation.openSupportCase", open_support_case, router, reads_ahead=with_history(open_support_case)
)
