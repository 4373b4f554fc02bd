"""Who hears of what, on which channels, and when a message breaks through quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.domain.messages import Category, Channel, DeliveryStatus
from services.notify.domain.quiet_hours import QuietHours
from services.notify.domain.routing import (
    Participants,
    Reader,
    breaks_through,
    category_of,
    plan,
    recipients,
)

BUYER, PROVIDER = "u_buyer", "u_provider"
SIDES = Participants(buyer_id=BUYER, provider_id=PROVIDER)
NOW = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event_type", "actor", "creator", "awaits_creator", "expected"),
    [
        ("card.requested.extras", PROVIDER, PROVIDER, False, [BUYER]),
        ("card.expiring.reschedule", "", BUYER, False, [PROVIDER]),
        # A proofs card after a change request waits on the provider's new round.
        ("card.expiring.proofs", "", PROVIDER, True, [PROVIDER]),
        ("card.responded.extras", BUYER, PROVIDER, False, [PROVIDER]),
        # The provider's new proofs round goes to the buyer, who reviews it.
        ("card.responded.proofs", PROVIDER, PROVIDER, False, [BUYER]),
        ("card.responded.dispute", BUYER, BUYER, False, [PROVIDER]),
        # The system accepted an unanswered COMPLETE: both hear.
        ("card.responded.complete", "", PROVIDER, False, [BUYER, PROVIDER]),
        ("card.closed.extras", BUYER, PROVIDER, False, [BUYER, PROVIDER]),
        ("order.confirmed", PROVIDER, "", False, [BUYER, PROVIDER]),
        ("refund.issued", "", "", False, [BUYER]),
        ("payout.paid", "", "", False, [PROVIDER]),
        ("dispute.updated", "", "", False, [PROVIDER]),
        ("dispute.opened", "", "", False, [BUYER, PROVIDER]),
    ],
)
def test_each_event_reaches_who_it_concerns(
    event_type: str, actor: str, creator: str, awaits_creator: bool, expected: list[str]
) -> None:
    found = recipients(
        event_type, participants=SIDES, actor_id=actor, card_created_by=creator, card_awaits_creator=awaits_creator
    )
    assert found == expected


def test_support_names_its_own_audience_once_each() -> None:
    assert recipients(
        "support.case.escalated", participants=None, actor_id="", listed=["u_agent", "u_agent", "u_b"]
    ) == [
        "u_agent",
        "u_b",
    ]


def test_money_and_terms_are_transactional_and_card_messages_optional() -> None:
    assert category_of("payout.paid") is Category.TRANSACTIONAL
    assert category_of("order.cancelled") is Category.TRANSACTIONAL
    assert category_of("card.requested.extras") is Category.OPTIONAL
    assert category_of("order.completed") is Category.OPTIONAL


def test_an_expiring_reschedule_and_anything_about_an_order_within_a_day_break_through() -> None:
    far = NOW + timedelta(days=10)
    assert breaks_through("card.expiring.reschedule", now=NOW, start=far, end=far + timedelta(hours=2))
    assert not breaks_through("card.requested.extras", now=NOW, start=far, end=far + timedelta(hours=2))
    soon = NOW + timedelta(hours=23, minutes=59)
    assert breaks_through("card.requested.extras", now=NOW, start=soon, end=soon + timedelta(hours=2))
    # Under way counts too; over does not.
    assert breaks_through(
        "card.requested.proofs", now=NOW, start=NOW - timedelta(hours=1), end=NOW + timedelta(hours=1)
    )
    assert not breaks_through(
        "card.requested.proofs", now=NOW, start=NOW - timedelta(hours=3), end=NOW - timedelta(hours=1)
    )
    assert not breaks_through("payout.paid", now=NOW, start=soon, end=soon + timedelta(hours=2))


def reader(**overrides: object) -> Reader:
    values: dict[str, object] = {
        "user_id": BUYER,
        "email": True,
        "push": True,
        "has_device": True,
        # 23:00 UTC is 00:00 in Berlin: inside 22:00–07:00 there.
        "quiet_hours": QuietHours.of("22:00", "07:00", "Europe/Berlin"),
    }
    values.update(overrides)
    return Reader(**values)  # type: ignore[arg-type]


def channels(planned: list[object]) -> dict[Channel, tuple[DeliveryStatus, datetime | None]]:
    return {p.channel: (p.status, p.hold_until) for p in planned}  # type: ignore[attr-defined]


def test_quiet_hours_hold_optional_email_and_push_but_never_the_feed() -> None:
    end = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert channels(plan(reader(), category=Category.OPTIONAL, urgent=False, now=NOW)) == {
        Channel.IN_APP: (DeliveryStatus.SENT, None),
        Channel.EMAIL: (DeliveryStatus.HELD, end),
        Channel.PUSH: (DeliveryStatus.HELD, end),
    }
    # A transactional email goes at once; its push still waits.
    assert channels(plan(reader(), category=Category.TRANSACTIONAL, urgent=False, now=NOW)) == {
        Channel.IN_APP: (DeliveryStatus.SENT, None),
        Channel.EMAIL: (DeliveryStatus.PENDING, None),
        Channel.PUSH: (DeliveryStatus.HELD, end),
    }
    # Breaking through: everything at once.
    assert {s for s, _ in channels(plan(reader(), category=Category.OPTIONAL, urgent=True, now=NOW)).values()} == {
        DeliveryStatus.SENT,
        DeliveryStatus.PENDING,
    }


def test_opt_outs_devices_and_feed_only_messages() -> None:
    assert set(channels(plan(reader(email=False), category=Category.OPTIONAL, urgent=False, now=NOW))) == {
        Channel.IN_APP,
        Channel.PUSH,
    }
    assert Channel.EMAIL in channels(plan(reader(email=False), category=Category.TRANSACTIONAL, urgent=False, now=NOW))
    assert Channel.PUSH not in channels(
        plan(reader(has_device=False), category=Category.OPTIONAL, urgent=False, now=NOW)
    )
    assert Channel.PUSH not in channels(plan(reader(push=False), category=Category.TRANSACTIONAL, urgent=True, now=NOW))
    only = plan(reader(), category=Category.TRANSACTIONAL, urgent=True, now=NOW, feed_only=True)
    assert channels(only) == {Channel.IN_APP: (DeliveryStatus.SENT, None)}
