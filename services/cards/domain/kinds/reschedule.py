"""RESCHEDULE: either participant proposes one to five new slots; the counterpart picks one, declines or counters.

On create each slot gets a calendar hold (orders checks it against the provider's confirmed
events); ACCEPT turns the chosen hold into the order's event and releases the others; COUNTER
makes a new RESCHEDULE card by the responder and supersedes this one; a decline, an expiry or a
cancellation releases every hold. It expires 48 hours after creation, or 2 hours before the
order's current start when that is earlier and still ahead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import as_object, integer, listing, only_keys, utc
from callsheet_kit.validation import json_text as text
from services.cards.domain.kinds.base import CardKind, Context, Outcome, Payload, Responder, ResponseRule
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView, Party

MAX_SLOTS = 5
LIFETIME = timedelta(hours=48)
BEFORE_START = timedelta(hours=2)


def check_slots(violations: Violations, field_name: str, value: Any, context: Context) -> list[dict[str, str]]:
    """1 to 5 future slots, each as long as the order, none overlapping another."""
    order, slots = context.order, []
    duration = order.end_utc - order.start_utc
    seen: list[tuple[datetime, datetime]] = []
    for index, raw in enumerate(listing(violations, field_name, value, low=1, high=MAX_SLOTS)):
        at = f"{field_name}[{index}]"
        slot = as_object(violations, at, raw)
        only_keys(violations, at, slot, {"startUtc", "endUtc"})
        start, end = (
            utc(violations, f"{at}.startUtc", slot.get("startUtc")),
            utc(violations, f"{at}.endUtc", slot.get("endUtc")),
        )
        if start is None or end is None:
            continue
        if start <= context.now:
            violations.add(f"{at}.startUtc", "must be in the future")
        elif end - start != duration:
            violations.add(
                f"{at}.endUtc",
                f"the slot must last as long as the order ({int(duration.total_seconds() // 60)} minutes)",
            )
        elif any(start < other_end and other_start < end for other_start, other_end in seen):
            violations.add(at, "overlaps another proposed slot")
        elif start == order.start_utc:
            violations.add(f"{at}.startUtc", "is the order's current slot")
        seen.append((start, end))
        slots.append({"startUtc": _rfc3339(start), "endUtc": _rfc3339(end)})
    return slots


def _rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def check_create(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"slots": [...], "reason"?}``."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"slots", "reason"})
    slots = check_slots(violations, "payload.slots", payload.get("slots"), context)
    reason = text(violations, "payload.reason", payload.get("reason"), required=False)
    return {"slots": slots, **({"reason": reason} if reason else {})}


def check_accept(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"slotIndex": n}``, one of the card's slots."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"slotIndex"})
    slots = context.card_payload.get("slots", [])
    index = integer(violations, "payload.slotIndex", payload.get("slotIndex"), low=0, high=max(0, len(slots) - 1))
    return {"slotIndex": index}


def check_decline(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"reason"?}``."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"reason"})
    reason = text(violations, "payload.reason", payload.get("reason"), required=False)
    return {"reason": reason} if reason else {}


def check_counter(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"slots": [...]}``: the responder's own proposal."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"slots"})
    return {"slots": check_slots(violations, "payload.slots", payload.get("slots"), context)}


def lifetime(order: OrderView, now: datetime) -> timedelta:
    """48 hours, or until 2 hours before the current start when that is earlier and still ahead."""
    before_start = order.start_utc - BEFORE_START
    if now < before_start < now + LIFETIME:
        return before_start - now
    return LIFETIME


RESCHEDULE = CardKind(
    type=CardType.RESCHEDULE,
    creators=frozenset({Party.BUYER, Party.PROVIDER}),
    order_states=frozenset({OrderState.AUTHORIZED, OrderState.CONFIRMED, OrderState.IN_PROGRESS}),
    check_create=check_create,
    responses={
        CardAction.ACCEPT: ResponseRule(Responder.COUNTERPART, check_accept, Outcome.ACCEPTS),
        CardAction.DECLINE: ResponseRule(Responder.COUNTERPART, check_decline, Outcome.DECLINES),
        CardAction.COUNTER: ResponseRule(Responder.COUNTERPART, check_counter, Outcome.SUPERSEDES),
    },
    lifetime=lifetime,
)
