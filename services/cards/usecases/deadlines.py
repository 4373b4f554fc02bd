"""The cards' clock: reminders at ``due_at``, expiry at ``expires_at``, COMPLETE accepted after 72 hours,
and decided cards whose effect is still unapplied after five minutes escalated (``card.stuck.<type>``,
counted by ``callsheet.cards.stuck`` once the escalation commits; their saga keeps retrying).

A sweeper runs in every replica, on the service clock (``advanceClock`` moves it): each pass
locks the cards that are due with ``SKIP LOCKED``, so replicas share the work and a card is
reminded or expired once. What an expiry sets off in other services (releasing a reschedule's
holds, completing the order) follows from the card's new state like any decision's effect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from services.cards.domain.card import STUCK_AFTER
from services.cards.domain.model import CardState, CardType
from services.cards.usecases.effects import effects_of
from services.cards.usecases.ports import CardsUnitOfWork

BATCH = 50
# How far a COMPLETE's acceptance by the system is put off while a dispute of its order is open.
DISPUTE_POSTPONEMENT = timedelta(days=1)
log = logging.getLogger(__name__)


async def sweep_deadlines(uow_factory: Callable[[], CardsUnitOfWork]) -> int:
    """Reminds and expires the cards whose time has come; returns how many changed."""
    async with uow_factory() as uow:
        changed = 0
        for card in await uow.cards_stuck(uow.now - STUCK_AFTER, limit=BATCH):
            if card.escalate(now=uow.now):
                log.error(
                    "card %s (%s) of order %s is stuck: its effect is unapplied", card.card_id, card.type, card.order_id
                )
                changed += 1
        for card in await uow.cards_due(uow.now, limit=BATCH):
            expiring = card.expires_at is not None and card.expires_at <= uow.now
            if expiring and card.type is CardType.COMPLETE and await uow.dispute_open(card.order_id):
                card.postpone(until=uow.now + DISPUTE_POSTPONEMENT, now=uow.now)  # frozen while disputed
                continue
            if card.expire(now=uow.now):
                await effects_of(uow, card, was=CardState.OPEN)
                changed += 1
            elif card.remind(now=uow.now):
                changed += 1
        await uow.commit()
    await uow.run_after_commit()  # the effects of expiries start now, not when their lease lapses
    return changed
