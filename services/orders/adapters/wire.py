"""Orders as protobuf messages: the API's order and timeline entry, and the published events."""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import Message

from callsheet.orders.v1 import events_pb2, orders_pb2
from callsheet_kit.domain import Aggregate, DomainEvent
from callsheet_kit.paging import encode_cursor
from callsheet_kit.proto import timestamp
from services.orders.domain.calendar import CalendarHold
from services.orders.domain.lifecycle import OrderState, Party
from services.orders.domain.order import (
    Order,
    OrderAuthorized,
    OrderCancelled,
    OrderClosed,
    OrderCompleted,
    OrderConfirmed,
    OrderCreated,
    OrderDisputed,
    OrderRescheduled,
    OrderStarted,
    OrderTransitioned,
    ReviewsWindowOpened,
)
from services.orders.usecases.list_timeline import TIMELINE
from services.orders.usecases.ports import TimelineRecord

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
PARTIES: dict[Party, Any] = {Party.BUYER: orders_pb2.PARTY_BUYER, Party.PROVIDER: orders_pb2.PARTY_PROVIDER}

# The message published for each kind of transition (the others stay on the timeline only).
TRANSITION_MESSAGES: dict[type[OrderTransitioned], type[Message]] = {
    OrderAuthorized: events_pb2.OrderAuthorized,
    OrderConfirmed: events_pb2.OrderConfirmed,
    OrderStarted: events_pb2.OrderStarted,
    OrderCompleted: events_pb2.OrderCompleted,
    OrderDisputed: events_pb2.OrderDisputed,
    OrderClosed: events_pb2.OrderClosed,
    OrderCancelled: events_pb2.OrderCancelled,
}


def encode_order(order: Order) -> orders_pb2.Order:
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


def encode_hold(hold: CalendarHold) -> orders_pb2.CalendarHold:
    """A calendar hold as the API shows it."""
    return orders_pb2.CalendarHold(
        id=hold.hold_id,
        card_id=hold.card_id,
        slot_index=hold.slot_index,
        start_utc=timestamp(hold.slot.start_utc),
        end_utc=timestamp(hold.slot.end_utc),
    )


def encode_timeline_event(event: TimelineRecord) -> orders_pb2.TimelineEvent:
    """A timeline entry as the API shows it, with its cursor."""
    return orders_pb2.TimelineEvent(
        id=event.event_id,
        order_id=event.order_id,
        kind=event.kind,
        subtype=event.subtype,
        actor_user_id=event.actor_user_id or "",
        payload_json=json.dumps(event.payload, sort_keys=True),
        created_at=timestamp(event.created_at),
        cursor=encode_cursor(TIMELINE, event.seq),
    )


def encode_event(aggregate: Aggregate, event: DomainEvent) -> Message | None:
    """The message published for an order's event; None for timeline-only facts (the calendar's)."""
    if not isinstance(aggregate, Order):
        return None
    if isinstance(event, OrderRescheduled):
        return events_pb2.OrderRescheduled(
            order=encode_order(aggregate),
            from_state=STATES[event.from_state],
            from_start_utc=timestamp(event.from_slot.start_utc),
            from_end_utc=timestamp(event.from_slot.end_utc),
            card_id=event.card_id,
            slot_index=event.slot_index,
        )
    if isinstance(event, OrderCreated):
        return events_pb2.OrderCreated(order=encode_order(aggregate), quote_id=event.quote_id)
    if isinstance(event, ReviewsWindowOpened):
        return events_pb2.ReviewsWindowOpened(order_id=aggregate.order_id, closes_at=timestamp(event.closes_at))
    if not isinstance(event, OrderTransitioned):
        return None
    message = TRANSITION_MESSAGES[type(event)](order=encode_order(aggregate), from_state=STATES[event.from_state])
    if isinstance(event, OrderAuthorized):
        assert isinstance(message, events_pb2.OrderAuthorized)
        message.payment_id = event.payment_id
    elif isinstance(event, OrderCancelled):
        assert isinstance(message, events_pb2.OrderCancelled)
        message.cancelled_by = PARTIES[event.cancelled_by]
        message.reason = event.reason
    return message
