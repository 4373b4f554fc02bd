"""Rows of orders as protobuf messages."""

from __future__ import annotations

import json
from typing import Any

from callsheet.orders.v1 import orders_pb2
from callsheet_kit.paging import encode_cursor
from callsheet_kit.proto import timestamp
from services.orders.adapters.tables import OrderRow, TimelineEventRow
from services.orders.domain.lifecycle import OrderState

STATES: dict[OrderState, Any] = {
    OrderState.CREATED: orders_pb2.ORDER_STATE_CREATED,
    OrderState.AUTHORIZED: orders_pb2.ORDER_STATE_AUTHORIZED,
    OrderState.CONFIRMED: orders_pb2.ORDER_STATE_CONFIRMED,
    OrderState.IN_PROGRESS: orders_pb2.ORDER_STATE_IN_PROGRESS,
    OrderState.COMPLETED: orders_pb2.ORDER_STATE_COMPLETED,
    OrderState.CANCELLED: orders_pb2.ORDER_STATE_CANCELLED,
    OrderState.DISPUTED: orders_pb2.ORDER_STATE_DISPUTED,
    OrderState.CLOSED: orders_pb2.ORDER_STATE_CLOSED,
}


def encode_order(order: OrderRow) -> orders_pb2.Order:
    """An order as the API shows it."""
    return orders_pb2.Order(
        id=order.order_id,
        state=STATES[OrderState(order.state)],
        version=order.version,
        buyer_id=order.buyer_user_id,
        provider_id=order.provider_user_id,
        role_code=order.role_code,
        start_utc=timestamp(order.start_utc),
        end_utc=timestamp(order.end_utc),
        timezone=order.timezone,
        location_json=json.dumps(order.location_json, sort_keys=True),
        price_snapshot_json=json.dumps(order.price_snapshot, sort_keys=True),
        policy_snapshot_json=json.dumps(order.policy_snapshot, sort_keys=True),
        quote_id=order.quote_id,
        created_at=timestamp(order.created_at),
        updated_at=timestamp(order.updated_at),
    )


def encode_timeline_event(event: TimelineEventRow) -> orders_pb2.TimelineEvent:
    """A timeline entry as the API shows it, with its cursor."""
    return orders_pb2.TimelineEvent(
        id=event.event_id,
        order_id=event.order_id,
        kind=event.kind,
        subtype=event.subtype,
        actor_user_id=event.actor_user_id or "",
        payload_json=json.dumps(event.payload, sort_keys=True),
        created_at=timestamp(event.created_at),
        cursor=encode_cursor(event.seq),
    )
