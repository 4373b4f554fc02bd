"""The simulator's webhook deliveries: its queued events sent to the endpoint the way Stripe sends them.

Each event is POSTed as JSON to the configured endpoint (the gateway's ``/webhooks/stripe`` in the
dev stack) with a ``Stripe-Signature`` header made as Stripe makes it: ``t=<unix time>,v1=<hex
HMAC-SHA256 of "<t>.<body>" under the endpoint's signing secret>``. The wall clock signs (the
receiver checks the timestamp against its own within five minutes), the dev clock schedules.

Delivery is at least once, as Stripe's is: an answer other than 2xx, or none, is retried with
growing, jittered waits (from 5 seconds to an hour), up to ``MAX_ATTEMPTS``; each attempt first
leases the event, so several replicas never send one event at the same time. The receiver
deduplicates by event id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from callsheet_kit import failpoints
from callsheet_kit.clock import Clock
from callsheet_kit.db import Database
from services.payments.adapters.tables import stripe_sim_event_table

log = logging.getLogger(__name__)

_events = stripe_sim_event_table

MAX_ATTEMPTS = 20
LEASE = timedelta(seconds=30)
BATCH = 20

# Sends a body with its headers; the HTTP status, or raises when no answer came.
Post = Callable[[str, bytes, dict[str, str]], Awaitable[int]]


def signature_header(body: bytes, secret: str, *, at: int | None = None) -> str:
    """The ``Stripe-Signature`` Stripe would put on ``body``, signed now (or at ``at``)."""
    timestamp = int(time.time()) if at is None else at
    signed = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signed}"


def retry_wait(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failure an event is sent again: doubling from 5 s, at most an hour, jittered."""
    base = min(3600.0, 5.0 * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def http_post(timeout_seconds: float = 10.0) -> Post:
    """Posts over HTTP, as Stripe's deliveries do."""
    client = httpx.AsyncClient(timeout=timeout_seconds)

    async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        response = await client.post(url, content=body, headers=headers)
        return response.status_code

    return post


class SimulatedWebhooks:
    """Delivers the simulator's queued events to the webhook endpoint."""

    def __init__(self, db: Database, *, url: str, secret: str, clock: Clock, post: Post | None = None) -> None:
        self._db = db
        self._url = url
        self._secret = secret
        self._clock = clock
        self._post = post if post is not None else http_post()

    async def deliver_due(self) -> int:
        """Sends the events that are due; returns how many the endpoint took."""
        due = await self._lease()
        taken = 0
        for event_id, payload, attempts in due:
            body = json.dumps(payload, indent=2).encode()
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature_header(body, self._secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            }
            try:
                # Tests hold deliveries back with it, as an endpoint that is down would.
                failpoints.hit("stripe_simulator.deliver")
                status = await self._post(self._url, body, headers)
                error = None if 200 <= status < 300 else f"the endpoint answered {status}"
            except Exception as failure:  # no answer: retried like any other failure
                error = f"no answer: {type(failure).__name__}: {failure}"
            await self._settle(event_id, attempts + 1, error)
            taken += error is None
        return taken

    async def _lease(self) -> list[tuple[str, dict[str, Any], int]]:
        now = self._clock.now()
        async with self._db.transaction() as session:
            rows = (
                await session.execute(
                    select(_events.c.event_id, _events.c.payload, _events.c.attempts)
                    .where(
                        _events.c.delivered_at.is_(None),
                        _events.c.next_attempt_at <= now,
                        _events.c.attempts < MAX_ATTEMPTS,
                    )
                    .order_by(_events.c.next_attempt_at, _events.c.event_id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if rows:
                await session.execute(
                    update(_events)
                    .where(_events.c.event_id.in_([row.event_id for row in rows]))
                    .values(next_attempt_at=now + LEASE)
                )
        return [(row.event_id, dict(row.payload), int(row.attempts)) for row in rows]

    async def _settle(self, event_id: str, attempts: int, error: str | None) -> None:
        now = self._clock.now()
        values: dict[str, Any] = {"attempts": attempts, "last_error": error}
        if error is None:
            values["delivered_at"] = now
        else:
            values["next_attempt_at"] = now + retry_wait(attempts)
            log.warning("webhook %s not delivered (attempt %d): %s", event_id, attempts, error)
        async with self._db.transaction() as session:
            await session.execute(update(_events).where(_events.c.event_id == event_id).values(**values))
