"""What notify counts: delivery attempts by channel and outcome, once what became of them is written.

``sent`` went, ``retry`` failed and waits for its next attempt, ``dead_letter`` used up its
attempts (or cannot be rendered) and waits for an operator, ``skipped`` had nowhere to go. A
notification given back unsent at the end of a batch was not attempted and is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from callsheet_kit.metrics import counter
from services.notify.adapters.repositories import Outcome
from services.notify.domain.messages import Channel, DeliveryStatus


class Delivered(StrEnum):
    """What became of one attempt (the ``outcome`` label)."""

    SENT = "sent"
    RETRY = "retry"
    DEAD_LETTER = "dead_letter"
    SKIPPED = "skipped"


# The channels notify sends on itself (in-app notifications are read, not sent).
SENT_CHANNELS = (Channel.EMAIL, Channel.PUSH)

deliveries = counter(
    "callsheet.notification.deliveries",
    "Delivery attempts by channel and outcome",
    from_zero=[
        {"channel": channel.value, "outcome": outcome.value} for channel in SENT_CHANNELS for outcome in Delivered
    ],
)


def delivered(outcome: Outcome) -> Delivered | None:
    """What an attempt's written outcome says became of it; None for one given back unattempted."""
    if outcome.status is DeliveryStatus.SENT:
        return Delivered.SENT
    if outcome.status is DeliveryStatus.SKIPPED:
        return Delivered.SKIPPED
    if outcome.status is DeliveryStatus.DEAD_LETTER:
        return Delivered.DEAD_LETTER
    if outcome.status is DeliveryStatus.PENDING and outcome.attempts is None:
        return Delivered.RETRY
    return None


def count_deliveries(channel: Channel, outcomes: Iterable[Outcome]) -> None:
    """Counts the attempts of one batch on ``channel``."""
    for outcome in outcomes:
        found = delivered(outcome)
        if found is not None:
            deliveries.add(1, {"channel": channel.value, "outcome": found.value})
