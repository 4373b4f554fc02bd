"""Order.cards and Order.openActions (REST ``GET /v1/orders/{id}/cards``): an order's cards, and the
OPEN ones the viewer can act on now. Cards asks orders who may see the order: NOT_FOUND otherwise."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from callsheet.cards.v1 import cards_pb2
from callsheet_kit.errors import invalid_field
from gateway.operation import BackendsDep, Operation, OrderId
from gateway.shapes import CARD_STATES, ApiObject, Card, card

STATE_NUMBERS: dict[str, Any] = {name: number for number, name in CARD_STATES.items()}
router = APIRouter(tags=["cards"])


async def _cards(backends: BackendsDep, order_id: str, states: list[str] | None) -> list[ApiObject]:
    numbers = []
    for name in states or []:
        if name not in STATE_NUMBERS:
            raise invalid_field("states", "must hold card states: " + ", ".join(STATE_NUMBERS))
        numbers.append(STATE_NUMBERS[name])
    request = cards_pb2.ListCardsRequest(order_id=order_id, states=numbers)
    response: cards_pb2.ListCardsResponse = await backends.call(backends.cards.ListCards, request)
    return [card(item) for item in response.cards]


@router.get("/orders/{order_id}/cards", response_model=list[Card])
async def order_cards(
    backends: BackendsDep, order_id: OrderId, states: Annotated[list[str] | None, Query()] = None
) -> list[ApiObject]:
    """The order's cards, oldest first, in the given states (GraphQL `Order.cards`)."""
    return await _cards(backends, order_id, states)


async def open_actions(backends: BackendsDep, order_id: str) -> list[ApiObject]:
    """The OPEN cards the viewer can act on now (GraphQL `Order.openActions`)."""
    return [found for found in await _cards(backends, order_id, ["OPEN"]) if found["actions"]]


OPERATION = Operation("Order.cards", order_cards, router)
OPEN_ACTIONS = Operation("Order.openActions", open_actions)
