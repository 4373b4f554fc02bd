"""What the gateway can do, as calls into the services; GraphQL and REST are two faces of these.

Every function takes the backends keyword-only, acts for the current caller (see
``gateway.auth.acting_as``), returns API objects from ``gateway.convert`` and raises
``DomainError`` with the meaning the service gave it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from callsheet.clock.v1 import clock_pb2
from callsheet.notify.v1 import notify_pb2
from callsheet.orders.v1 import orders_pb2
from callsheet.payments.v1 import payments_pb2
from callsheet_kit.errors import DomainError, ErrorCode, failed_precondition, invalid_field, permission_denied
from callsheet_kit.identity import ADMIN, current_caller
from callsheet_kit.rpc import invoke
from gateway import convert
from gateway.backends import SERVICES, Backends
from gateway.convert import ApiObject

# Notification preference fields: API name → request field; quiet hours are cleared with "".
_PREFERENCE_FIELDS: dict[str, str] = {
    "timezone": "timezone",
    "quietHoursStart": "quiet_hours_start",
    "quietHoursEnd": "quiet_hours_end",
    "safeMode": "safe_mode",
    "email": "email",
    "push": "push",
}
_CLEARED_BY_NULL = frozenset({"quietHoursStart", "quietHoursEnd"})


async def create_quote(
    *,
    backends: Backends,
    provider_id: str,
    role_code: str,
    start_utc: datetime,
    end_utc: datetime,
    timezone: str,
    location: Any,
) -> ApiObject:
    """Prices a booking of a provider for the calling buyer."""
    if not isinstance(location, dict):
        raise invalid_field("location", "must be a JSON object")
    request = payments_pb2.CreateQuoteRequest(
        # Quotes are not idempotent in the API; each request is its own.
        request_id=f"gw_{uuid.uuid4().hex}",
        provider_id=provider_id,
        role_code=role_code,
        start_utc=convert.to_timestamp(start_utc),
        end_utc=convert.to_timestamp(end_utc),
        timezone=timezone,
        location_json=json.dumps(location, separators=(",", ":")),
    )
    response: payments_pb2.CreateQuoteResponse = await invoke(
        backends.payments.CreateQuote, request, timeout=backends.timeout
    )
    return convert.quote(response.quote)


async def checkout(*, backends: Backends, quote_id: str, payment_method_id: str, idempotency_key: str) -> ApiObject:
    """Turns a quote into an AUTHORIZED order."""
    request = orders_pb2.CheckoutRequest(
        request_id=idempotency_key, quote_id=quote_id, payment_method_id=payment_method_id
    )
    response: orders_pb2.CheckoutResponse = await invoke(backends.orders.Checkout, request, timeout=backends.timeout)
    return convert.order(response.order)


async def confirm_order(*, backends: Backends, order_id: str, expected_version: int, idempotency_key: str) -> ApiObject:
    """The provider accepts the booking."""
    request = orders_pb2.ConfirmOrderRequest(
        request_id=idempotency_key, order_id=order_id, expected_version=expected_version
    )
    response: orders_pb2.ConfirmOrderResponse = await invoke(
        backends.orders.ConfirmOrder, request, timeout=backends.timeout
    )
    return convert.order(response.order)


async def cancel_order(
    *, backends: Backends, order_id: str, expected_version: int, idempotency_key: str, reason: str | None
) -> ApiObject:
    """A participant cancels the order."""
    request = orders_pb2.CancelOrderRequest(
        request_id=idempotency_key, order_id=order_id, expected_version=expected_version, reason=reason or ""
    )
    response: orders_pb2.CancelOrderResponse = await invoke(
        backends.orders.CancelOrder, request, timeout=backends.timeout
    )
    return convert.order(response.order)


async def get_order(*, backends: Backends, order_id: str) -> ApiObject:
    """An order the caller takes part in (NOT_FOUND for anyone else)."""
    request = orders_pb2.GetOrderRequest(order_id=order_id)
    response: orders_pb2.GetOrderResponse = await invoke(backends.orders.GetOrder, request, timeout=backends.timeout)
    return convert.order(response.order)


async def list_orders(*, backends: Backends, first: int | None, after: str | None) -> ApiObject:
    """A page of the caller's orders, newest first."""
    request = orders_pb2.ListOrdersRequest(page_size=first or 0, page_token=after or "")
    response: orders_pb2.ListOrdersResponse = await invoke(
        backends.orders.ListOrders, request, timeout=backends.timeout
    )
    edges = [(edge.cursor, convert.order(edge.order)) for edge in response.edges]
    return convert.connection(edges, response.next_page_token)


