"""card (REST ``GET /v1/cards/{id}``): one card, to the order's participants and staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from callsheet.cards.v1 import cards_pb2
from callsheet_kit.errors import DomainError, ErrorCode
from gateway.operation import BackendsDep, Operation
from gateway.shapes import ApiObject, Card, card

router = APIRouter(tags=["cards"])
CardId = Annotated[str, Path(max_length=64, description="The card id, crd_…")]


async def resolve_card(backends: BackendsDep, id: str) -> ApiObject | None:
    """The card, or None when the caller may not know it (GraphQL `card`)."""
    try:
        response: cards_pb2.GetCardResponse = await backends.call(
            backends.cards.GetCard, cards_pb2.GetCardRequest(card_id=id)
        )
    except DomainError as error:
        if error.code is ErrorCode.NOT_FOUND:
            return None
        raise
    return card(response.card)


@router.get("/cards/{card_id}", response_model=Card)
async def get_card(backends: BackendsDep, card_id: CardId) -> ApiObject:
    """The card (404 when the caller may not know it)."""
    response: cards_pb2.GetCardResponse = await backends.call(
        backends.cards.GetCard, cards_pb2.GetCardRequest(card_id=card_id)
    )
    return card(response.card)


OPERATION = Operation("Query.card", resolve_card, router)
