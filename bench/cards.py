"""The action-card operations: a provider opening an EXTRAS card, its buyer declining it.

Each card sits on a confirmed order of its own (only one EXTRAS card may be open per order), so
no request waits on another's order lock. The buyer declines: no money moves, and what is
measured is the card engine itself (the order read from orders, the card's row, its events).
Each request builder takes the index of the order (and so of the card) it acts on; the cards a
run of ``createCard`` opens are the inputs its ``respondToCard`` run declines.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bench.client import Connection

# The names the bench reports them under, in the order it runs them.
CARD_OPERATIONS = ("createCard (EXTRAS)", "respondToCard (DECLINE)")

CREATE_CARD = "mutation($i: CreateCardInput!) { createCard(input: $i) { id state version } }"
RESPOND_TO_CARD = "mutation($i: RespondToCardInput!) { respondToCard(input: $i) { id state version } }"
EXTRAS = {"items": [{"description": "second look", "quantity": 1, "unitAmountCents": 2000}], "currency": "USD"}

Send = Callable[[Connection, int], Awaitable[None]]


class CardCalls:
    """The two card requests over the confirmed ``orders`` made for them, with the cards they open."""

    def __init__(self, orders: list[dict[str, Any]], *, provider: str, buyer: str) -> None:
        self._orders = orders
        self._provider = provider
        self._buyer = buyer
        self._cards: dict[int, str] = {}

    def requests(self) -> dict[str, Send]:
        """Every card operation's request, by its bench name (``createCard`` runs first)."""

        async def create(conn: Connection, index: int) -> None:
            command = {
                "orderId": self._orders[index]["id"],
                "type": "EXTRAS",
                "payload": EXTRAS,
                "idempotencyKey": uuid.uuid4().hex,
            }
            card = (await conn.graphql(self._provider, CREATE_CARD, {"i": command}))["createCard"]
            assert card["state"] == "OPEN" and card["version"] == 1, card
            self._cards[index] = str(card["id"])

        async def decline(conn: Connection, index: int) -> None:
            command = {
                "cardId": self._cards[index],
                "action": "DECLINE",
                "expectedVersion": 1,
                "idempotencyKey": uuid.uuid4().hex,
            }
            card = (await conn.graphql(self._buyer, RESPOND_TO_CARD, {"i": command}))["respondToCard"]
            assert card["state"] == "DECLINED", card

        return dict(zip(CARD_OPERATIONS, (create, decline), strict=True))
