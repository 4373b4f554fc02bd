"""notificationDeliveries and retryNotificationDelivery (REST ``GET /v1/admin/notification-deliveries``,
``POST /v1/admin/notification-deliveries/{id}/retry``): the delivery log for support agents and
admins, and sending a dead letter again (admins). Notify decides who may: PERMISSION_DENIED otherwise."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from callsheet.notify.v1 import notify_pb2
from gateway.inputs import check_arguments
from gateway.operation import After, BackendsDep, First, Operation, page_request
from gateway.shapes import ApiModel, ApiObject, Connection, Edge, UtcDateTime, connection, timestamp


class NotificationDelivery(ApiModel):
    """One notification of one event to one user on one channel, with its attempts and outcome."""

    id: str
    user_id: str
    event_id: str
    event_type: str
    channel: str
    status: str
    category: str
    title: str
    order_id: str | None
    attempts: int
    last_error: str | None
    created_at: UtcDateTime
    sent_at: UtcDateTime | None
    next_attempt_at: UtcDateTime | None
    hold_until: UtcDateTime | None
    digest_id: str | None


class NotificationDeliveryEdge(Edge[NotificationDelivery]):
    """A delivery and its cursor."""


class NotificationDeliveryConnection(Connection[NotificationDeliveryEdge]):
    """A page of the delivery log, newest first."""


def delivery(message: notify_pb2.Delivery) -> ApiObject:
    """A NotificationDelivery."""

    def when(name: str) -> datetime | None:
        return timestamp(getattr(message, name)) if message.HasField(name) else None

    return {
        "id": message.id,
        "userId": message.user_id,
        "eventId": message.event_id,
        "eventType": message.event_type,
        "channel": message.channel,
        "status": message.status,
        "category": message.category,
        "title": message.title,
        "orderId": message.order_id or None,
        "attempts": message.attempts,
        "lastError": message.last_error or None,
        "createdAt": timestamp(message.created_at),
        "sentAt": when("sent_at"),
        "nextAttemptAt": when("next_attempt_at"),
        "holdUntil": when("hold_until"),
        "digestId": message.digest_id or None,
    }


router = APIRouter(tags=["admin"])


@router.get("/admin/notification-deliveries", response_model=NotificationDeliveryConnection)
async def notification_deliveries(
    backends: BackendsDep,
    first: First = None,
    after: After = None,
    userId: Annotated[str | None, Query(description="Only this user's")] = None,
    status: Annotated[str | None, Query(description="pending, held, sent, digested, skipped or dead_letter")] = None,
    channel: Annotated[str | None, Query(description="in_app, email or push")] = None,
    orderId: Annotated[str | None, Query(description="Only this order's")] = None,
) -> ApiObject:
    """The delivery log, newest first (GraphQL `notificationDeliveries`)."""
    check_arguments({"userId": userId, "status": status, "channel": channel, "orderId": orderId})
    request = notify_pb2.ListDeliveriesRequest(
        user_id=userId or "",
        status=status or "",
        channel=channel or "",
        order_id=orderId or "",
        **page_request(first, after),
    )
    response: notify_pb2.ListDeliveriesResponse = await backends.call(backends.notify.ListDeliveries, request)
    return connection(((edge.cursor, delivery(edge.delivery)) for edge in response.edges), response.next_page_token)


@router.post("/admin/notification-deliveries/{delivery_id}/retry", response_model=NotificationDelivery)
async def retry_delivery(
    backends: BackendsDep, delivery_id: Annotated[str, Path(description="The delivery's id")]
) -> ApiObject:
    """Sends a dead letter again with a fresh budget (GraphQL `retryNotificationDelivery`)."""
    return await retry_notification_delivery(backends, delivery_id)


async def retry_notification_delivery(backends: BackendsDep, id: str) -> ApiObject:
    """Sends a dead letter again with a fresh budget of attempts (admins)."""
    check_arguments({"id": id})
    response: notify_pb2.RetryDeliveryResponse = await backends.call(
        backends.notify.RetryDelivery, notify_pb2.RetryDeliveryRequest(id=id)
    )
    return delivery(response.delivery)


OPERATION = Operation("Query.notificationDeliveries", notification_deliveries, router)
RETRY = Operation("Mutation.retryNotificationDelivery", retry_notification_delivery)
