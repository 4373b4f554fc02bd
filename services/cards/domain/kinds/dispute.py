"""DISPUTE: either participant disputes the booking, within the policy's days after its end.

On create the order becomes DISPUTED, the provider's payout is frozen and a BOOKING_DISPUTE
support case is requested with an evidence pack. Either participant may add evidence (UPLOAD)
while it is open; it closes when support resolves the case. It does not expire.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import as_object, integer, listing, media_id, only_keys
from callsheet_kit.validation import json_text as text
from services.cards.domain.kinds.base import (
    MAX_ITEM_CENTS,
    MAX_MEDIA,
    CardKind,
    Context,
    Outcome,
    Payload,
    Responder,
    ResponseRule,
)
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView, Party

REASONS = ("no_show", "quality", "late", "safety", "payment", "other")


def _media(violations: Violations, field_name: str, value: Any) -> list[str]:
    if value is None:
        return []
    return [
        media_id(violations, f"{field_name}[{index}]", item)
        for index, item in enumerate(listing(violations, field_name, value, low=1, high=MAX_MEDIA))
    ]


def check_create(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"reason", "description", "requestedRefundCents"?, "evidenceMediaIds"?}``, within the window."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"reason", "description", "requestedRefundCents", "evidenceMediaIds"})
    reason = payload.get("reason")
    if reason not in REASONS:
        violations.add("payload.reason", f"must be one of {', '.join(REASONS)}")
    made: Payload = {
        "reason": reason if reason in REASONS else "",
        "description": text(violations, "payload.description", payload.get("description"), required=True),
    }
    if payload.get("requestedRefundCents") is not None:
        made["requestedRefundCents"] = integer(
            violations, "payload.requestedRefundCents", payload.get("requestedRefundCents"), low=0, high=MAX_ITEM_CENTS
        )
    evidence = _media(violations, "payload.evidenceMediaIds", payload.get("evidenceMediaIds"))
    if evidence:
        made["evidenceMediaIds"] = evidence
    return made


def check_upload(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"mediaIds", "note"?}``: more evidence."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"mediaIds", "note"})
    ids = [
        media_id(violations, f"payload.mediaIds[{index}]", item)
        for index, item in enumerate(
            listing(violations, "payload.mediaIds", payload.get("mediaIds"), low=1, high=MAX_MEDIA)
        )
    ]
    note = text(violations, "payload.note", payload.get("note"), required=False)
    return {"mediaIds": ids, **({"note": note} if note else {})}


def window_closes(order: OrderView) -> datetime:
    """When a dispute can no longer be opened: the policy's days after the end."""
    return order.end_utc + timedelta(days=order.dispute_window_days)


def lifetime(order: OrderView, now: datetime) -> None:
    """Open until support resolves it."""
    return None


DISPUTE = CardKind(
    type=CardType.DISPUTE,
    creators=frozenset({Party.BUYER, Party.PROVIDER}),
    order_states=frozenset({OrderState.IN_PROGRESS, OrderState.COMPLETED}),
    check_create=check_create,
    responses={CardAction.UPLOAD: ResponseRule(Responder.EITHER, check_upload, Outcome.STAYS_OPEN)},
    lifetime=lifetime,
)
