import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HelpArticle(_message.Message):
    __slots__ = ("id", "title", "summary", "url", "rank")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    summary: str
    url: str
    rank: float
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., url: _Optional[str] = ..., rank: _Optional[float] = ...) -> None: ...

class SearchHelpArticlesRequest(_message.Message):
    __slots__ = ("query", "order_id", "limit")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    query: str
    order_id: str
    limit: int
    def __init__(self, query: _Optional[str] = ..., order_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class SearchHelpArticlesResponse(_message.Message):
    __slots__ = ("articles", "search_id")
    ARTICLES_FIELD_NUMBER: _ClassVar[int]
    SEARCH_ID_FIELD_NUMBER: _ClassVar[int]
    articles: _containers.RepeatedCompositeFieldContainer[HelpArticle]
    search_id: str
    def __init__(self, articles: _Optional[_Iterable[_Union[HelpArticle, _Mapping]]] = ..., search_id: _Optional[str] = ...) -> None: ...

class RecordDeflectionRequest(_message.Message):
    __slots__ = ("search_id", "article_id")
    SEARCH_ID_FIELD_NUMBER: _ClassVar[int]
    ARTICLE_ID_FIELD_NUMBER: _ClassVar[int]
    search_id: str
    article_id: str
    def __init__(self, search_id: _Optional[str] = ..., article_id: _Optional[str] = ...) -> None: ...

class RecordDeflectionResponse(_message.Message):
    __slots__ = ("recorded",)
    RECORDED_FIELD_NUMBER: _ClassVar[int]
    recorded: bool
    def __init__(self, recorded: _Optional[bool] = ...) -> None: ...

class GetDeflectionStatsRequest(_message.Message):
    __slots__ = ("since", "until")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    def __init__(self, since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ArticleStats(_message.Message):
    __slots__ = ("article_id", "title", "suggested", "deflected")
    ARTICLE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_FIELD_NUMBER: _ClassVar[int]
    DEFLECTED_FIELD_NUMBER: _ClassVar[int]
    article_id: str
    title: str
    suggested: int
    deflected: int
    def __init__(self, article_id: _Optional[str] = ..., title: _Optional[str] = ..., suggested: _Optional[int] = ..., deflected: _Optional[int] = ...) -> None: ...

class GetDeflectionStatsResponse(_message.Message):
    __slots__ = ("searches", "deflections", "cases_opened", "deflection_rate", "articles")
    SEARCHES_FIELD_NUMBER: _ClassVar[int]
    DEFLECTIONS_FIELD_NUMBER: _ClassVar[int]
    CASES_OPENED_FIELD_NUMBER: _ClassVar[int]
    DEFLECTION_RATE_FIELD_NUMBER: _ClassVar[int]
    ARTICLES_FIELD_NUMBER: _ClassVar[int]
    searches: int
    deflections: int
    cases_opened: int
    deflection_rate: float
    articles: _containers.RepeatedCompositeFieldContainer[ArticleStats]
    def __init__(self, searches: _Optional[int] = ..., deflections: _Optional[int] = ..., cases_opened: _Optional[int] = ..., deflection_rate: _Optional[float] = ..., articles: _Optional[_Iterable[_Union[ArticleStats, _Mapping]]] = ...) -> None: ...

class CaseSummary(_message.Message):
    __slots__ = ("id", "type", "state", "priority", "subject", "order_id", "opened_by", "first_response_due", "resolution_due", "sla_breached")
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    OPENED_BY_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_DUE_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_DUE_FIELD_NUMBER: _ClassVar[int]
    SLA_BREACHED_FIELD_NUMBER: _ClassVar[int]
    id: str
    type: str
    state: str
    priority: str
    subject: str
    order_id: str
    opened_by: str
    first_response_due: _timestamp_pb2.Timestamp
    resolution_due: _timestamp_pb2.Timestamp
    sla_breached: bool
    def __init__(self, id: _Optional[str] = ..., type: _Optional[str] = ..., state: _Optional[str] = ..., priority: _Optional[str] = ..., subject: _Optional[str] = ..., order_id: _Optional[str] = ..., opened_by: _Optional[str] = ..., first_response_due: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolution_due: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sla_breached: _Optional[bool] = ...) -> None: ...

class CaseEvent(_message.Message):
    __slots__ = ("id", "kind", "actor_user_id", "payload_json", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ACTOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    actor_user_id: str
    payload_json: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., actor_user_id: _Optional[str] = ..., payload_json: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SupportCase(_message.Message):
    __slots__ = ("summary", "version", "assignee_id", "queue", "description", "payload_json", "events", "evidence_pack_url", "resolution_json", "created_at", "updated_at", "resolved_at")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_PACK_URL_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_JSON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    summary: CaseSummary
    version: int
    assignee_id: str
    queue: str
    description: str
    payload_json: str
    events: _containers.RepeatedCompositeFieldContainer[CaseEvent]
    evidence_pack_url: str
    resolution_json: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    resolved_at: _timestamp_pb2.Timestamp
    def __init__(self, summary: _Optional[_Union[CaseSummary, _Mapping]] = ..., version: _Optional[int] = ..., assignee_id: _Optional[str] = ..., queue: _Optional[str] = ..., description: _Optional[str] = ..., payload_json: _Optional[str] = ..., events: _Optional[_Iterable[_Union[CaseEvent, _Mapping]]] = ..., evidence_pack_url: _Optional[str] = ..., resolution_json: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OpenCaseRequest(_message.Message):
    __slots__ = ("request_id", "type", "order_id", "subject", "description", "payload_json")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    type: str
    order_id: str
    subject: str
    description: str
    payload_json: str
    def __init__(self, request_id: _Optional[str] = ..., type: _Optional[str] = ..., order_id: _Optional[str] = ..., subject: _Optional[str] = ..., description: _Optional[str] = ..., payload_json: _Optional[str] = ...) -> None: ...

class OpenCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("case_id",)
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    def __init__(self, case_id: _Optional[str] = ...) -> None: ...

class GetCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class ListCasesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "states", "types", "queue", "assignee_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    TYPES_FIELD_NUMBER: _ClassVar[int]
    QUEUE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    states: _containers.RepeatedScalarFieldContainer[str]
    types: _containers.RepeatedScalarFieldContainer[str]
    queue: str
    assignee_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., states: _Optional[_Iterable[str]] = ..., types: _Optional[_Iterable[str]] = ..., queue: _Optional[str] = ..., assignee_id: _Optional[str] = ...) -> None: ...

class CaseEdge(_message.Message):
    __slots__ = ("cursor", "case")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    CASE_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    case: SupportCase
    def __init__(self, cursor: _Optional[str] = ..., case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class ListCasesResponse(_message.Message):
    __slots__ = ("edges", "next_page_token")
    EDGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    edges: _containers.RepeatedCompositeFieldContainer[CaseEdge]
    next_page_token: str
    def __init__(self, edges: _Optional[_Iterable[_Union[CaseEdge, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ReplyToCaseRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "body", "state", "internal")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    INTERNAL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    body: str
    state: str
    internal: bool
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., body: _Optional[str] = ..., state: _Optional[str] = ..., internal: _Optional[bool] = ...) -> None: ...

class ReplyToCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class AssignCaseRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "assignee_id", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    assignee_id: str
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., assignee_id: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class AssignCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class ChangeCaseRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "state", "priority", "note", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    state: str
    priority: str
    note: str
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., state: _Optional[str] = ..., priority: _Optional[str] = ..., note: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ChangeCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class RedactCaseRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "event_id", "field", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    event_id: str
    field: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., event_id: _Optional[str] = ..., field: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RedactCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class ResolveCaseRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "resolution_json", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_JSON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    resolution_json: str
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., resolution_json: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ResolveCaseResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class ActOnDmcaRequest(_message.Message):
    __slots__ = ("request_id", "case_id", "action", "payload_json", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    case_id: str
    action: str
    payload_json: str
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., case_id: _Optional[str] = ..., action: _Optional[str] = ..., payload_json: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ActOnDmcaResponse(_message.Message):
    __slots__ = ("case",)
    CASE_FIELD_NUMBER: _ClassVar[int]
    case: SupportCase
    def __init__(self, case: _Optional[_Union[SupportCase, _Mapping]] = ...) -> None: ...

class GetStrikesRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class Strike(_message.Message):
    __slots__ = ("case_id", "kind", "created_at", "withdrawn_at")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    kind: str
    created_at: _timestamp_pb2.Timestamp
    withdrawn_at: _timestamp_pb2.Timestamp
    def __init__(self, case_id: _Optional[str] = ..., kind: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., withdrawn_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetStrikesResponse(_message.Message):
    __slots__ = ("strikes", "active")
    STRIKES_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    strikes: _containers.RepeatedCompositeFieldContainer[Strike]
    active: int
    def __init__(self, strikes: _Optional[_Iterable[_Union[Strike, _Mapping]]] = ..., active: _Optional[int] = ...) -> None: ...
