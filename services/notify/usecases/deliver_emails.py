"""Sending the emails waiting to go; replicas share them, a failure is retried a few times."""

from __future__ import annotations

import logging
from collections.abc import Callable

from services.notify.adapters.mailer import Mailer
from services.notify.adapters.repositories import FailedAttempt, SqlNotifyUnitOfWork
from services.notify.domain.messages import Channel

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH = 20


async def deliver_emails(uow: Callable[[], SqlNotifyUnitOfWork], mailer: Mailer) -> int:
    """Sends one batch of pending emails; returns how many went."""
    async with uow() as work:
        rows = await work.pending(Channel.EMAIL, limit=BATCH)
        # The addresses of the whole batch in one read, and its outcomes in one write each.
        preferences = await work.preferences_of(row.user_id for row in rows)
        sent: list[str] = []
        failures: list[FailedAttempt] = []
        for row in rows:
            try:
                await mailer.send(
                    to=preferences[row.user_id].email_address,
                    subject=row.title,
                    text=row.body,
                    message_id=row.notification_id,
                    sent_at=work.now,
                )
            except Exception as exc:
                log.warning("email %s to %s failed: %s", row.notification_id, row.user_id, exc)
                attempts = row.attempts + 1
                failures.append(
                    FailedAttempt(
                        notification_id=row.notification_id,
                        attempts=attempts,
                        error=str(exc)[:500],
                        gave_up=attempts >= MAX_ATTEMPTS,
                    )
                )
                continue
            sent.append(row.notification_id)
        await work.mark_sent(sent)
        await work.record_failures(failures)
        await work.commit()
        return len(sent)
