from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    ERROR_REASON_SLOT_TAKEN: _ClassVar[ErrorReason]
    ERROR_REASON_INVALID_TRANSITION: _ClassVar[ErrorReason]
    ERROR_REASON_PROVIDER_NOT_ACTIVE: _ClassVar[ErrorReason]
    ERROR_REASON_DISPUTE_WINDOW_CLOSED: _ClassVar[ErrorReason]
    ERROR_REASON_HOLD_RELEASED: _ClassVar[ErrorReason]
ERROR_REASON_UNSPECIFIED: ErrorReason
ERROR_REASON_SLOT_TAKEN: ErrorReason
ERROR_REASON_INVALID_TRANSITION: ErrorReason
ERROR_REASON_PROVIDER_NOT_ACTIVE: ErrorReason
ERROR_REASON_DISPUTE_WINDOW_CLOSED: ErrorReason
ERROR_REASON_HOLD_RELEASED: ErrorReason
