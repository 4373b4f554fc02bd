import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetClockRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetClockResponse(_message.Message):
    __slots__ = ("now", "offset_seconds")
    NOW_FIELD_NUMBER: _ClassVar[int]
    OFFSET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    now: _timestamp_pb2.Timestamp
    offset_seconds: int
    def __init__(self, now: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., offset_seconds: _Optional[int] = ...) -> None: ...

class SetClockOffsetRequest(_message.Message):
    __slots__ = ("offset_seconds",)
    OFFSET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    offset_seconds: int
    def __init__(self, offset_seconds: _Optional[int] = ...) -> None: ...

class SetClockOffsetResponse(_message.Message):
    __slots__ = ("now", "offset_seconds")
    NOW_FIELD_NUMBER: _ClassVar[int]
    OFFSET_SECONDS_FIELD_NUMBER: _ClassVar[int]
    now: _timestamp_pb2.Timestamp
    offset_seconds: int
    def __init__(self, now: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., offset_seconds: _Optional[int] = ...) -> None: ...
