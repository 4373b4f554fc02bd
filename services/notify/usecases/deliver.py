"""Sending what is due on a channel: take a batch, send each outside any transaction, then record
what became of each, retrying a failure with exponential backoff and jitter until its budget is
spent (then it waits in the dead-letter state for an operator)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from callsheet_kit.saga import RetryPolicy
from services.notify.adapters.directory import Contact, UserDirectory
from services.notify.adapters.repositories import Outcome, SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow, PreferenceRow
from services.notify.domain.messages import Category, Channel, DeliveryStatus
from services.notify.domain.rendering import Rendered, Templates, UnsafePreview
from services.notify.usecases.metrics import count_deliveries

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
    # New sends stop well inside the lease, so no other replica takes a row while it is being sent.
    stop_at = time.monotonic() + LEASE.total_seconds() / 2
    try:
        try:
            contacts = await directory.contacts(row.user_id for row in rows) if channel is Channel.EMAIL else {}
        except Exception as exc:
            # Without addresses nothing of the batch can go: every one is a failed attempt, retried.
            log.warning("user directory failed for %d %s: %s", len(rows), channel, exc)
            outcomes.extend(_failed(row, f"user directory: {type(exc).__name__}: {exc}"[:500], policy) for row in rows)
            return len(rows)
        for row in rows:
            if time.monotonic() > stop_at:
                outcomes.append(_given_back(row))
                continue
            outcome = await _attempt(row, courier, templates, preferences[row.user_id], contacts, devices, now, policy)
            dead_tokens.extend(outcome[1])
            outcomes.append(outcome[0])
        return len(rows)
    finally:
        # Whatever happened, what was done is written (a stop mid-batch gives back what was not
        # tried); shielded, so a cancelled worker still records the sends it made.
        tried = {outcome.notification_id for outcome in outcomes}
        outcomes.extend(_given_back(row) for row in rows if row.notification_id not in tried)
        taken = {row.notification_id: row.attempts for row in rows}
        await asyncio.shield(_record(uow, outcomes, dead_tokens, taken))
        count_deliveries(channel, outcomes)


async def _record(
    uow: Callable[[], SqlNotifyUnitOfWork],
    outcomes: Sequence[Outcome],
    dead_tokens: Sequence[str],
    taken: Mapping[str, int],
) -> None:
    async with uow() as work:
        await work.forget_devices(dead_tokens)
        await work.record_outcomes(outcomes, taken=taken)
        await work.commit()


async def _attempt(
    row: NotificationRow,
    courier: Courier,
    templates: Templates,
    prefs: PreferenceRow,
    contacts: Mapping[str, Contact],
    devices: Mapping[str, Sequence[str]],
    now: datetime,
    policy: DeliveryPolicy,
) -> tuple[Outcome, Sequence[str]]:
    """Sends one notification; what became of it, and the devices found gone."""
    channel = courier.channel
    if channel is Channel.EMAIL and not prefs.email and row.category == Category.OPTIONAL:
        return Outcome(row.notification_id, DeliveryStatus.SKIPPED, error="email turned off"), ()
    if channel is Channel.PUSH and not prefs.push:
        return Outcome(row.notification_id, DeliveryStatus.SKIPPED, error="push turned off"), ()
    try:
        if row.context:
            rendered = templates.render(row.event_type, channel, row.context, safe_mode=prefs.safe_mode)
        else:
            # Made before messages were rendered per reader: what was written then.
            rendered = Rendered(title=row.title, text=row.body, html=None)
    except UnsafePreview as refused:
        return Outcome(row.notification_id, DeliveryStatus.DEAD_LETTER, error=str(refused)), ()
    except Exception as exc:
        # A template that cannot render this message will not next time either.
        log.exception("rendering %s %s failed", row.event_type, row.notification_id)
        return Outcome(
            row.notification_id, DeliveryStatus.DEAD_LETTER, error=f"rendering: {type(exc).__name__}: {exc}"[:500]
        ), ()
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
        return Outcome(row.notification_id, DeliveryStatus.SKIPPED, error=str(nowhere)), nowhere.dead_tokens
    except Exception as exc:
        log.warning("%s %s to %s failed (attempt %d): %s", channel, row.notification_id, row.user_id, row.attempts, exc)
        return _failed(row, f"{type(exc).__name__}: {exc}"[:500], policy), ()
    # What went is written only where it differs from what was rendered when it was made.
    changed = (rendered.title, rendered.text) != (row.title, row.body)
    sent = Outcome(
        row.notification_id,
        DeliveryStatus.SENT,
        title=rendered.title if changed else None,
        body=rendered.text if changed else None,
    )
    return sent, carried.dead_tokens


def _given_back(row: NotificationRow) -> Outcome:
    """Not tried after all: due again now, the attempt not counted."""
    return Outcome(
        row.notification_id,
        DeliveryStatus.PENDING,
        error=row.last_error,
        retry_in=timedelta(0),
        attempts=row.attempts - 1,
    )


def _failed(row: NotificationRow, error: str, policy: DeliveryPolicy) -> Outcome:
    if row.attempts >= policy.max_attempts:
        return Outcome(row.notification_id, DeliveryStatus.DEAD_LETTER, error=error)
    return Outcome(
        row.notification_id, DeliveryStatus.PENDING, error=error, retry_in=policy.backoff.delay(row.attempts - 1)
    )
