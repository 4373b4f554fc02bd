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
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import MAX_ID, check_text
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


def as_object(violations: Violations, field_name: str, value: Any) -> Mapping[str, Any]:
    """``value`` as a JSON object, or {} with a violation."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        violations.add(field_name, "must be a JSON object")
        return {}
    return value


def only_keys(violations: Violations, field_name: str, value: Mapping[str, Any], allowed: set[str]) -> None:
    """Records keys ``value`` may not carry."""
    for key in sorted(set(value) - allowed):
        violations.add(f"{field_name}.{key}", "is not a field of this payload")


def integer(violations: Violations, field_name: str, value: Any, *, low: int, high: int) -> int:
    """An integer in ``[low, high]`` (not a boolean), or 0 with a violation."""
    if isinstance(value, bool) or not isinstance(value, int):
        violations.add(field_name, "must be an integer")
        return 0
    if not low <= value <= high:
        violations.add(field_name, f"must be between {low} and {high}")
        return 0
    return value


def text(
    violations: Violations, field_name: str, value: Any, *, required: bool, max_length: int = MAX_DESCRIPTION
) -> str:
    """A text field (absent is "" when not required)."""
    if value is None:
        if required:
            violations.add(field_name, "is required")
        return ""
    if not isinstance(value, str):
        violations.add(field_name, "must be a string")
        return ""
    check_text(violations, field_name, value, max_length=max_length, required=required, multiline=True)
    return value


def boolean(violations: Violations, field_name: str, value: Any, *, default: bool | None = None) -> bool:
    """A boolean field; absent takes ``default`` (required when there is none)."""
    if value is None and default is not None:
        return default
    if not isinstance(value, bool):
        violations.add(field_name, "must be true or false")
        return False
    return value


def listing(violations: Violations, field_name: str, value: Any, *, low: int, high: int) -> list[Any]:
    """A JSON array of ``low`` to ``high`` elements, or [] with a violation."""
    if not isinstance(value, list):
        violations.add(field_name, "must be a list" if value is not None else "is required")
        return []
    if not low <= len(value) <= high:
        violations.add(field_name, f"must hold {low} to {high} items")
        return []
    return value


def utc(violations: Violations, field_name: str, value: Any) -> datetime | None:
    """An RFC 3339 time with an offset, in UTC."""
    if not isinstance(value, str):
        violations.add(field_name, "must be an RFC 3339 time" if value is not None else "is required")
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        violations.add(field_name, "must be an RFC 3339 time")
        return None
    if moment.tzinfo is None:
        violations.add(field_name, "must carry an offset (Z or ±hh:mm)")
        return None
    return moment.astimezone(UTC)


def media_id(violations: Violations, field_name: str, value: Any) -> str:
    """A media id from ``createMediaUpload``."""
    found = text(violations, field_name, value, required=True, max_length=MAX_ID)
    if found and not found.startswith("med_"):
        violations.add(field_name, "must be a media id from createMediaUpload (med_…)")
    return found


def currency(violations: Violations, field_name: str, value: Any, order: OrderView) -> str:
    """The order's currency, which the payload must name."""
    found = text(violations, field_name, value, required=True, max_length=3)
    if found and found.upper() != order.currency.upper():
        violations.add(field_name, f"must be {order.currency}, the order's currency")
    return found.upper()
