from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    ERROR_REASON_CASE_STATE: _ClassVar[ErrorReason]
    ERROR_REASON_CASE_TYPE: _ClassVar[ErrorReason]
    ERROR_REASON_SYSTEM_ONLY: _ClassVar[ErrorReason]
    ERROR_REASON_DMCA_STEP: _ClassVar[ErrorReason]
    ERROR_REASON_ALREADY_REDACTED: _ClassVar[ErrorReason]
ERROR_REASON_UNSPECIFIED: ErrorReason
ERROR_REASON_CASE_STATE: ErrorReason
ERROR_REASON_CASE_TYPE: ErrorReason
ERROR_REASON_SYSTEM_ONLY: ErrorReason
ERROR_REASON_DMCA_STEP: ErrorReason
ERROR_REASON_ALREADY_REDACTED: ErrorReason
