"""Why payments refuses: the reasons of ``callsheet.payments.v1.ErrorReason``, each with its contract code."""

from __future__ import annotations

from callsheet_kit.errors import ErrorCode, Reason


class PaymentsReason(Reason):
    """Failures particular to payments (the common ones are ``CommonReason``)."""

    PAYMENT_DECLINED = "PAYMENT_DECLINED", ErrorCode.FAILED_PRECONDITION
    QUOTE_USED = "QUOTE_USED", ErrorCode.FAILED_PRECONDITION
    QUOTE_EXPIRED = "QUOTE_EXPIRED", ErrorCode.FAILED_PRECONDITION
    PAYMENT_NOT_CAPTURABLE = "PAYMENT_NOT_CAPTURABLE", ErrorCode.FAILED_PRECONDITION
    SLOT_TAKEN = "SLOT_TAKEN", ErrorCode.FAILED_PRECONDITION
    REFUND_EXCEEDS_CAPTURE = "REFUND_EXCEEDS_CAPTURE", ErrorCode.FAILED_PRECONDITION
    PAYMENT_NOT_REFUNDABLE = "PAYMENT_NOT_REFUNDABLE", ErrorCode.FAILED_PRECONDITION
