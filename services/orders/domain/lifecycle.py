"""The order state machine of the contract, and who may move an order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callsheet_kit.errors import conflict, not_found, permission_denied
from services.orders.domain.errors import OrdersReason


class OrderState(StrEnum):
    """The states of an order."""

    CREATED = "created"
    AUTHORIZED = "authorized"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"
    CLOSED = "closed"


S = OrderState

# Every transition of contract/RULES.md; anything else fails with FAILED_PRECONDITION.
TRANSITIONS: frozenset[tuple[OrderState, OrderState]] = frozenset(
    {
        (S.CREATED, S.AUTHORIZED),
        (S.AUTHORIZED, S.CONFIRMED),
        (S.AUTHORIZED, S.CANCELLED),
        (S.CONFIRMED, S.CANCELLED),
        (S.CONFIRMED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.CONFIRMED),
        (S.IN_PROGRESS, S.COMPLETED),
        (S.IN_PROGRESS, S.DISPUTED),
        (S.COMPLETED, S.DISPUTED),
        (S.DISPUTED, S.COMPLETED),
        (S.COMPLETED, S.CLOSED),
    }
)


class Party(StrEnum):
    """A participant's side of an order."""

    BUYER = "buyer"
    PROVIDER = "provider"


@dataclass(frozen=True)
class Parties:
    """The two participants of an order."""

    buyer_id: str
    provider_id: str

    def party_of(self, user_id: str) -> Party | None:
        """The side the user is on, or None for a non-participant."""
        if user_id and user_id == self.buyer_id:
            return Party.BUYER
        if user_id and user_id == self.provider_id:
            return Party.PROVIDER
        return None


def require_transition(current: OrderState, target: OrderState) -> None:
    """Fails unless the contract allows ``current`` → ``target``."""
    if (current, target) not in TRANSITIONS:
        raise OrdersReason.INVALID_TRANSITION.error(
            f"an order that is {current.value.upper()} cannot become {target.value.upper()}",
            state=current.value.upper(),
        )


def require_state(current: OrderState, allowed: frozenset[OrderState], *, action: str) -> None:
    """Fails unless the order is in one of the states in which it may ``action``."""
    if current not in allowed:
        raise OrdersReason.INVALID_TRANSITION.error(
            f"an order that is {current.value.upper()} cannot {action}", state=current.value.upper()
        )


def require_version(current: int, expected: int) -> None:
    """Fails with CONFLICT when the caller saw an older version."""
    if expected != current:
        raise conflict(current)


def visible_to(parties: Parties, user_id: str, *, is_staff: bool) -> bool:
    """Only the participants (and support staff) learn that an order exists."""
    return is_staff or parties.party_of(user_id) is not None


def require_party(parties: Parties, user_id: str, *, allowed: set[Party], is_staff: bool, action: str) -> Party:
    """The caller's side when it may ``action``; NOT_FOUND for strangers, PERMISSION_DENIED for the wrong side."""
    party = parties.party_of(user_id)
    if party is None:
        if is_staff:
            raise permission_denied(f"only a participant may {action}")
        raise not_found("order")
    if party not in allowed:
        raise permission_denied(f"only the {' or '.join(sorted(p.value for p in allowed))} may {action}")
    return party
