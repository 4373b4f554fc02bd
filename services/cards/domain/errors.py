"""Why cards refuses: the reasons of ``callsheet.cards.v1.ErrorReason``, each with its contract code."""

from __future__ import annotations

from callsheet_kit.errors import ErrorCode, Reason


class CardsReason(Reason):
    """Failures particular to cards (the common ones are ``CommonReason``)."""

    # The card is not OPEN (or not in the state the action needs).
    CARD_NOT_OPEN = "CARD_NOT_OPEN", ErrorCode.FAILED_PRECONDITION
    # The order's state does not allow this card type.
    ORDER_STATE = "ORDER_STATE", ErrorCode.FAILED_PRECONDITION
    # A card of this type is already OPEN on the order.
    CARD_ALREADY_OPEN = "CARD_ALREADY_OPEN", ErrorCode.FAILED_PRECONDITION
    # COMPLETE and RESCHEDULE exclude each other while one is OPEN.
    CARDS_EXCLUDE = "CARDS_EXCLUDE", ErrorCode.FAILED_PRECONDITION
    # The order is DISPUTED: only the dispute's own evidence may be added.
    ORDER_DISPUTED = "ORDER_DISPUTED", ErrorCode.FAILED_PRECONDITION
    # The action is not one this card takes now (e.g. UPLOAD before changes were requested).
    ACTION_NOT_ALLOWED = "ACTION_NOT_ALLOWED", ErrorCode.FAILED_PRECONDITION
    # PROOFS took its three change-request rounds.
    CHANGE_ROUNDS_USED = "CHANGE_ROUNDS_USED", ErrorCode.FAILED_PRECONDITION
    # A dispute is opened within the policy's days after the end, not later.
    DISPUTE_WINDOW_CLOSED = "DISPUTE_WINDOW_CLOSED", ErrorCode.FAILED_PRECONDITION
