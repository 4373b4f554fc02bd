"""EXTRAS: the provider adds items; the buyer accepts (and is charged, with a receipt) or declines.

Charged off-session through payments at the quote's fee and tax rates; open 48 hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from callsheet_kit.errors import Violations
from callsheet_kit.validation import as_object, integer, listing, only_keys
from callsheet_kit.validation import json_text as text
from services.cards.domain.kinds.base import (
    MAX_ITEM_CENTS,
    MAX_ITEMS,
    MAX_QUANTITY,
    CardKind,
    Context,
    Outcome,
    Payload,
    Responder,
    ResponseRule,
    currency,
)
from services.cards.domain.model import CardAction, CardType, OrderState, OrderView, Party

LIFETIME = timedelta(hours=48)


def check_create(violations: Violations, value: Any, context: Context) -> Payload:
    """``{"items": [{"description", "quantity", "unitAmountCents"}…], "currency"}``."""
    payload = as_object(violations, "payload", value)
    only_keys(violations, "payload", payload, {"items", "currency"})
    items = []
    for index, raw in enumerate(listing(violations, "payload.items", payload.get("items"), low=1, high=MAX_ITEMS)):
        at = f"payload.items[{index}]"
        item = as_object(violations, at, raw)
        only_keys(violations, at, item, {"description", "quantity", "unitAmountCents"})
        items.append(
            {
                "description": text(violations, f"{at}.description", item.get("description"), required=True),
                "quantity": integer(violations, f"{at}.quantity", item.get("quantity"), low=1, high=MAX_QUANTITY),
                "unitAmountCents": integer(
                    violations, f"{at}.unitAmountCents", item.get("unitAmountCents"), low=1, high=MAX_ITEM_CENTS
                ),
            }
        )
    return {
        "items": items,
        "currency": currency(violations, "payload.currency", payload.get("currency"), context.order),
    }


def check_nothing(violations: Violations, value: Any, context: Context) -> Payload:
    """No payload (or an empty object)."""
    only_keys(violations, "payload", as_object(violations, "payload", value), set())
    return {}


def subtotal_cents(payload: Payload) -> int:
    """What the items come to, before fee and tax."""
    return sum(int(item["quantity"]) * int(item["unitAmountCents"]) for item in payload["items"])


def lifetime(order: OrderView, now: datetime) -> timedelta:
    """48 hours."""
    return LIFETIME


EXTRAS = CardKind(
    type=CardType.EXTRAS,
    creators=frozenset({Party.PROVIDER}),
    order_states=frozenset({OrderState.CONFIRMED, OrderState.IN_PROGRESS}),
    check_create=check_create,
    responses={
        CardAction.ACCEPT: ResponseRule(Responder.COUNTERPART, check_nothing, Outcome.ACCEPTS),
        CardAction.DECLINE: ResponseRule(Responder.COUNTERPART, check_nothing, Outcome.DECLINES),
    },
    lifetime=lifetime,
)
