"""The cards' clock: reminders at ``due_at``, expiry at ``expires_at``, COMPLETE accepted after 72 hours.

A sweeper runs in every replica, on the service clock (``advanceClock`` moves it): each pass
locks the cards that are due with ``SKIP LOCKED``, so replicas share the work and a card is
reminded or expired once. What an expiry sets off in other services (releasing a reschedule's
holds, completing the order) follows from the card's new state like any decision's effect.
"""

from __future__ import annotations

from collections.abc import Callable

from services.cards.domain.model import CardState
from services.cards.usecases.effects import effects_of
from services.cards.usecases.ports import CardsUnitOfWork

BATCH = 50


async def sweep_deadlines(uow_factory: Callable[[], CardsUnitOfWork]) -> int:
    """Reminds and expires the cards whose time has come; returns how many changed."""
    async with uow_factory() as uow:
        changed = 0
        for card in await uow.cards_due(uow.now, limit=BATCH):
            if card.expire(now=uow.now):
                await effects_of(uow, card, was=CardState.OPEN)
                changed += 1
            elif card.remind(now=uow.now):
                changed += 1
        await uow.commit()
        return changed
