"""Both participants of an order hear of every change to it: in the feed, and by email."""

from __future__ import annotations

from typing import Any

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.domain.messages import Channel, Delivery, order_message, order_recipients


async def notify_order_participants(uow: SqlNotifyUnitOfWork, event: Any, envelope: EventEnvelope) -> None:
    """Adds a feed entry and (if they take email) an email to send, for the buyer and the provider."""
    order = event.order
    message = order_message(
        envelope.type,
        order_id=order.id,
        start=order.start_utc.ToJsonString(),
        role_code=order.role_code,
        reason=getattr(event, "reason", ""),
    )
    # Both participants' preferences in one read, and all their notifications in one insert.
    preferences = await uow.preferences_of(order_recipients(buyer_id=order.buyer_id, provider_id=order.provider_id))
    deliveries = [
        Delivery(user_id=user_id, channel=channel, delivered=channel is Channel.IN_APP)
        for user_id, prefs in preferences.items()
        for channel in [Channel.IN_APP] + ([Channel.EMAIL] if prefs.email else [])
    ]
    await uow.add_notifications(
        event_id=envelope.event_id,
        event_type=envelope.type,
        order_id=order.id,
        title=message.title,
        body=message.body,
        deliveries=deliveries,
    )
