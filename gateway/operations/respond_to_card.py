"""respondToCard (REST ``POST /v1/cards/{id}/responses``): the counterpart answers a card."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from callsheet.cards.v1 import cards_pb2
from callsheet_kit.errors import invalid_field
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.operations.create_card import payload_json
from gateway.shapes import CARD_ACTIONS, ApiModel, ApiObject, Card, card

ACTION_NUMBERS: dict[str, Any] = {name: number for number, name in CARD_ACTIONS.items()}


class RespondToCardInput(ApiModel):
    """The response (as GraphQL's RespondToCardInput; REST takes the card from the path)."""

    action: str = Field(description="ACCEPT, DECLINE, COUNTER, APPROVE, REQUEST_CHANGES or UPLOAD")
    payload: Any = None
    expected_version: int
    idempotency_key: str


router = APIRouter(tags=["cards"])


@router.post("/cards/{card_id}/responses", response_model=Card)
async def respond_to_card(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(RespondToCardInput, path={"card_id": "cardId"})],
) -> ApiObject:
    """Answers the card at the version the responder saw (GraphQL `respondToCard`)."""
    number = ACTION_NUMBERS.get(str(input["action"]))
    if number is None:
        raise invalid_field("action", "must be one of " + ", ".join(ACTION_NUMBERS))
    request = cards_pb2.RespondToCardRequest(
        request_id=input["idempotencyKey"],
        card_id=input["cardId"],
        action=number,
        payload_json=payload_json(input.get("payload")),
        expected_version=input["expectedVersion"],
    )
    response: cards_pb2.RespondToCardResponse = await backends.call(backends.cards.RespondToCard, request)
    return card(response.card)


OPERATION = Operation("Mutation.respondToCard", respond_to_card, router)
