"""notifications (REST ``GET /v1/notifications``): a page of the caller's in-app feed, newest first."""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.notify.v1 import notify_pb2
from gateway.operation import After, BackendsDep, First, Operation, page_request
from gateway.shapes import ApiModel, ApiObject, Connection, Edge, UtcDateTime, connection, timestamp


class Notification(ApiModel):
    """One notification of the in-app feed."""

    id: str
    event_type: str
    title: str
    body: str
    channel: str
    status: str
    created_at: UtcDateTime
    order_id: str | None


class NotificationEdge(Edge[Notification]):
    """A notification and its cursor."""


class NotificationConnection(Connection[NotificationEdge]):
    """A page of the feed, newest first."""


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
        "orderId": message.order_id or None,
    }


router = APIRouter(tags=["notifications"])


@router.get("/notifications", response_model=NotificationConnection)
async def list_notifications(backends: BackendsDep, first: First = None, after: After = None) -> ApiObject:
    """The caller's in-app feed, newest first (GraphQL `notifications`)."""
    request = notify_pb2.ListNotificationsRequest(**page_request(first, after))
    response: notify_pb2.ListNotificationsResponse = await backends.call(backends.notify.ListNotifications, request)
    edges = ((edge.cursor, notification(edge.notification)) for edge in response.edges)
    return connection(edges, response.next_page_token)


OPERATION = Operation("Query.notifications", list_notifications, router)
