from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FailpointAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILPOINT_ACTION_UNSPECIFIED: _ClassVar[FailpointAction]
    FAILPOINT_ACTION_ERROR: _ClassVar[FailpointAction]
    FAILPOINT_ACTION_CRASH: _ClassVar[FailpointAction]
FAILPOINT_ACTION_UNSPECIFIED: FailpointAction
FAILPOINT_ACTION_ERROR: FailpointAction
FAILPOINT_ACTION_CRASH: FailpointAction

class ArmFailpointRequest(_message.Message):
    __slots__ = ("name", "action", "times")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TIMES_FIELD_NUMBER: _ClassVar[int]
    name: str
    action: FailpointAction
    times: int
    def __init__(self, name: _Optional[str] = ..., action: _Optional[_Union[FailpointAction, str]] = ..., times: _Optional[int] = ...) -> None: ...

class ArmFailpointResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DisarmFailpointRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DisarmFailpointResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
