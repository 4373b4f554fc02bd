"""cancelCard (REST ``POST /v1/cards/{id}/cancel``): the creator withdraws an OPEN card."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from callsheet.cards.v1 import cards_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import ApiModel, ApiObject, Card, card


class CancelCardInput(ApiModel):
    """The withdrawal (as GraphQL's CancelCardInput; REST takes the card from the path)."""

    expected_version: int
    idempotency_key: str


router = APIRouter(tags=["cards"])


@router.post("/cards/{card_id}/cancel", response_model=Card)
async def cancel_card(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(CancelCardInput, path={"card_id": "cardId"})],
) -> ApiObject:
    """Withdraws the card (GraphQL `cancelCard`)."""
    request = cards_pb2.CancelCardRequest(
        request_id=input["idempotencyKey"], card_id=input["cardId"], expected_version=input["expectedVersion"]
    )
    response: cards_pb2.CancelCardResponse = await backends.call(backends.cards.CancelCard, request)
    return card(response.card)


OPERATION = Operation("Mutation.cancelCard", cancel_card, router)