async def list_timeline(*, backends: Backends, order_id: str, first: int | None, after: str | None) -> ApiObject:
    """A page of an order's timeline, oldest first."""
    request = orders_pb2.ListTimelineRequest(order_id=order_id, page_size=first or 0, page_token=after or "")
    response: orders_pb2.ListTimelineResponse = await invoke(
        backends.orders.ListTimeline, request, timeout=backends.timeout
    )
    edges = [(event.cursor, convert.timeline_event(event)) for event in response.events]
    return convert.connection(edges, response.next_page_token)


async def payment_summary(*, backends: Backends, order_id: str) -> ApiObject | None:
    """The money of an order, or None while it has no payment."""
    request = payments_pb2.GetPaymentSummaryRequest(order_id=order_id)
    try:
        response: payments_pb2.GetPaymentSummaryResponse = await invoke(
            backends.payments.GetPaymentSummary, request, timeout=backends.timeout
        )
    except DomainError as error:
        if error.code is ErrorCode.NOT_FOUND:
            return None
        raise
    return convert.payment_summary(response)


async def list_notifications(*, backends: Backends, first: int | None, after: str | None) -> ApiObject:
    """A page of the caller's in-app feed, newest first."""
    request = notify_pb2.ListNotificationsRequest(page_size=first or 0, page_token=after or "")
    response: notify_pb2.ListNotificationsResponse = await invoke(
        backends.notify.ListNotifications, request, timeout=backends.timeout
    )
    edges = [(edge.cursor, convert.notification(edge.notification)) for edge in response.edges]
    return convert.connection(edges, response.next_page_token)


async def get_preferences(*, backends: Backends) -> ApiObject:
    """The caller's notification preferences."""
    response: notify_pb2.GetPreferencesResponse = await invoke(
        backends.notify.GetPreferences, notify_pb2.GetPreferencesRequest(), timeout=backends.timeout
    )
    return convert.preferences(response.preferences)


async def update_preferences(*, backends: Backends, changes: Mapping[str, Any]) -> ApiObject:
    """Changes the preferences named in ``changes`` (API names); null clears quiet hours."""
    request = notify_pb2.UpdatePreferencesRequest()
    for name, value in changes.items():
        field = _PREFERENCE_FIELDS.get(name)
        if field is None:
            continue
        if value is None:
            if name not in _CLEARED_BY_NULL:
                continue  # null leaves a field that cannot be cleared as it is
            value = ""
        setattr(request, field, value)
    response: notify_pb2.UpdatePreferencesResponse = await invoke(
        backends.notify.UpdatePreferences, request, timeout=backends.timeout
    )
    return convert.preferences(response.preferences)


async def advance_clock(*, backends: Backends, seconds: int) -> datetime:
    """Moves every service's dev clock ``seconds`` ahead of the furthest one; returns the new now."""
    if not backends.settings.is_dev:
        raise failed_precondition("DEV_ONLY", "the clock can only be moved in dev and test")
    if ADMIN not in current_caller().roles:
        raise permission_denied("only an admin may move the clock")
    if seconds <= 0:
        raise invalid_field("seconds", "must be greater than 0")
    clocks: list[clock_pb2.GetClockResponse] = await asyncio.gather(
        *(
            invoke(backends.clock(service).GetClock, clock_pb2.GetClockRequest(), timeout=backends.timeout)
            for service in SERVICES
        )
    )
    # Services may have drifted apart (one restarted, say); move all of them to one offset.
    offset = max(clock.offset_seconds for clock in clocks) + seconds
    moved: list[clock_pb2.SetClockOffsetResponse] = await asyncio.gather(
        *(
            invoke(
                backends.clock(service).SetClockOffset,
                clock_pb2.SetClockOffsetRequest(offset_seconds=offset),
                timeout=backends.timeout,
            )
            for service in SERVICES
        )
    )
    return max(convert.timestamp(clock.now) for clock in moved)
