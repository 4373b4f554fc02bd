"""Telling the right people of one event: a feed entry each, and email and push as their
preferences and quiet hours say (domain/routing.py has the rules)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from callsheet_kit.consumer import RetryLater
from services.notify.adapters.directory import UserDirectory
from services.notify.adapters.repositories import SqlNotifyUnitOfWork, new_notification
from services.notify.adapters.tables import PreferenceRow
from services.notify.domain.compose import Occurrence, OrderFacts, ReaderFacts, context_for
from services.notify.domain.messages import DeliveryStatus
from services.notify.domain.quiet_hours import QuietHours
from services.notify.domain.rendering import Templates, UnsafePreview
from services.notify.domain.routing import FEED_ONLY, Reader, breaks_through, category_of, plan, recipients
from services.notify.usecases.order_briefs import OrderBriefs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notifier:
    """What telling people needs beyond the transaction: the templates, who people are, where
    the app is, the orders missing a brief, whether push is on, and how old news may be."""

    templates: Templates
    directory: UserDirectory
    app_url: str
    briefs: OrderBriefs | None = None
    push: bool = True
    # An event older than this is told to no one: a consumer catching up on history (a new one
    # starts from the stream's first event) must not mail people about last month.
    max_event_age: timedelta = timedelta(hours=48)


async def notify_event(
    uow: SqlNotifyUnitOfWork, occurrence: Occurrence, notifier: Notifier, *, order: OrderFacts | None = None
) -> None:
    """Adds the event's notifications, each reader's once per channel (a redelivered event adds
    nothing: the inbox stops it, and the unique (event, user, channel) would too). ``order`` is the
    order when the caller has it (an order's own event), else it is read from the order brief."""
    if uow.now - occurrence.occurred_at > notifier.max_event_age:
        log.info(
            "%s %s is %s old: not told", occurrence.event_type, occurrence.event_id, uow.now - occurrence.occurred_at
        )
        return
    if order is None and occurrence.order_id:
        order = await uow.order(occurrence.order_id)
    if order is None and occurrence.order_id and occurrence.case is None:
        if notifier.briefs is not None and notifier.briefs.unknown(occurrence.order_id):
            log.warning(
                "%s %s names an order orders does not know: not told", occurrence.event_type, occurrence.event_id
            )
            return
        # The order's own first event is on its way (or, for an order older than the briefs,
        # orders is asked for it): this one waits.
        if notifier.briefs is not None:
            notifier.briefs.want(occurrence.order_id)
        raise RetryLater(f"order {occurrence.order_id} not known yet")
    participants = occurrence.participants or (order.participants if order else None)
    readers = recipients(
        occurrence.event_type,
        participants=participants,
        actor_id=occurrence.actor_id,
        card_created_by=occurrence.card.created_by if occurrence.card else "",
        card_awaits_creator=occurrence.card.awaits_creator if occurrence.card else False,
        listed=occurrence.case.recipient_ids if occurrence.case else (),
    )
    if not readers:
        return
    preferences = await uow.preferences_of(readers)
    devices = await uow.devices_of(readers)
    named = [*readers, occurrence.actor_id, *(participants.both if participants else [])]
    contacts = await notifier.directory.contacts(user_id for user_id in named if user_id)
    names = {user_id: contact.name for user_id, contact in contacts.items()}
    category = category_of(occurrence.event_type)
    now = uow.now
    urgent = breaks_through(
        occurrence.event_type,
        now=now,
        start=order.start_utc if order else None,
        end=order.end_utc if order else None,
    )
    rows: list[dict[str, Any]] = []
    for user_id in readers:
        prefs = preferences[user_id]
        reader = Reader(
            user_id=user_id,
            email=prefs.email,
            push=prefs.push,
            has_device=notifier.push and bool(devices.get(user_id)),
            quiet_hours=_quiet_hours(prefs),
        )
        context = context_for(
            occurrence,
            reader=ReaderFacts(user_id=user_id, name=names[user_id], timezone=prefs.timezone),
            order=order,
            names=names,
            category=category,
            app_url=notifier.app_url,
        )
        context["urgent"] = urgent
        feed_only = occurrence.event_type in FEED_ONLY
        for planned in plan(reader, category=category, urgent=urgent, now=now, feed_only=feed_only):
            status, error = planned.status, None
            try:
                # Rendered now for the feed and the log; email and push are rendered again when
                # sent, by the reader's preferences then.
                rendered = notifier.templates.render(
                    occurrence.event_type, planned.channel, context, safe_mode=prefs.safe_mode
                )
                title, body = rendered.title, rendered.text
            except UnsafePreview as refused:
                status, error, title, body = DeliveryStatus.DEAD_LETTER, str(refused), occurrence.event_type, ""
            rows.append(
                new_notification(
                    event_id=occurrence.event_id,
                    event_type=occurrence.event_type,
                    user_id=user_id,
                    order_id=occurrence.order_id,
                    channel=planned.channel,
                    title=title,
                    body=body,
                    status=status,
                    category=category,
                    context=context,
                    now=now,
                    hold_until=planned.hold_until,
                    last_error=error,
                )
            )
    await uow.add_notifications(rows)


def _quiet_hours(prefs: PreferenceRow) -> QuietHours | None:
    """The reader's quiet hours; none when what is stored is not a window (never a reason to fail
    every event of theirs)."""
    try:
        return QuietHours.of(prefs.quiet_hours_start, prefs.quiet_hours_end, prefs.timezone)
    except ValueError:
        log.warning("quiet hours of %s are not a window; none applied", prefs.user_id)
        return None
