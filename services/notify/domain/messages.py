"""The words of notify: channels, delivery states and the two kinds of message."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Where a notification goes."""

    IN_APP = "in_app"
    EMAIL = "email"
    PUSH = "push"


class DeliveryStatus(StrEnum):
    """Where a notification is on its way.

    PENDING waits for its next attempt (``next_attempt_at``); HELD waits for the reader's quiet
    hours to end (``hold_until``); DIGESTED went out inside a digest of held messages; SKIPPED had
    nowhere to go when its turn came (no address, no device, opted out meanwhile); DEAD_LETTER
    failed every attempt of its budget and waits for an operator.
    """

    PENDING = "pending"
    HELD = "held"
    SENT = "sent"
    DIGESTED = "digested"
    SKIPPED = "skipped"
    DEAD_LETTER = "dead_letter"


class Category(StrEnum):
    """Whether a message is one a user may turn off (by email) and quiet hours hold.

    TRANSACTIONAL messages are about money, the booking's terms and support answers: emailed
    whatever the email preference and at once, even in quiet hours (a push of one still waits for
    them to end). OPTIONAL messages follow the email preference and quiet hours on email and push.
    """

    TRANSACTIONAL = "transactional"
    OPTIONAL = "optional"
