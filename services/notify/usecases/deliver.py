"""Sending what is due on a channel: take a batch, send each outside any transaction, then record
what became of each, retrying a failure with exponential backoff and jitter until its budget is
spent (then it waits in the dead-letter state for an operator)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from callsheet_kit.saga import RetryPolicy
from services.notify.adapters.directory import UserDirectory
from services.notify.adapters.repositories import Outcome, SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow
from services.notify.domain.messages import Category, Channel, DeliveryStatus
from services.notify.domain.rendering import Rendered, Templates, UnsafePreview

log = logging.getLogger(__name__)

BATCH = 20
# How long an attempt may take before the notification may be taken again (a replica died mid-send).
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often a notification is tried, and how long apart: 30 s, 1 min, 2 min … at most 30 min
    apart (each ±20 %), ten attempts in all: about two hours of outage before it is dead-lettered."""

    max_attempts: int = 10
    backoff: RetryPolicy = field(default_factory=lambda: RetryPolicy(base_seconds=30.0, cap_seconds=1800.0))


@dataclass(frozen=True)
class Attempt:
    """One notification on its way: what it says, and where it can go."""

    row: NotificationRow
    rendered: Rendered
    email: str | None
    tokens: Sequence[str]
    # The service clock when the attempt was taken (an email's Date).
    now: datetime


class Undeliverable(Exception):
    """There is nowhere to send it (no address, no device): skipped, not retried."""

    def __init__(self, reason: str, *, dead_tokens: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.dead_tokens = list(dead_tokens)


@dataclass(frozen=True)
class Carried:
    """A notification went; ``dead_tokens`` are devices the provider says are gone."""

    dead_tokens: Sequence[str] = ()


class Courier(Protocol):
    """Sends on one channel; raises Undeliverable, or anything else for a failure to retry."""

    channel: Channel

    async def carry(self, attempt: Attempt) -> Carried:
        """Sends one notification."""
        ...


async def deliver(
    uow: Callable[[], SqlNotifyUnitOfWork],
    courier: Courier,
    *,
    templates: Templates,
    directory: UserDirectory,
    policy: DeliveryPolicy,
) -> int:
    """Sends one batch of due notifications of the courier's channel; returns how many were tried."""
    channel = courier.channel
    async with uow() as work:
        rows = await work.take_due(channel, lease=LEASE, limit=BATCH)
        if not rows:
            return 0
        preferences = await work.preferences_of(row.user_id for row in rows)
        devices = await work.devices_of(row.user_id for row in rows) if channel is Channel.PUSH else {}
        now = work.now
        await work.commit()
    outcomes: list[Outcome] = []
    dead_tokens: list[str] = []
    try:
        contacts = await directory.contacts(row.user_id for row in rows) if channel is Channel.EMAIL else {}
    except Exception as exc:
        # Without addresses nothing of the batch can go: every one is a failed attempt, retried.
        log.warning("user directory failed for %d %s: %s", len(rows), channel, exc)
        outcomes = [_failed(row, f"user directory: {type(exc).__name__}: {exc}"[:500], policy) for row in rows]
        rows = []
    for row in rows:
        prefs = preferences[row.user_id]
        if channel is Channel.EMAIL and not prefs.email and row.category == Category.OPTIONAL:
            outcomes.append(Outcome(row.notification_id, DeliveryStatus.SKIPPED, error="email turned off"))
            continue
        if channel is Channel.PUSH and not prefs.push:
            outcomes.append(Outcome(row.notification_id, DeliveryStatus.SKIPPED, error="push turned off"))
            continue
        try:
            rendered = templates.render(row.event_type, channel, row.context, safe_mode=prefs.safe_mode)
        except UnsafePreview as refused:
            outcomes.append(Outcome(row.notification_id, DeliveryStatus.DEAD_LETTER, error=str(refused)))
            continue
        contact = contacts.get(row.user_id)
        attempt = Attempt(
            row=row,
            rendered=rendered,
            email=contact.email if contact else None,
            tokens=devices.get(row.user_id, []),
            now=now,
        )
        try:
            carried = await courier.carry(attempt)
        except Undeliverable as nowhere:
            dead_tokens.extend(nowhere.dead_tokens)
            outcomes.append(Outcome(row.notification_id, DeliveryStatus.SKIPPED, error=str(nowhere)))
            continue
        except Exception as exc:
            log.warning(
                "%s %s to %s failed (attempt %d): %s", channel, row.notification_id, row.user_id, row.attempts, exc
            )
            outcomes.append(_failed(row, f"{type(exc).__name__}: {exc}"[:500], policy))
            continue
        dead_tokens.extend(carried.dead_tokens)
        # What went is written only where it differs from what was rendered when it was made.
        changed = (rendered.title, rendered.text) != (row.title, row.body)
        outcomes.append(
            Outcome(
                row.notification_id,
                DeliveryStatus.SENT,
                title=rendered.title if changed else None,
                body=rendered.text if changed else None,
            )
        )
    async with uow() as work:
        await work.forget_devices(dead_tokens)
        await work.record_outcomes(outcomes)
        await work.commit()
    return len(outcomes)


def _failed(row: NotificationRow, error: str, policy: DeliveryPolicy) -> Outcome:
    if row.attempts >= policy.max_attempts:
        return Outcome(row.notification_id, DeliveryStatus.DEAD_LETTER, error=error)
    return Outcome(
        row.notification_id, DeliveryStatus.PENDING, error=error, retry_in=policy.backoff.delay(row.attempts - 1)
    )
