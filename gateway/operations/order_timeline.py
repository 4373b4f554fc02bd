"""Order.timeline (REST ``GET /v1/orders/{id}/timeline``): a page of an order's timeline, oldest first.

Orders answers NOT_FOUND to anyone who may not see the order.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from callsheet.orders.v1 import orders_pb2
from gateway.operation import After, BackendsDep, First, Operation, OrderId, page_request
from gateway.shapes import ApiModel, ApiObject, Connection, Edge, UtcDateTime, connection, json_object, timestamp


class TimelineEvent(ApiModel):
    """One entry of an order's timeline."""

    id: str
    kind: str
    subtype: str
    actor_user_id: str | None
    payload: Any
    created_at: UtcDateTime


class TimelineEdge(Edge[TimelineEvent]):
    """A timeline event and its cursor."""


class TimelineConnection(Connection[TimelineEdge]):
    """A page of a timeline, oldest first."""


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


router = APIRouter(tags=["orders"])


@router.get("/orders/{order_id}/timeline", response_model=TimelineConnection)
async def list_timeline(
    backends: BackendsDep, order_id: OrderId, first: First = None, after: After = None
) -> ApiObject:
    """The order's timeline, oldest first (GraphQL `Order.timeline`)."""
    request = orders_pb2.ListTimelineRequest(order_id=order_id, **page_request(first, after))
    response: orders_pb2.ListTimelineResponse = await backends.call(backends.orders.ListTimeline, request)
    return timeline_connection(response)


def timeline_connection(page: orders_pb2.ListTimelineResponse) -> ApiObject:
    """A TimelineConnection of a page of a timeline."""
    return connection(((event.cursor, timeline_event(event)) for event in page.events), page.next_page_token)


OPERATION = Operation("Order.timeline", list_timeline, router)
