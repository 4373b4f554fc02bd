"""resolveSupportCase (REST ``POST /v1/support/cases/{id}/resolution``): an agent resolves a case.

The resolution is ``{"refundCents": int (0 for none), "note": string}``, and by type the
``"action"`` taken on a policy violation (none, warning or remove_media) or the ``"evidence"``
of a chargeback (Stripe's evidence fields). The case is RESOLVED
at once; its effects (for a BOOKING_DISPUTE: the refund, the rest of the payout released, the
DISPUTE card closed and the order COMPLETED) follow as events in its history. Support agents and
admins only: PERMISSION_DENIED otherwise.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from callsheet.support.v1 import support_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.operations.create_card import payload_json
from gateway.operations.support_case import CASE_IN_PATH, with_history
from gateway.shapes import ApiModel, ApiObject, SupportCase, support_case


class ResolveSupportCaseInput(ApiModel):
    """The resolution (as GraphQL's ResolveSupportCaseInput; REST takes the case from the path)."""

    resolution: Any = Field(description='{"refundCents": int (0 for none), "note": string}')
    expected_version: int
    idempotency_key: str


router = APIRouter(tags=["support"])


@router.post("/support/cases/{case_id}/resolution", response_model=SupportCase)
async def resolve_support_case(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(ResolveSupportCaseInput, path=CASE_IN_PATH)],
) -> ApiObject:
    """Resolves the case at the version the agent saw (GraphQL `resolveSupportCase`)."""
    request = support_pb2.ResolveCaseRequest(
        request_id=input["idempotencyKey"],
        case_id=input["caseId"],
        resolution_json=payload_json(input["resolution"]),
        expected_version=input["expectedVersion"],
    )
    response: support_pb2.ResolveCaseResponse = await backends.call(backends.support.ResolveCase, request)
    return support_case(response.case)


OPERATION = Operation(
    "Mutation.resolveSupportCase", resolve_support_case, router, reads_ahead=with_history(resolve_support_case)
)
