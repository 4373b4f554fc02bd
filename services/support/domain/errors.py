"""Why support refuses: the reasons of ``callsheet.support.v1.ErrorReason``, each with its contract code."""

from __future__ import annotations

from callsheet_kit.errors import ErrorCode, Reason


class SupportReason(Reason):
    """Failures particular to support (the common ones are ``CommonReason``)."""

    # The case's state does not allow this.
    CASE_STATE = "CASE_STATE", ErrorCode.FAILED_PRECONDITION
    # The case type does not take this action.
    CASE_TYPE = "CASE_TYPE", ErrorCode.FAILED_PRECONDITION
    # The type opens only by itself (a booking dispute, a chargeback).
    SYSTEM_ONLY = "SYSTEM_ONLY", ErrorCode.FAILED_PRECONDITION
    # The DMCA notice is not at the step the action needs.
    DMCA_STEP = "DMCA_STEP", ErrorCode.FAILED_PRECONDITION
    # Already redacted.
    ALREADY_REDACTED = "ALREADY_REDACTED", ErrorCode.FAILED_PRECONDITION
