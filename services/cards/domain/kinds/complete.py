"""COMPLETE: either participant says the work is done; the counterpart approves or declines (with a reason).

Approved, the order is COMPLETED: the reviews window opens and the provider's payout is
scheduled. Unanswered for 72 hours, the system approves it (actor null). It cannot be opened
while a RESCHEDULE is open, nor a RESCHEDULE while it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import as_object, only_keys
from callsheet_kit.validation import json_text as text
from services.cards.domain.kinds.base import CardKind, Context, OnExpiry, Outcome, Payload, Responder, ResponseRule
from services.cards.domain.kinds.extras import check_nothing
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView, Party

LIFETIME = timedelta(hours=72)


def check_create(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"note"?}``."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"note"})
    note = text(violations, "payload.note", payload.get("note"), required=False)
    return {"note": note} if note else {}


def check_decline(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"reason"}``: a decline says why."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"reason"})
    return {"reason": text(violations, "payload.reason", payload.get("reason"), required=True)}


def lifetime(order: OrderView, now: datetime) -> timedelta:
    """72 hours, then it is approved by the system."""
    return LIFETIME


COMPLETE = CardKind(
    type=CardType.COMPLETE,
    creators=frozenset({Party.BUYER, Party.PROVIDER}),
    order_states=frozenset({OrderState.IN_PROGRESS}),
    check_create=check_create,
    responses={
        CardAction.APPROVE: ResponseRule(Responder.COUNTERPART, check_nothing, Outcome.ACCEPTS),
        CardAction.DECLINE: ResponseRule(Responder.COUNTERPART, check_decline, Outcome.DECLINES),
    },
    lifetime=lifetime,
    on_expiry=OnExpiry.ACCEPTED,
)
