"""Reading cards: an order's cards and one card, each with what the reader can do on it now.

Who may read is ``access``: an order's cards are listed once orders let the caller see the order,
or for support reading on its own account, from cards' own records (an order with no cards has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callsheet_kit.errors import not_found
from callsheet_kit.uow import transactional
from services.cards.domain.card import Card, CardSnapshot
from services.cards.domain.model import CardState
from services.cards.usecases.access import may_read
from services.cards.usecases.ports import CardsUnitOfWork, Command


@dataclass(frozen=True)
class ListCards(Command):
    """Asks for an order's cards (of an order the caller may see)."""

    order_id: str
    states: frozenset[CardState] = frozenset()


@dataclass(frozen=True)
class GetCard(Command):
    """Asks for one card."""

    card_id: str


async def _snapshots(uow: CardsUnitOfWork, cards: Sequence[Card]) -> list[CardSnapshot]:
    responses = await uow.responses_of([card.card_id for card in cards])
    return [CardSnapshot(card, responses.get(card.card_id, [])) for card in cards]


@transactional()
async def list_cards(uow: CardsUnitOfWork, command: ListCards) -> list[CardSnapshot]:
    """An order's cards, oldest first, in the asked states."""
    cards = [
        card
        for card in await uow.cards_of(command.order_id)
        if not command.states or CardState(card.state) in command.states
    ]
    return await _snapshots(uow, cards)


@transactional()
async def get_card(uow: CardsUnitOfWork, command: GetCard) -> CardSnapshot:
    """A card for the order's participants, staff and support; NOT_FOUND for anyone else."""
    card = await uow.card(command.card_id) if command.card_id else None
    if card is None or not may_read(card, command.caller):
        raise not_found("card")
    [snapshot] = await _snapshots(uow, [card])
    return snapshot
