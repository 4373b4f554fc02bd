from callsheet.events.v1 import options_pb2 as _options_pb2
from callsheet.support.v1 import support_pb2 as _support_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SupportCaseOpened(_message.Message):
    __slots__ = ("case", "recipient_ids")
    CASE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    case: _support_pb2.CaseSummary
    recipient_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, case: _Optional[_Union[_support_pb2.CaseSummary, _Mapping]] = ..., recipient_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class SupportCaseUpdated(_message.Message):
    __slots__ = ("case", "recipient_ids", "change")
    CASE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    CHANGE_FIELD_NUMBER: _ClassVar[int]
    case: _support_pb2.CaseSummary
    recipient_ids: _containers.RepeatedScalarFieldContainer[str]
    change: str
    def __init__(self, case: _Optional[_Union[_support_pb2.CaseSummary, _Mapping]] = ..., recipient_ids: _Optional[_Iterable[str]] = ..., change: _Optional[str] = ...) -> None: ...

class SupportCaseEscalated(_message.Message):
    __slots__ = ("case", "recipient_ids", "reason")
    CASE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case: _support_pb2.CaseSummary
    recipient_ids: _containers.RepeatedScalarFieldContainer[str]
    reason: str
    def __init__(self, case: _Optional[_Union[_support_pb2.CaseSummary, _Mapping]] = ..., recipient_ids: _Optional[_Iterable[str]] = ..., reason: _Optional[str] = ...) -> None: ...

class SupportCaseResolved(_message.Message):
    __slots__ = ("case", "recipient_ids", "note")
    CASE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_IDS_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    case: _support_pb2.CaseSummary
    recipient_ids: _containers.RepeatedScalarFieldContainer[str]
    note: str
    def __init__(self, case: _Optional[_Union[_support_pb2.CaseSummary, _Mapping]] = ..., recipient_ids: _Optional[_Iterable[str]] = ..., note: _Optional[str] = ...) -> None: ...

class SupportCaseRedacted(_message.Message):
    __slots__ = ("case", "actor_id", "target", "reason")
    CASE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    case: _support_pb2.CaseSummary
    actor_id: str
    target: str
    reason: str
    def __init__(self, case: _Optional[_Union[_support_pb2.CaseSummary, _Mapping]] = ..., actor_id: _Optional[str] = ..., target: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
