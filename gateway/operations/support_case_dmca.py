"""actOnDmcaCase (REST ``POST /v1/support/cases/{id}/dmca-actions``): a step of a DMCA notice.

An agent ACCEPTs the takedown (the named media are hidden and a strike is counted against their
uploader) or REJECTs a deficient notice; the uploader files a COUNTER_NOTICE with the 512(g)(3)
statements (the media come back after 10 business days unless a suit is reported); the
claimant or an agent reports a court action (REPORT_SUIT), so the media stay down. Who may take
which step is support's to decide: PERMISSION_DENIED otherwise.
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


class ActOnDmcaCaseInput(ApiModel):
    """The action (as GraphQL's ActOnDmcaCaseInput; REST takes the case from the path)."""

    action: str = Field(description="ACCEPT, REJECT, COUNTER_NOTICE or REPORT_SUIT")
    payload: Any = Field(default=None, description="The action's payload, a JSON object")
    expected_version: int
    idempotency_key: str


router = APIRouter(tags=["support"])


@router.post("/support/cases/{case_id}/dmca-actions", response_model=SupportCase)
async def act_on_dmca_case(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(ActOnDmcaCaseInput, path=CASE_IN_PATH)],
) -> ApiObject:
    """Takes a step of the DMCA notice at the version the caller saw (GraphQL `actOnDmcaCase`)."""
    request = support_pb2.ActOnDmcaRequest(
        request_id=input["idempotencyKey"],
        case_id=input["caseId"],
        action=str(input["action"]),
        payload_json=payload_json(input.get("payload")),
        expected_version=input["expectedVersion"],
    )
    response: support_pb2.ActOnDmcaResponse = await backends.call(backends.support.ActOnDmca, request)
    return support_case(response.case)


OPERATION = Operation("Mutation.actOnDmcaCase", act_on_dmca_case, router, reads_ahead=with_history(act_on_dmca_case))
