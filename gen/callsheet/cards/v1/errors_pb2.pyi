from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    ERROR_REASON_CARD_NOT_OPEN: _ClassVar[ErrorReason]
    ERROR_REASON_ORDER_STATE: _ClassVar[ErrorReason]
    ERROR_REASON_CARD_ALREADY_OPEN: _ClassVar[ErrorReason]
    ERROR_REASON_CARDS_EXCLUDE: _ClassVar[ErrorReason]
    ERROR_REASON_ORDER_DISPUTED: _ClassVar[ErrorReason]
    ERROR_REASON_ACTION_NOT_ALLOWED: _ClassVar[ErrorReason]
    ERROR_REASON_CHANGE_ROUNDS_USED: _ClassVar[ErrorReason]
    ERROR_REASON_DISPUTE_WINDOW_CLOSED: _ClassVar[ErrorReason]
ERROR_REASON_UNSPECIFIED: ErrorReason
ERROR_REASON_CARD_NOT_OPEN: ErrorReason
ERROR_REASON_ORDER_STATE: ErrorReason
ERROR_REASON_CARD_ALREADY_OPEN: ErrorReason
ERROR_REASON_CARDS_EXCLUDE: ErrorReason
ERROR_REASON_ORDER_DISPUTED: ErrorReason
ERROR_REASON_ACTION_NOT_ALLOWED: ErrorReason
ERROR_REASON_CHANGE_ROUNDS_USED: ErrorReason
ERROR_REASON_DISPUTE_WINDOW_CLOSED: ErrorReason
