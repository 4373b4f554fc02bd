"""Sending what quiet hours held, when they end: one message on its own, several about one order
as one digest (per reader and channel)."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from callsheet_kit.ids import new_id
from services.notify.adapters.repositories import SqlNotifyUnitOfWork, new_notification
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
            safe_mode = preferences[user_id].safe_mode
            try:
                # Each member in its words by the reader's preferences now (safe mode may be new).
                parts = [_member_words(templates, row, safe_mode) for row in group]
                context = digest_context([row.context for row in group], titles=parts)
                rendered = templates.render("digest", Channel(channel), context, safe_mode=safe_mode)
            except UnsafePreview:
                # Never lose them to the digest: each goes on its own, rendered (and checked) when sent.
                for row in group:
                    row.status, row.next_attempt_at = DeliveryStatus.PENDING, work.now
                continue
            digests.append(
                new_notification(
                    notification_id=digest_id,
                    # One digest per first held message: a repeated release makes no second one.
                    event_id=f"digest:{group[0].notification_id}",
                    event_type="digest",
                    user_id=user_id,
                    order_id=order_id,
                    channel=channel,
                    title=rendered.title,
                    body=rendered.text,
                    status=DeliveryStatus.PENDING,
                    category=context["category"],
                    context=context,
                    now=work.now,
                )
            )
            for row in group:
                row.status, row.digest_id = DeliveryStatus.DIGESTED, digest_id
        await work.add_notifications(digests)
        await work.commit()
        return len(rows)


def _member_words(templates: Templates, row: NotificationRow, safe_mode: bool) -> tuple[str, str]:
    """A held message's title and text as it would be sent on its own now."""
    if not row.context:
        return row.title, row.body
    rendered = templates.render(row.event_type, Channel(row.channel), row.context, safe_mode=safe_mode)
    return rendered.title, rendered.text
