"""Use cases of notify: turning events into notifications, delivering them, the feed, preferences."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.events.v1.envelope_pb2 import EventEnvelope
from callsheet.orders.v1 import events_pb2 as order_events_pb2
from callsheet_kit.errors import Violations, permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.ids import new_id
from callsheet_kit.paging import decode_cursor, keyset_page
from callsheet_kit.service import ServiceKit
from services.notify.adapters.mailer import Mailer
from services.notify.adapters.tables import NotificationRow, PreferenceRow
from services.notify.config import NotifySettings
from services.notify.domain.messages import order_message, order_recipients

log = logging.getLogger(__name__)

IN_APP = "in_app"
EMAIL = "email"
MAX_ATTEMPTS = 8


def _valid_hhmm(value: str) -> bool:
    parts = value.split(":")
    return (
        len(parts) == 2
        and all(p.isdigit() and len(p) == 2 for p in parts)
        and int(parts[0]) < 24
        and int(parts[1]) < 60
    )


class Notify:
    """The notify use cases over the service's kit and a mailer."""

    def __init__(self, kit: ServiceKit, settings: NotifySettings, mailer: Mailer) -> None:
        self._kit = kit
        self._settings = settings
        self._mailer = mailer

    async def preferences(self, session: AsyncSession, user_id: str) -> PreferenceRow:
        """A user's preferences, made with defaults on first use."""
        await session.execute(
            insert(PreferenceRow)
            .values(
                user_id=user_id,
                email_address=f"{user_id}@{self._settings.email_domain}",
                timezone="UTC",
                safe_mode=False,
                email=True,
                push=True,
            )
            .on_conflict_do_nothing()
        )
        row = await session.get(PreferenceRow, user_id, populate_existing=True)
        assert row is not None
        return row

    async def on_order_event(self, session: AsyncSession, envelope: EventEnvelope) -> None:
        """Tells both participants of an order what changed: in the feed and by email."""
        transitioned = order_events_pb2.OrderTransitioned()
        envelope.data.Unpack(transitioned)
        order = transitioned.order
        message = order_message(
            envelope.type,
            order_id=order.id,
            start=order.start_utc.ToJsonString(),
            role_code=order.role_code,
            reason=transitioned.reason,
        )
        now = self._kit.clock.now()
        for user_id in order_recipients(buyer_id=order.buyer_id, provider_id=order.provider_id):
            prefs = await self.preferences(session, user_id)
            channels = [IN_APP] + ([EMAIL] if prefs.email else [])
            for channel in channels:
                await session.execute(
                    insert(NotificationRow)
                    .values(
                        notification_id=new_id("ntf"),
                        event_id=envelope.event_id,
                        event_type=envelope.type,
                        user_id=user_id,
                        order_id=order.id,
                        channel=channel,
                        title=message.title,
                        body=message.body,
                        status="sent" if channel == IN_APP else "pending",
                        attempts=0,
                        created_at=now,
                        sent_at=now if channel == IN_APP else None,
                    )
                    .on_conflict_do_nothing()
                )

    async def deliver_pending(self, session: AsyncSession, *, limit: int = 20) -> int:
        """Sends pending emails; replicas share the work, a failure is retried a few times."""
        rows = (
            await session.execute(
                select(NotificationRow)
                .where(NotificationRow.status == "pending", NotificationRow.channel == EMAIL)
                .order_by(NotificationRow.notification_id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).scalars()
        sent = 0
        for row in rows:
            prefs = await self.preferences(session, row.user_id)
            row.attempts += 1
            try:
                await self._mailer.send(
                    to=prefs.email_address, subject=row.title, text=row.body, message_id=row.notification_id
                )
            except Exception as exc:
                log.warning("email %s to %s failed: %s", row.notification_id, row.user_id, exc)
                row.last_error = str(exc)[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                continue
            row.status, row.sent_at = "sent", self._kit.clock.now()
            sent += 1
        return sent

    async def feed(
        self, session: AsyncSession, caller: Caller, *, size: int, token: str
    ) -> tuple[Sequence[NotificationRow], str]:
        """The caller's in-app feed, newest first."""
        if not caller.user_id:
            raise permission_denied("a user must read a feed")
        query = (
            select(NotificationRow)
            .where(NotificationRow.user_id == caller.user_id, NotificationRow.channel == IN_APP)
            .order_by(NotificationRow.notification_id.desc())
            .limit(size + 1)
        )
        if token:
            (after,) = decode_cursor(token)
            query = query.where(NotificationRow.notification_id < str(after))
        return keyset_page(list((await session.execute(query)).scalars()), size, lambda row: row.notification_id)

    async def update_preferences(
        self,
        session: AsyncSession,
        caller: Caller,
        *,
        timezone: str | None,
        quiet_hours_start: str | None,
        quiet_hours_end: str | None,
        safe_mode: bool | None,
        email: bool | None,
        push: bool | None,
    ) -> PreferenceRow:
        """Changes the given preferences; an empty quiet-hours value clears the quiet hours."""
        if not caller.user_id:
            raise permission_denied("a user must change preferences")
        violations = Violations()
        if timezone is not None:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                violations.add("timezone", "must be an IANA time zone name such as Europe/Berlin")
        for name, value in (("quiet_hours_start", quiet_hours_start), ("quiet_hours_end", quiet_hours_end)):
            if value:
                violations.check(_valid_hhmm(value), name, 'must be "HH:MM" in 24-hour time')
        violations.raise_if_any()
        prefs = await self.preferences(session, caller.user_id)
        if timezone is not None:
            prefs.timezone = timezone
        if quiet_hours_start is not None or quiet_hours_end is not None:
            start = quiet_hours_start if quiet_hours_start is not None else prefs.quiet_hours_start
            end = quiet_hours_end if quiet_hours_end is not None else prefs.quiet_hours_end
            if not start or not end:
                start = end = None
            prefs.quiet_hours_start, prefs.quiet_hours_end = start, end
        if safe_mode is not None:
            prefs.safe_mode = safe_mode
        if email is not None:
            prefs.email = email
        if push is not None:
            prefs.push = push
        await session.flush()
        return prefs
