"""What cards counts: cards opened, decided, expired, reopened, closed and escalated, and how long
``CreateCard``, ``RespondToCard`` and a decision take.

The counters follow the card's own events, once they are committed (``SqlCardsUnitOfWork``
hands each one to ``count_card_event``): every path that changes a card (an answer, the deadline
sweeper, an effect's end, an order's cancellation, support) is counted the same way, and a
repeated click that changes nothing counts nothing.

A decision is what ends a card's OPEN life: ``accepted`` (a COMPLETE accepted by the system after
72 hours included), ``declined``, ``countered``, ``expired``, ``cancelled`` by its creator,
``withdrawn`` by the system (its order was cancelled, or its dispute was refused) and, for a
DISPUTE card, ``resolved`` by support. A card reopened after a refusal is decided again; its time
to decision still runs from when it was opened.
"""

from __future__ import annotations

from enum import StrEnum

from callsheet_kit.domain import DomainEvent
from callsheet_kit.metrics import counter, histogram
from services.cards.domain.card import Card, CardClosed, CardReopened, CardRequested, CardResponded, CardStuck
from services.cards.domain.model import FINAL_STATES, CardState, CardType


class Decision(StrEnum):
    """How a card's OPEN life ended (the ``outcome`` label)."""

    ACCEPTED = "accepted"
    DECLINED = "declined"
    COUNTERED = "countered"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"
    RESOLVED = "resolved"


# The bounds of the time to decision: a minute, 5 and 15 minutes, an hour, 4, 12, 24, 48 and 72 hours, a week.
DECISION_BUCKETS = (60.0, 300.0, 900.0, 3600.0, 14_400.0, 43_200.0, 86_400.0, 172_800.0, 259_200.0, 604_800.0)
# What the responses that decide say about the card's OPEN life.
_DECIDED_BY_RESPONSE = {
    CardState.ACCEPTED: Decision.ACCEPTED,
    CardState.DECLINED: Decision.DECLINED,
    CardState.SUPERSEDED: Decision.COUNTERED,
}
# The label of a type or action a refused request did not name (or named wrongly).
UNKNOWN = "unknown"

_TYPES = [{"type": card_type.value} for card_type in CardType]

created = counter("callsheet.cards.created", "Cards opened", from_zero=_TYPES)
decided = counter(
    "callsheet.cards.decided",
    "Decisions on OPEN cards, by outcome",
    from_zero=[{**of_type, "outcome": outcome.value} for of_type in _TYPES for outcome in Decision],
)
expired = counter("callsheet.cards.expired", "Cards the deadline sweeper expired", from_zero=_TYPES)
reopened = counter(
    "callsheet.cards.reopened", "Accepted cards reopened because an owner refused the effect", from_zero=_TYPES
)
closed = counter(
    "callsheet.cards.closed",
    "Cards that reached a final state",
    from_zero=[{**of_type, "state": state.value} for of_type in _TYPES for state in FINAL_STATES],
)
stuck = counter(
    "callsheet.cards.stuck", "Decided cards whose effect was not applied within five minutes", from_zero=_TYPES
)
create_seconds = histogram("callsheet.cards.create", "CreateCard in the cards service, the order's read included")
respond_seconds = histogram(
    "callsheet.cards.respond", "RespondToCard in the cards service, the card's and the order's reads included"
)
decision_seconds = histogram(
    "callsheet.cards.decision", "From a card's opening to its decision", buckets=DECISION_BUCKETS
)


def _decision(card: Card, event: DomainEvent) -> Decision | None:
    """The decision ``event`` made on ``card``, if it made one."""
    if isinstance(event, CardResponded):
        return _DECIDED_BY_RESPONSE.get(event.state)
    if not isinstance(event, CardClosed):
        return None
    if event.state is CardState.EXPIRED:
        return Decision.EXPIRED
    # Only an OPEN card is closed without ever having been accepted (an accepted one keeps its
    # ``accepted_at``): the card's creator cancelled it, the system withdrew it, support resolved it.
    if card.accepted_at is not None:
        return None
    if event.state is CardState.CANCELLED:
        return Decision.CANCELLED if event.actor else Decision.WITHDRAWN
    if event.state is CardState.CLOSED:
        return Decision.RESOLVED
    return None


def count_card_event(card: Card, event: DomainEvent) -> None:
    """Counts one committed event of a card."""
    labels = {"type": CardType(card.type).value}
    if isinstance(event, CardRequested):
        created.add(1, labels)
    elif isinstance(event, CardReopened):
        reopened.add(1, labels)
    elif isinstance(event, CardStuck):
        stuck.add(1, labels)
    elif isinstance(event, CardClosed):
        closed.add(1, {**labels, "state": event.state.value})
        if event.state is CardState.EXPIRED:
            expired.add(1, labels)
    decision = _decision(card, event)
    if decision is not None:
        outcome = {**labels, "outcome": decision.value}
        decided.add(1, outcome)
        decision_seconds.record(max((event.occurred_at - card.created_at).total_seconds(), 0.0), outcome)
