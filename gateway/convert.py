"""Proto messages as API objects: the one translation GraphQL and REST both serve.

The dicts use the public camelCase field names. Times stay ``datetime`` (UTC) and enums stay
proto enum values, so each edge renders them its own way: the GraphQL ``DateTime`` scalar and
enum bindings, or the REST models.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp

from callsheet.common.v1 import money_pb2
from callsheet.notify.v1 import notify_pb2
from callsheet.orders.v1 import orders_pb2
from callsheet.payments.v1 import payments_pb2

ApiObject = dict[str, Any]

ORDER_STATE_PREFIX = "ORDER_STATE_"
# The public OrderState names and their proto values, read from the proto so they cannot drift.
ORDER_STATES: dict[str, int] = {
    value.name.removeprefix(ORDER_STATE_PREFIX): value.number
    for value in orders_pb2.OrderState.DESCRIPTOR.values
    if value.number != orders_pb2.ORDER_STATE_UNSPECIFIED
}
ORDER_STATE_NAMES: dict[int, str] = {number: name for name, number in ORDER_STATES.items()}


def timestamp(value: Timestamp) -> datetime:
    """A proto timestamp as an aware UTC datetime."""
    return value.ToDatetime(tzinfo=UTC)


def to_timestamp(value: datetime) -> Timestamp:
    """An aware datetime as a proto timestamp."""
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp


def json_object(text: str) -> Any:
    """A JSON document a service stored as text; empty text is an empty object."""
    return json.loads(text) if text else {}


def money(value: money_pb2.Money, *, currency: str = "") -> ApiObject:
    """Money in minor units; an unset amount takes the given currency."""
    return {"amountCents": value.amount_cents, "currency": value.currency or currency}


def quote(message: payments_pb2.Quote) -> ApiObject:
    """A Quote."""
    price = message.price
    currency = price.total.currency
    return {
        "id": message.id,
        "providerId": message.provider_id,
        "roleCode": message.role_code,
        "subtotal": money(price.subtotal, currency=currency),
        "platformFee": money(price.platform_fee, currency=currency),
        "tax": money(price.tax, currency=currency),
        "deposit": money(price.deposit, currency=currency),
        "total": money(price.total, currency=currency),
        "policySnapshot": json_format.MessageToDict(message.policy, always_print_fields_with_no_presence=True),
        "expiresAt": timestamp(message.expires_at),
    }


def order(message: orders_pb2.Order) -> ApiObject:
    """An Order's own fields; its timeline, payment and cards are resolved on demand."""
    return {
        "id": message.id,
        "state": message.state,
        "version": message.version,
        "buyerId": message.buyer_id,
        "providerId": message.provider_id,
        "roleCode": message.role_code,
        "startUtc": timestamp(message.start_utc),
        "endUtc": timestamp(message.end_utc),
        "timezone": message.timezone,
        "location": json_object(message.location_json),
        "priceSnapshot": json_object(message.price_snapshot_json),
        "policySnapshot": json_object(message.policy_snapshot_json),
    }


def timeline_event(message: orders_pb2.TimelineEvent) -> ApiObject:
    """A TimelineEvent; the system acting shows as a null actor."""
    return {
        "id": message.id,
        "kind": message.kind,
        "subtype": message.subtype,
        "actorUserId": message.actor_user_id or None,
        "payload": json_object(message.payload_json),
        "createdAt": timestamp(message.created_at),
    }


def connection(edges: Sequence[tuple[str, ApiObject]], next_page_token: str) -> ApiObject:
    """A page of a list: edges with cursors, and whether there is more."""
    return {
        "edges": [{"cursor": cursor, "node": node} for cursor, node in edges],
        "pageInfo": {"hasNextPage": bool(next_page_token), "endCursor": edges[-1][0] if edges else None},
    }


def payment_summary(message: payments_pb2.GetPaymentSummaryResponse) -> ApiObject:
    """A PaymentSummary."""
    payment = message.payment
    currency = payment.authorized.currency
    return {
        "authorized": money(payment.authorized, currency=currency),
        "captured": money(payment.captured, currency=currency),
        "refunded": money(payment.refunded, currency=currency),
        "pendingExtras": money(message.pending_extras, currency=currency),
        "receipts": [receipt(item, currency=currency) for item in message.receipts],
    }


def receipt(message: payments_pb2.Receipt, *, currency: str) -> ApiObject:
    """A Receipt."""
    return {
        "id": message.id,
        "kind": message.kind,
        "total": money(message.total, currency=currency),
        # The payments API has no receipt documents yet; the field stays empty until it does.
        "downloadUrl": "",
        "createdAt": timestamp(message.created_at),
    }


def notification(message: notify_pb2.Notification) -> ApiObject:
    """A Notification of the in-app feed."""
    return {
        "id": message.id,
        "eventType": message.event_type,
        "title": message.title,
        "body": message.body,
        "channel": message.channel,
        "status": message.status,
        "createdAt": timestamp(message.created_at),
    }


def preferences(message: notify_pb2.Preferences) -> ApiObject:
    """NotificationPreferences; unset quiet hours are null."""
    return {
        "timezone": message.timezone,
        "quietHoursStart": message.quiet_hours_start or None,
        "quietHoursEnd": message.quiet_hours_end or None,
        "safeMode": message.safe_mode,
        "email": message.email,
        "push": message.push,
    }
