"""Sending what quiet hours held, when they end: one message on its own, several about one order
as one digest (per reader and channel)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from callsheet_kit.ids import new_id
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow
from services.notify.domain.compose import digest_context
from services.notify.domain.messages import Channel, DeliveryStatus
from services.notify.domain.rendering import Templates, UnsafePreview

BATCH = 200


def _group(row: NotificationRow) -> tuple[str, str, str]:
    return (row.user_id, row.channel, row.order_id or "")


async def release_held(uow: Callable[[], SqlNotifyUnitOfWork], templates: Templates) -> int:
    """Releases one batch of held notifications whose hold has ended; returns how many."""
    async with uow() as work:
        rows = sorted(await work.held_due(limit=BATCH), key=lambda row: (_group(row), row.notification_id))
        if not rows:
            return 0
        preferences = await work.preferences_of(row.user_id for row in rows)
        digests = []
        for (user_id, channel, order_id), members in groupby(rows, key=_group):
            group = list(members)
            if len(group) == 1 or not order_id:
                for row in group:
                    row.status, row.next_attempt_at = DeliveryStatus.PENDING, work.now
                continue
            digest_id = new_id("ntf")
            context = digest_context([row.context for row in group], titles=[(row.title, row.body) for row in group])
            try:
                rendered = templates.render(
                    "digest", Channel(channel), context, safe_mode=preferences[user_id].safe_mode
                )
                title, body, status, error = rendered.title, rendered.text, DeliveryStatus.PENDING, None
            except UnsafePreview as refused:
                title, body, status, error = "digest", "", DeliveryStatus.DEAD_LETTER, str(refused)
            digests.append(
                {
                    "notification_id": digest_id,
                    # One digest per first held message: a repeated release makes no second one.
                    "event_id": f"digest:{group[0].notification_id}",
                    "event_type": "digest",
                    "user_id": user_id,
                    "order_id": order_id,
                    "channel": channel,
                    "title": title,
                    "body": body,
                    "status": status,
                    "attempts": 0,
                    "last_error": error,
                    "created_at": work.now,
                    "sent_at": None,
                    "category": context["category"],
                    "context": context,
                    "next_attempt_at": work.now if status is DeliveryStatus.PENDING else None,
                    "hold_until": None,
                }
            )
            for row in group:
                row.status, row.digest_id = DeliveryStatus.DIGESTED, digest_id
        await work.add_notifications(digests)
        await work.commit()
        return len(rows)
