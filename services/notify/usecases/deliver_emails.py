"""Sending the emails waiting to go; replicas share them, a failure is retried a few times."""

from __future__ import annotations

import logging
from collections.abc import Callable

from services.notify.adapters.mailer import Mailer
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.domain.messages import Channel, DeliveryStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 20


async def deliver_emails(uow: Callable[[], SqlNotifyUnitOfWork], mailer: Mailer) -> int:
    """Sends one batch of pending emails; returns how many went."""
    async with uow() as work:
        sent = 0
        for row in await work.pending(Channel.EMAIL, limit=BATCH):
            prefs = await work.preferences(row.user_id)
            row.attempts += 1
            try:
                await mailer.send(
                    to=prefs.email_address,
                    subject=row.title,
                    text=row.body,
                    message_id=row.notification_id,
                    sent_at=work.now,
                )
            except Exception as exc:
                log.warning("email %s to %s failed: %s", row.notification_id, row.user_id, exc)
                row.last_error = str(exc)[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = DeliveryStatus.FAILED
                continue
            row.status, row.sent_at = DeliveryStatus.SENT, work.now
            sent += 1
        await work.commit()
        return sent
