from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    ERROR_REASON_PAYMENT_DECLINED: _ClassVar[ErrorReason]
    ERROR_REASON_QUOTE_USED: _ClassVar[ErrorReason]
    ERROR_REASON_QUOTE_EXPIRED: _ClassVar[ErrorReason]
    ERROR_REASON_PAYMENT_NOT_CAPTURABLE: _ClassVar[ErrorReason]
    ERROR_REASON_SLOT_TAKEN: _ClassVar[ErrorReason]
    ERROR_REASON_REFUND_EXCEEDS_CAPTURE: _ClassVar[ErrorReason]
    ERROR_REASON_PAYMENT_NOT_REFUNDABLE: _ClassVar[ErrorReason]
    ERROR_REASON_PAYOUT_RELEASED: _ClassVar[ErrorReason]
    ERROR_REASON_DISPUTE_EVIDENCE_SUBMITTED: _ClassVar[ErrorReason]
    ERROR_REASON_DISPUTE_CLOSED: _ClassVar[ErrorReason]
    ERROR_REASON_PAYMENT_NOT_CAPTURED: _ClassVar[ErrorReason]
ERROR_REASON_UNSPECIFIED: ErrorReason
ERROR_REASON_PAYMENT_DECLINED: ErrorReason
ERROR_REASON_QUOTE_USED: ErrorReason
ERROR_REASON_QUOTE_EXPIRED: ErrorReason
ERROR_REASON_PAYMENT_NOT_CAPTURABLE: ErrorReason
ERROR_REASON_SLOT_TAKEN: ErrorReason
ERROR_REASON_REFUND_EXCEEDS_CAPTURE: ErrorReason
ERROR_REASON_PAYMENT_NOT_REFUNDABLE: ErrorReason
ERROR_REASON_PAYOUT_RELEASED: ErrorReason
ERROR_REASON_DISPUTE_EVIDENCE_SUBMITTED: ErrorReason
ERROR_REASON_DISPUTE_CLOSED: ErrorReason
ERROR_REASON_PAYMENT_NOT_CAPTURED: ErrorReason
