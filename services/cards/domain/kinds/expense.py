"""EXPENSE: the provider claims costs with their receipts; the buyer approves (charged with the
final settlement, paid to the provider with the payout) or declines. Open 7 days; allowed until
the payout is released (payments refuses it after)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import as_object, integer, listing, media_id, only_keys
from callsheet_kit.validation import json_text as text
from services.cards.domain.kinds.base import (
    MAX_ITEM_CENTS,
    MAX_ITEMS,
    CardKind,
    Context,
    Outcome,
    Payload,
    Responder,
    ResponseRule,
    currency,
)
from services.cards.domain.kinds.extras import check_nothing
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView, Party

LIFETIME = timedelta(days=7)
MAX_CATEGORY = 60


def check_create(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"items": [{"category", "description", "amountCents", "receiptMediaId"}…], "currency"}``."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"items", "currency"})
    items = []
    for index, raw in enumerate(listing(violations, "payload.items", payload.get("items"), low=1, high=MAX_ITEMS)):
        at = f"payload.items[{index}]"
        item = as_object(violations, at, raw)
        only_keys(violations, at, item, {"category", "description", "amountCents", "receiptMediaId"})
        items.append(
            {
                "category": text(
                    violations, f"{at}.category", item.get("category"), required=True, max_length=MAX_CATEGORY
                ),
                "description": text(violations, f"{at}.description", item.get("description"), required=True),
                "amountCents": integer(
                    violations, f"{at}.amountCents", item.get("amountCents"), low=1, high=MAX_ITEM_CENTS
                ),
                "receiptMediaId": media_id(violations, f"{at}.receiptMediaId", item.get("receiptMediaId")),
            }
        )
    return {
        "items": items,
        "currency": currency(violations, "payload.currency", payload.get("currency"), context.order),
    }


def lifetime(order: OrderView, now: datetime) -> timedelta:
    """7 days."""
    return LIFETIME


EXPENSE = CardKind(
    type=CardType.EXPENSE,
    creators=frozenset({Party.PROVIDER}),
    order_states=frozenset({OrderState.CONFIRMED, OrderState.IN_PROGRESS, OrderState.COMPLETED}),
    check_create=check_create,
    responses={
        CardAction.APPROVE: ResponseRule(Responder.COUNTERPART, check_nothing, Outcome.ACCEPTS),
        CardAction.DECLINE: ResponseRule(Responder.COUNTERPART, check_nothing, Outcome.DECLINES),
    },
    lifetime=lifetime,
)
