"""What an order's own changes do to its cards: a cancelled order withdraws its open cards, and a
card whose effect is running is withdrawn rather than reopened if its owner refuses it.

Orders releases the order's calendar holds itself when it is cancelled; the withdrawn cards'
release of their holds that follows is then a no-op at orders.
"""

from __future__ import annotations

from typing import Any

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from services.cards.domain.model import CardState
from services.cards.usecases.effects import effects_of
from services.cards.usecases.ports import CardsUnitOfWork


async def order_cancelled(uow: CardsUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """Withdraws every OPEN card of the cancelled order (by the system)."""
    await uow.lock_order(envelope.subject)
    for card in await uow.open_cards_of(envelope.subject):
        if card.withdraw(now=uow.now):
            await effects_of(uow, card, was=CardState.OPEN)
    for card in await uow.accepted_cards_of(envelope.subject):
        card.order_cancelled()  # should its effect be refused now, the card is withdrawn, not reopened
