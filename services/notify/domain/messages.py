"""What each event tells its recipients."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    """Where a notification goes."""

    IN_APP = "in_app"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    """Where a notification is on its way."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


_ORDER_TITLES = {
    "order.authorized": "New booking {order_id}",
    "order.confirmed": "Booking {order_id} is confirmed",
    "order.cancelled": "Booking {order_id} was cancelled",
    "order.in_progress": "Booking {order_id} has started",
    "order.completed": "Booking {order_id} is complete",
    "order.disputed": "Booking {order_id} is under dispute",
    "order.closed": "Booking {order_id} is closed",
}


@dataclass(frozen=True)
class Message:
    """A notification's text."""

    title: str
    body: str


@dataclass(frozen=True)
class Delivery:
    """One notification of an event to make: to whom, on which channel, and whether writing it
    delivers it (the feed) or it waits to be sent (email)."""

    user_id: str
    channel: Channel
    delivered: bool


def order_message(event_type: str, *, order_id: str, start: str, role_code: str, reason: str) -> Message:
    """The text of an ``order.<state>`` event."""
    title = _ORDER_TITLES.get(event_type, "Booking {order_id} changed").format(order_id=order_id)
    body = f"Booking {order_id} ({role_code}, starting {start}) is now {event_type.split('.', 1)[1].replace('_', ' ')}."
    if reason:
        body += f" Reason: {reason}"
    return Message(title=title, body=body)


def order_recipients(*, buyer_id: str, provider_id: str) -> list[str]:
    """Both participants hear of every change to their order."""
    return [buyer_id, provider_id]
