import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CardType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CARD_TYPE_UNSPECIFIED: _ClassVar[CardType]
    CARD_TYPE_RESCHEDULE: _ClassVar[CardType]
    CARD_TYPE_EXTRAS: _ClassVar[CardType]
    CARD_TYPE_PROOFS: _ClassVar[CardType]
    CARD_TYPE_EXPENSE: _ClassVar[CardType]
    CARD_TYPE_COMPLETE: _ClassVar[CardType]
    CARD_TYPE_DISPUTE: _ClassVar[CardType]

class CardState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CARD_STATE_UNSPECIFIED: _ClassVar[CardState]
    CARD_STATE_OPEN: _ClassVar[CardState]
    CARD_STATE_ACCEPTED: _ClassVar[CardState]
    CARD_STATE_DECLINED: _ClassVar[CardState]
    CARD_STATE_EXPIRED: _ClassVar[CardState]
    CARD_STATE_CANCELLED: _ClassVar[CardState]
    CARD_STATE_SUPERSEDED: _ClassVar[CardState]
    CARD_STATE_CLOSED: _ClassVar[CardState]

class CardAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CARD_ACTION_UNSPECIFIED: _ClassVar[CardAction]
    CARD_ACTION_ACCEPT: _ClassVar[CardAction]
    CARD_ACTION_DECLINE: _ClassVar[CardAction]
    CARD_ACTION_COUNTER: _ClassVar[CardAction]
    CARD_ACTION_APPROVE: _ClassVar[CardAction]
    CARD_ACTION_REQUEST_CHANGES: _ClassVar[CardAction]
    CARD_ACTION_UPLOAD: _ClassVar[CardAction]
CARD_TYPE_UNSPECIFIED: CardType
CARD_TYPE_RESCHEDULE: CardType
CARD_TYPE_EXTRAS: CardType
CARD_TYPE_PROOFS: CardType
CARD_TYPE_EXPENSE: CardType
CARD_TYPE_COMPLETE: CardType
CARD_TYPE_DISPUTE: CardType
CARD_STATE_UNSPECIFIED: CardState
CARD_STATE_OPEN: CardState
CARD_STATE_ACCEPTED: CardState
CARD_STATE_DECLINED: CardState
CARD_STATE_EXPIRED: CardState
CARD_STATE_CANCELLED: CardState
CARD_STATE_SUPERSEDED: CardState
CARD_STATE_CLOSED: CardState
CARD_ACTION_UNSPECIFIED: CardAction
CARD_ACTION_ACCEPT: CardAction
CARD_ACTION_DECLINE: CardAction
CARD_ACTION_COUNTER: CardAction
CARD_ACTION_APPROVE: CardAction
CARD_ACTION_REQUEST_CHANGES: CardAction
CARD_ACTION_UPLOAD: CardAction

