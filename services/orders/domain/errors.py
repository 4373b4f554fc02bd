"""Why orders refuses: the reasons of ``callsheet.orders.v1.ErrorReason``, each with its contract code."""

from __future__ import annotations

from callsheet_kit.errors import ErrorCode, Reason


class OrdersReason(Reason):
    """Failures particular to orders (the common ones are ``CommonReason``)."""

    SLOT_TAKEN = "SLOT_TAKEN", ErrorCode.FAILED_PRECONDITION
    INVALID_TRANSITION = "INVALID_TRANSITION", ErrorCode.FAILED_PRECONDITION
    PROVIDER_NOT_ACTIVE = "PROVIDER_NOT_ACTIVE", ErrorCode.FAILED_PRECONDITION
    DISPUTE_WINDOW_CLOSED = "DISPUTE_WINDOW_CLOSED", ErrorCode.FAILED_PRECONDITION
    HOLD_RELEASED = "HOLD_RELEASED", ErrorCode.FAILED_PRECONDITION
