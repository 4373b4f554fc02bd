"""What every card type declares, and the payload checks several of them share.

A type is a ``CardKind``: who may create it, in which order states, how its create payload is
checked (into the normalized payload the card keeps), how long it stays open and what happens
when nobody answers, and the responses it takes, each with who may give it, how its payload is
checked and what it does to the card. Payload keys are camelCase, money integer cents; every
check records into one ``Violations`` under the field's path (``payload.slots[0].startUtc``), so
a caller learns about every bad field at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import json_text as text
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView, Party

Payload = dict[str, Any]
MAX_ITEMS = 50
MAX_ITEM_CENTS = 10_000_000
MAX_QUANTITY = 1_000
MAX_DESCRIPTION = 500
MAX_MEDIA = 100


class Responder(StrEnum):
    """Who may give a response."""

    COUNTERPART = "counterpart"  # the participant who did not create the card
    PROVIDER = "provider"
    EITHER = "either"


class Outcome(StrEnum):
    """What a response does to its card."""

    ACCEPTS = "accepts"  # the decision: the card is ACCEPTED and its effect runs
    DECLINES = "declines"  # the card is DECLINED
    SUPERSEDES = "supersedes"  # a counter-proposal: a new card replaces this one
    STAYS_OPEN = "stays_open"  # part of a loop (changes requested, a new round, evidence added)


class OnExpiry(StrEnum):
    """What happens to a card nobody answered in time."""

    EXPIRES = "expires"
    ACCEPTED = "accepted"  # the system accepts it (COMPLETE after 72 hours)


@dataclass(frozen=True)
class Context:
    """What a check may look at: the order, the card's creator and progress, the time."""

    order: OrderView
    now: datetime
    creator: Party | None = None
    card_payload: Mapping[str, Any] = field(default_factory=dict)
    progress: Mapping[str, Any] = field(default_factory=dict)


Check = Callable[[Violations, Any, Context], Payload]


@dataclass(frozen=True)
class ResponseRule:
    """One response a card type takes."""

    by: Responder
    check: Check
    outcome: Outcome


@dataclass(frozen=True)
class CardKind:
    """A card type's rules."""

    type: CardType
    creators: frozenset[Party]
    order_states: frozenset[OrderState]
    check_create: Check
    responses: Mapping[CardAction, ResponseRule]
    lifetime: Callable[[OrderView, datetime], timedelta | None]
    on_expiry: OnExpiry = OnExpiry.EXPIRES

    def outcome(self, action: CardAction, payload: Payload, progress: Mapping[str, Any]) -> Outcome:
        """What ``action`` does to a card of this type (a type may refine its rule's outcome)."""
        return self.responses[action].outcome


def currency(violations: Violations, field_name: str, value: Any, order: OrderView) -> str:
    """The order's currency, which the payload must name."""
    found = text(violations, field_name, value, required=True, max_length=3)
    if found and found.upper() != order.currency.upper():
        violations.add(field_name, f"must be {order.currency}, the order's currency")
    return found.upper()
