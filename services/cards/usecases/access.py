"""Who may read cards and media beyond an order's participants, and who may command support's changes.

Participants and support staff read an order's cards; so does the support service when it reads
on its own account (acting for no user), to build a dispute's evidence and act on a case, as
orders lets it read any order. Resolving a dispute card and hiding media are support's
commands, made with its own credential: no user may call them, whoever they are.
"""

from __future__ import annotations

from callsheet_kit.errors import permission_denied
from callsheet_kit.identity import Caller
from services.cards.domain.card import Card, visible_to

SUPPORT = frozenset({"support"})
# Services that may read any order's cards on their own account.
CARD_READERS = SUPPORT


def reads_as_service(caller: Caller) -> bool:
    """True for a reader service calling on its own account: it reads cards' own records of any
    order (orders would not show the order to cards on its behalf, so it is not asked)."""
    return caller.service in CARD_READERS and not caller.user_id


def reads_any_order(caller: Caller) -> bool:
    """True for staff, and for a reader service calling for no user."""
    return caller.is_staff or reads_as_service(caller)


def may_read(card: Card, caller: Caller) -> bool:
    """Whether ``caller`` may learn that ``card`` exists."""
    return reads_any_order(caller) or visible_to(card, caller.user_id, is_staff=False)


def require_support(caller: Caller, *, action: str) -> None:
    """PERMISSION_DENIED unless the support service makes the call."""
    if caller.service not in SUPPORT:
        raise permission_denied(f"only the support service may {action}")


def require_support_or_staff(caller: Caller, *, action: str) -> None:
    """PERMISSION_DENIED unless the support service or a support agent or admin makes the call."""
    if caller.service not in SUPPORT and not caller.is_staff:
        raise permission_denied(f"only support may {action}")
