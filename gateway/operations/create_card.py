"""createCard (REST ``POST /v1/orders/{id}/cards``): a participant opens an action card on an order."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import Field

from callsheet.cards.v1 import cards_pb2
from callsheet_kit.errors import invalid_field
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import CARD_TYPES, ApiModel, ApiObject, Card, card

TYPE_NUMBERS: dict[str, Any] = {name: number for number, name in CARD_TYPES.items()}


class CreateCardInput(ApiModel):
    """The card to open (as GraphQL's CreateCardInput; REST takes the order from the path)."""

    type: str = Field(description="RESCHEDULE, EXTRAS, PROOFS, EXPENSE, COMPLETE or DISPUTE")
    payload: Any = Field(description="The type's payload (RULES.md), a JSON object")
    idempotency_key: str


router = APIRouter(tags=["cards"])


def payload_json(value: Any) -> str:
    """A payload as the services take it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False) if value is not None else ""


@router.post("/orders/{order_id}/cards", response_model=Card)
async def create_card(
    backends: BackendsDep,
    input: Annotated[GraphQLInput, body_input(CreateCardInput, path={"order_id": "orderId"})],
) -> ApiObject:
    """Opens a card on the order (GraphQL `createCard`)."""
    number = TYPE_NUMBERS.get(str(input["type"]))
    if number is None:
        raise invalid_field("type", "must be one of " + ", ".join(TYPE_NUMBERS))
    request = cards_pb2.CreateCardRequest(
        request_id=input["idempotencyKey"],
        order_id=input["orderId"],
        type=number,
        payload_json=payload_json(input["payload"]),
    )
    response: cards_pb2.CreateCardResponse = await backends.call(backends.cards.CreateCard, request)
    return card(response.card)


OPERATION = Operation("Mutation.createCard", create_card, router)
