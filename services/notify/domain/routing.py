"""Who hears of an event, on which channels, and whether it waits for the reader's quiet hours.

The rules (docs/notifications.md):

* an order's events reach both participants; a card's request and its reminder the one who must
  answer (a proofs card waiting for a new round: its creator); an answer the other side of who
  gave it (both when the system answered); its close and reopening both; the buyer hears of their payments and refunds, the provider of their payouts, both of a
  chargeback (the provider alone of its updates); support names a case's audience itself;
* every message goes to the in-app feed at once; email unless the reader turned email off and
  the message is optional; push when the reader has a device and push on;
* during the reader's quiet hours an optional message waits on email and push until they end,
  a transactional one waits on push only; a message that breaks through (``card.expiring.reschedule``,
  and any card or order message about an order that starts within 24 hours or is under way) is
  sent at once on every channel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notify.domain.messages import Category, Channel, DeliveryStatus
from services.notify.domain.quiet_hours import QuietHours

CARD_TYPES = ("reschedule", "extras", "expense", "proofs", "complete", "dispute")
CARD_FAMILIES = ("card.requested", "card.responded", "card.expiring", "card.closed", "card.reopened")
ORDER_EVENTS = (
    "order.authorized",
    "order.confirmed",
    "order.in_progress",
    "order.completed",
    "order.cancelled",
    "order.disputed",
    "order.closed",
    "order.rescheduled",
)
BUYER_PAYMENT_EVENTS = ("payment.authorized", "payment.captured", "payment.voided", "payment.charged", "refund.issued")
PAYOUT_EVENTS = ("payout.scheduled", "payout.released", "payout.paid", "payout.failed")
CHARGEBACK_EVENTS = ("dispute.opened", "dispute.updated", "dispute.won", "dispute.lost")
SUPPORT_EVENTS = ("support.case.opened", "support.case.updated", "support.case.escalated", "support.case.resolved")

# Every event type notify tells people of; each has its templates (checked at start-up).
EVENT_TYPES: tuple[str, ...] = (
    *(f"{family}.{kind}" for family in CARD_FAMILIES for kind in CARD_TYPES),
    *ORDER_EVENTS,
    *BUYER_PAYMENT_EVENTS,
    *PAYOUT_EVENTS,
    *CHARGEBACK_EVENTS,
    *SUPPORT_EVENTS,
)

# Money, the booking's terms and answers from support: sent whatever the email preference.
TRANSACTIONAL = frozenset(
    {
        "order.authorized",
        "order.confirmed",
        "order.cancelled",
        "order.disputed",
        "order.rescheduled",
        *BUYER_PAYMENT_EVENTS,
        *PAYOUT_EVENTS,
        *CHARGEBACK_EVENTS,
        *SUPPORT_EVENTS,
    }
)
# Told in the feed only: the message the reader gets at the same moment already says it (the
# booking request names the hold on the card; the cancellation, its release).
FEED_ONLY = frozenset({"payment.authorized", "payment.voided"})
ALWAYS_BREAKS_THROUGH = frozenset({"card.expiring.reschedule"})
NEAR_START = timedelta(hours=24)


def family_of(event_type: str) -> str:
    """``card.requested`` of ``card.requested.reschedule``; other types are their own family."""
    head, _, _ = event_type.rpartition(".")
    return head if head in CARD_FAMILIES else event_type


def category_of(event_type: str) -> Category:
    """Transactional or optional (see ``TRANSACTIONAL``)."""
    return Category.TRANSACTIONAL if event_type in TRANSACTIONAL else Category.OPTIONAL


@dataclass(frozen=True)
class Participants:
    """The two sides of an order."""

    buyer_id: str
    provider_id: str

    def role_of(self, user_id: str) -> str:
        """buyer, provider, or agent for anyone else (support staff)."""
        if user_id == self.buyer_id:
            return "buyer"
        return "provider" if user_id == self.provider_id else "agent"

    def counterpart_of(self, user_id: str) -> str:
        """The other participant; for a third party, the buyer."""
        return self.provider_id if user_id == self.buyer_id else self.buyer_id

    @property
    def both(self) -> list[str]:
        """Buyer then provider."""
        return [self.buyer_id, self.provider_id]


def recipients(
    event_type: str,
    *,
    participants: Participants | None,
    actor_id: str,
    card_created_by: str = "",
    card_awaits_creator: bool = False,
    listed: Sequence[str] = (),
) -> list[str]:
    """Who hears of an event (see the module's rules), each once, in a stable order."""
    family = family_of(event_type)
    if family.startswith("support."):
        return list(dict.fromkeys(listed))
    if participants is None:
        return []
    if family == "card.expiring" and card_awaits_creator:
        return [card_created_by]
    if family in ("card.requested", "card.expiring"):
        return [participants.counterpart_of(card_created_by)]
    if family == "card.responded":
        # The other side of whoever answered (a provider's new proofs round goes to the buyer).
        return [participants.counterpart_of(actor_id)] if actor_id else participants.both
    if event_type in BUYER_PAYMENT_EVENTS:
        return [participants.buyer_id]
    if event_type in PAYOUT_EVENTS or event_type == "dispute.updated":
        return [participants.provider_id]
    return participants.both


def breaks_through(event_type: str, *, now: datetime, start: datetime | None, end: datetime | None) -> bool:
    """True for a message that is sent at once whatever the reader's quiet hours."""
    if event_type in ALWAYS_BREAKS_THROUGH:
        return True
    if start is None or end is None or not (family_of(event_type) in CARD_FAMILIES or event_type.startswith("order.")):
        return False
    return start - now <= NEAR_START and end > now


@dataclass(frozen=True)
class Reader:
    """What the plan needs of one recipient's preferences."""

    user_id: str
    email: bool
    push: bool
    has_device: bool
    quiet_hours: QuietHours | None


@dataclass(frozen=True)
class Planned:
    """One notification to make: its channel, its first status and, if held, until when."""

    channel: Channel
    status: DeliveryStatus
    hold_until: datetime | None = None


def plan(reader: Reader, *, category: Category, urgent: bool, now: datetime, feed_only: bool = False) -> list[Planned]:
    """The reader's notifications of one message: the feed at once, then email and push as the
    preferences and quiet hours say."""
    planned = [Planned(Channel.IN_APP, DeliveryStatus.SENT)]
    if feed_only:
        return planned
    quiet_until = None
    if reader.quiet_hours is not None and not urgent and reader.quiet_hours.holds(now):
        quiet_until = reader.quiet_hours.ends_after(now)
    if reader.email or category is Category.TRANSACTIONAL:
        email_held = quiet_until if category is Category.OPTIONAL else None
        planned.append(_waiting(Channel.EMAIL, email_held))
    if reader.push and reader.has_device:
        planned.append(_waiting(Channel.PUSH, quiet_until))
    return planned


def _waiting(channel: Channel, hold_until: datetime | None) -> Planned:
    if hold_until is None:
        return Planned(channel, DeliveryStatus.PENDING)
    return Planned(channel, DeliveryStatus.HELD, hold_until)