class Media(_message.Message):
    __slots__ = ("id", "filename", "content_type", "nsfw", "download_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    NSFW_FIELD_NUMBER: _ClassVar[int]
    DOWNLOAD_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    filename: str
    content_type: str
    nsfw: bool
    download_url: str
    def __init__(self, id: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., nsfw: _Optional[bool] = ..., download_url: _Optional[str] = ...) -> None: ...

class CreateMediaUploadRequest(_message.Message):
    __slots__ = ("order_id", "filename", "content_type", "nsfw")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    NSFW_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    filename: str
    content_type: str
    nsfw: bool
    def __init__(self, order_id: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., nsfw: _Optional[bool] = ...) -> None: ...

class CreateMediaUploadResponse(_message.Message):
    __slots__ = ("media_id", "upload_url", "expires_at", "max_bytes")
    MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    UPLOAD_URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    MAX_BYTES_FIELD_NUMBER: _ClassVar[int]
    media_id: str
    upload_url: str
    expires_at: _timestamp_pb2.Timestamp
    max_bytes: int
    def __init__(self, media_id: _Optional[str] = ..., upload_url: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., max_bytes: _Optional[int] = ...) -> None: ...

class ListDeliverablesRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class ListDeliverablesResponse(_message.Message):
    __slots__ = ("media",)
    MEDIA_FIELD_NUMBER: _ClassVar[int]
    media: _containers.RepeatedCompositeFieldContainer[Media]
    def __init__(self, media: _Optional[_Iterable[_Union[Media, _Mapping]]] = ...) -> None: ...

class CardResponse(_message.Message):
    __slots__ = ("id", "responder_user_id", "action", "payload_json", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    RESPONDER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    responder_user_id: str
    action: CardAction
    payload_json: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., responder_user_id: _Optional[str] = ..., action: _Optional[_Union[CardAction, str]] = ..., payload_json: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Card(_message.Message):
    __slots__ = ("id", "order_id", "type", "state", "version", "created_by", "due_at", "expires_at", "superseded_by", "payload_json", "responses", "created_at", "updated_at", "actions", "progress_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_BY_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    type: CardType
    state: CardState
    version: int
    created_by: str
    due_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    superseded_by: str
    payload_json: str
    responses: _containers.RepeatedCompositeFieldContainer[CardResponse]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    actions: _containers.RepeatedScalarFieldContainer[CardAction]
    progress_json: str
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., type: _Optional[_Union[CardType, str]] = ..., state: _Optional[_Union[CardState, str]] = ..., version: _Optional[int] = ..., created_by: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., superseded_by: _Optional[str] = ..., payload_json: _Optional[str] = ..., responses: _Optional[_Iterable[_Union[CardResponse, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., actions: _Optional[_Iterable[_Union[CardAction, str]]] = ..., progress_json: _Optional[str] = ...) -> None: ...

class CreateCardRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "type", "payload_json")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    type: CardType
    payload_json: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., type: _Optional[_Union[CardType, str]] = ..., payload_json: _Optional[str] = ...) -> None: ...

class CreateCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class RespondToCardRequest(_message.Message):
    __slots__ = ("request_id", "card_id", "action", "payload_json", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    card_id: str
    action: CardAction
    payload_json: str
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., card_id: _Optional[str] = ..., action: _Optional[_Union[CardAction, str]] = ..., payload_json: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class RespondToCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class CancelCardRequest(_message.Message):
    __slots__ = ("request_id", "card_id", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    card_id: str
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., card_id: _Optional[str] = ..., expected_version: _Optional[int] = ...) -> None: ...

class CancelCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class GetCardRequest(_message.Message):
    __slots__ = ("card_id",)
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    card_id: str
    def __init__(self, card_id: _Optional[str] = ...) -> None: ...

class GetCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class ListCardsRequest(_message.Message):
    __slots__ = ("order_id", "states")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    states: _containers.RepeatedScalarFieldContainer[CardState]
    def __init__(self, order_id: _Optional[str] = ..., states: _Optional[_Iterable[_Union[CardState, str]]] = ...) -> None: ...

class ListCardsResponse(_message.Message):
    __slots__ = ("cards",)
    CARDS_FIELD_NUMBER: _ClassVar[int]
    cards: _containers.RepeatedCompositeFieldContainer[Card]
    def __init__(self, cards: _Optional[_Iterable[_Union[Card, _Mapping]]] = ...) -> None: ...

class ResolveDisputeCardRequest(_message.Message):
    __slots__ = ("request_id", "card_id", "note")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    card_id: str
    note: str
    def __init__(self, request_id: _Optional[str] = ..., card_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ResolveDisputeCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class SetMediaHiddenRequest(_message.Message):
    __slots__ = ("request_id", "media_ids", "hidden", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEDIA_IDS_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    media_ids: _containers.RepeatedScalarFieldContainer[str]
    hidden: bool
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., media_ids: _Optional[_Iterable[str]] = ..., hidden: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...

class SetMediaHiddenResponse(_message.Message):
    __slots__ = ("media",)
    MEDIA_FIELD_NUMBER: _ClassVar[int]
    media: _containers.RepeatedCompositeFieldContainer[MediaInfo]
    def __init__(self, media: _Optional[_Iterable[_Union[MediaInfo, _Mapping]]] = ...) -> None: ...

class DescribeMediaRequest(_message.Message):
    __slots__ = ("media_ids",)
    MEDIA_IDS_FIELD_NUMBER: _ClassVar[int]
    media_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, media_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class MediaInfo(_message.Message):
    __slots__ = ("id", "order_id", "uploader_id", "filename", "content_type", "nsfw", "hidden", "hidden_reason", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    UPLOADER_ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    NSFW_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    uploader_id: str
    filename: str
    content_type: str
    nsfw: bool
    hidden: bool
    hidden_reason: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., uploader_id: _Optional[str] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., nsfw: _Optional[bool] = ..., hidden: _Optional[bool] = ..., hidden_reason: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DescribeMediaResponse(_message.Message):
    __slots__ = ("media",)
    MEDIA_FIELD_NUMBER: _ClassVar[int]
    media: _containers.RepeatedCompositeFieldContainer[MediaInfo]
    def __init__(self, media: _Optional[_Iterable[_Union[MediaInfo, _Mapping]]] = ...) -> None: ...
