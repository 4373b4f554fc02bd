"""The /v1 routes: thin twins of the GraphQL operations over the same gateway operations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from callsheet_kit.identity import Caller
from gateway import operations
from gateway.auth import acting_as, caller_from_authorization
from gateway.backends import Backends
from gateway.rest.models import (
    AdvanceClockInput,
    CheckoutInput,
    ClockMoved,
    CreateQuoteInput,
    ErrorEnvelope,
    NotificationConnection,
    NotificationPreferences,
    NotificationPreferencesInput,
    Order,
    OrderCommandInput,
    OrderConnection,
    PaymentSummary,
    Quote,
    TimelineConnection,
)

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": description}
    for status, description in (
        (400, "INVALID_ARGUMENT: the input failed validation"),
        (401, "UNAUTHENTICATED: missing or invalid bearer token"),
        (403, "PERMISSION_DENIED"),
        (404, "NOT_FOUND: no such object, or the caller may not know it exists"),
        (409, "CONFLICT (stale expectedVersion) or IDEMPOTENCY_MISMATCH"),
        (412, "FAILED_PRECONDITION: the state does not allow this"),
        (503, "UNAVAILABLE: a service could not be reached"),
    )
}

First = Annotated[int | None, Query(ge=1, le=200, description="At most this many items")]
After = Annotated[str | None, Query(description="The endCursor of the previous page")]


def _backends(request: Request) -> Backends:
    backends: Backends = request.app.state.backends
    return backends


async def _authenticated(request: Request) -> AsyncIterator[Caller]:
    """Authenticates the bearer token and makes its caller current for the request."""
    caller = caller_from_authorization(request.headers.get("authorization"), secret=request.app.state.jwt_secret)
    with acting_as(caller):
        yield caller


BackendsDep = Annotated[Backends, Depends(_backends)]

router = APIRouter(prefix="/v1", dependencies=[Depends(_authenticated)], responses=_ERRORS)


@router.post("/quotes", response_model=Quote, tags=["orders"])
async def create_quote(body: CreateQuoteInput, backends: BackendsDep) -> dict[str, Any]:
    """Prices a booking of a provider for the calling buyer (GraphQL `createQuote`)."""
    return await operations.create_quote(
        backends=backends,
        provider_id=body.provider_id,
        role_code=body.role_code,
        start_utc=body.start_utc,
        end_utc=body.end_utc,
        timezone=body.timezone,
        location=body.location,
    )


@router.post("/checkout", response_model=Order, tags=["orders"])
async def checkout(body: CheckoutInput, backends: BackendsDep) -> dict[str, Any]:
    """Checks out a quote into an AUTHORIZED order (GraphQL `checkout`)."""
    return await operations.checkout(
        backends=backends,
        quote_id=body.quote_id,
        payment_method_id=body.payment_method_id,
        idempotency_key=body.idempotency_key,
    )


@router.get("/orders", response_model=OrderConnection, tags=["orders"])
async def list_orders(backends: BackendsDep, first: First = None, after: After = None) -> dict[str, Any]:
    """The caller's orders, newest first (GraphQL `orders`)."""
    return await operations.list_orders(backends=backends, first=first, after=after)


@router.get("/orders/{order_id}", response_model=Order, tags=["orders"])
async def get_order(order_id: str, backends: BackendsDep) -> dict[str, Any]:
    """An order the caller takes part in (GraphQL `order`)."""
    return await operations.get_order(backends=backends, order_id=order_id)


@router.get("/orders/{order_id}/timeline", response_model=TimelineConnection, tags=["orders"])
async def list_timeline(
    order_id: str, backends: BackendsDep, first: First = None, after: After = None
) -> dict[str, Any]:
    """The order's timeline, oldest first (GraphQL `Order.timeline`)."""
    return await operations.list_timeline(backends=backends, order_id=order_id, first=first, after=after)


@router.get("/orders/{order_id}/payment", response_model=PaymentSummary | None, tags=["orders"])
async def get_payment(order_id: str, backends: BackendsDep) -> dict[str, Any] | None:
    """The order's money, or null while it has no payment (GraphQL `Order.payment`)."""
    return await operations.payment_summary(backends=backends, order_id=order_id)


@router.post("/orders/{order_id}/confirm", response_model=Order, tags=["orders"])
async def confirm_order(order_id: str, body: OrderCommandInput, backends: BackendsDep) -> dict[str, Any]:
    """The provider confirms the booking (GraphQL `confirmOrder`)."""
    return await operations.confirm_order(
        backends=backends,
        order_id=order_id,
        expected_version=body.expected_version,
        idempotency_key=body.idempotency_key,
    )


@router.post("/orders/{order_id}/cancel", response_model=Order, tags=["orders"])
async def cancel_order(order_id: str, body: OrderCommandInput, backends: BackendsDep) -> dict[str, Any]:
    """A participant cancels the order (GraphQL `cancelOrder`)."""
    return await operations.cancel_order(
        backends=backends,
        order_id=order_id,
        expected_version=body.expected_version,
        idempotency_key=body.idempotency_key,
        reason=body.reason,
    )


@router.get("/notifications", response_model=NotificationConnection, tags=["notifications"])
async def list_notifications(backends: BackendsDep, first: First = None, after: After = None) -> dict[str, Any]:
    """The caller's in-app feed, newest first (GraphQL `notifications`)."""
    return await operations.list_notifications(backends=backends, first=first, after=after)


@router.get("/notification-preferences", response_model=NotificationPreferences, tags=["notifications"])
async def get_notification_preferences(backends: BackendsDep) -> dict[str, Any]:
    """The caller's notification preferences (GraphQL `notificationPreferences`)."""
    return await operations.get_preferences(backends=backends)


@router.patch("/notification-preferences", response_model=NotificationPreferences, tags=["notifications"])
async def update_notification_preferences(body: NotificationPreferencesInput, backends: BackendsDep) -> dict[str, Any]:
    """Changes the fields sent; null quiet hours clear them (GraphQL `updateNotificationPreferences`)."""
    changes = body.model_dump(by_alias=True, include=body.model_fields_set)
    return await operations.update_preferences(backends=backends, changes=changes)


@router.post("/dev/advance-clock", response_model=ClockMoved, tags=["dev"])
async def advance_clock(body: AdvanceClockInput, backends: BackendsDep) -> dict[str, Any]:
    """Moves every service's dev clock forward; dev only, admin only (GraphQL `advanceClock`)."""
    return {"now": await operations.advance_clock(backends=backends, seconds=body.seconds)}
