"""The words of the action-card engine: card types, states and actions, the two parties, the order as cards see it.

Pure Python: no I/O. The contract's enums (``CardType``, ``CardState``, ``CardAction``) are mirrored
here by value, in lower case as they are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class CardType(StrEnum):
    """The six kinds of mid-order change."""

    RESCHEDULE = "reschedule"
    EXTRAS = "extras"
    PROOFS = "proofs"
    EXPENSE = "expense"
    COMPLETE = "complete"
    DISPUTE = "dispute"


class CardState(StrEnum):
    """Where a card is. OPEN → ACCEPTED (its effect running) → CLOSED; the others are final."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"
    CLOSED = "closed"


FINAL_STATES = frozenset(
    {CardState.DECLINED, CardState.EXPIRED, CardState.CANCELLED, CardState.SUPERSEDED, CardState.CLOSED}
)


class CardAction(StrEnum):
    """What a response does."""

    ACCEPT = "accept"
    DECLINE = "decline"
    COUNTER = "counter"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    UPLOAD = "upload"


class Party(StrEnum):
    """A participant's side of an order."""

    BUYER = "buyer"
    PROVIDER = "provider"

    @property
    def other(self) -> Party:
        """The counterpart."""
        return Party.PROVIDER if self is Party.BUYER else Party.BUYER


class OrderState(StrEnum):
    """The order's states, as orders publishes them."""

    CREATED = "created"
    AUTHORIZED = "authorized"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"
    CLOSED = "closed"


@dataclass(frozen=True)
class OrderView:
    """What cards knows of an order: who takes part, where it stands, when it runs, its policy."""

    order_id: str
    buyer_id: str
    provider_id: str
    state: OrderState
    start_utc: datetime
    end_utc: datetime
    version: int
    currency: str = "USD"
    dispute_window_days: int = 7

    def party_of(self, user_id: str) -> Party | None:
        """The side ``user_id`` is on, or None for a stranger."""
        if user_id and user_id == self.buyer_id:
            return Party.BUYER
        if user_id and user_id == self.provider_id:
            return Party.PROVIDER
        return None

    def user_of(self, party: Party) -> str:
        """The participant on ``party``'s side."""
        return self.buyer_id if party is Party.BUYER else self.provider_id
