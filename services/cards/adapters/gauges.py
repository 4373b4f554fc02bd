"""The cards gauges, sampled every 30 seconds from the live cards alone.

Two statements, each served by its state's partial index (``ix_card_expiring`` for OPEN cards,
``ix_card_accepted`` for ACCEPTED ones): final cards are never scanned, as
``callsheet_cards_closed_total`` counts them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.metrics import GaugeQuery, Reading, SampledGauge, seconds_since
from services.cards.adapters.tables import card_table
from services.cards.domain.card import STUCK_AFTER
from services.cards.domain.model import CardState, CardType

# An OPEN card this long past its ``expires_at`` is one the sweeper (every second) has missed.
EXPIRY_GRACE = timedelta(minutes=1)
LIVE_STATES = (CardState.OPEN, CardState.ACCEPTED)

_TYPES = [{"type": card_type.value} for card_type in CardType]

CARDS_BY_STATE = SampledGauge(
    "callsheet.cards.by_state",
    "Live cards (OPEN and ACCEPTED) by type and state",
    labels=[{**of_type, "state": state.value} for of_type in _TYPES for state in LIVE_STATES],
)
# Named the Prometheus way: ``callsheet.cards.stuck`` is already the escalations' counter.
CARDS_STUCK = SampledGauge(
    "callsheet_cards_stuck", "Cards ACCEPTED for more than 5 minutes and not closed, escalated or not", labels=_TYPES
)
CARDS_ACCEPTED_OLDEST = SampledGauge(
    "callsheet.cards.accepted_oldest", "Age of the oldest ACCEPTED card (0 when none)", unit="s", labels=_TYPES
)
CARDS_EXPIRY_OVERDUE = SampledGauge(
    "callsheet.cards.expiry_overdue", "OPEN cards more than a minute past their expiry", labels=_TYPES
)


async def _read(session: AsyncSession, now: datetime) -> list[Reading]:
    card = card_table
    readings: list[Reading] = []
    open_cards = await session.execute(
        select(card.c.type, func.count(), func.count().filter(card.c.expires_at < now - EXPIRY_GRACE))
        .where(card.c.state == CardState.OPEN)
        .group_by(card.c.type)
    )
    for card_type, count, overdue in open_cards:
        of_type = CardType(card_type).value
        readings.append(CARDS_BY_STATE.reading(count, type=of_type, state=CardState.OPEN.value))
        readings.append(CARDS_EXPIRY_OVERDUE.reading(overdue, type=of_type))
    accepted_cards = await session.execute(
        select(
            card.c.type,
            func.count(),
            func.count().filter(card.c.accepted_at < now - STUCK_AFTER),
            func.min(card.c.accepted_at),
        )
        .where(card.c.state == CardState.ACCEPTED)
        .group_by(card.c.type)
    )
    for card_type, count, stuck, oldest in accepted_cards:
        of_type = CardType(card_type).value
        readings.append(CARDS_BY_STATE.reading(count, type=of_type, state=CardState.ACCEPTED.value))
        readings.append(CARDS_STUCK.reading(stuck, type=of_type))
        readings.append(CARDS_ACCEPTED_OLDEST.reading(seconds_since(oldest, now), type=of_type))
    return readings


CARD_GAUGES = GaugeQuery([CARDS_BY_STATE, CARDS_STUCK, CARDS_ACCEPTED_OLDEST, CARDS_EXPIRY_OVERDUE], _read)
