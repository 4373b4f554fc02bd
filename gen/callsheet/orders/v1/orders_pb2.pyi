import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATE_UNSPECIFIED: _ClassVar[OrderState]
    ORDER_STATE_CREATED: _ClassVar[OrderState]
    ORDER_STATE_AUTHORIZED: _ClassVar[OrderState]
    ORDER_STATE_CONFIRMED: _ClassVar[OrderState]
    ORDER_STATE_IN_PROGRESS: _ClassVar[OrderState]
    ORDER_STATE_COMPLETED: _ClassVar[OrderState]
    ORDER_STATE_CANCELLED: _ClassVar[OrderState]
    ORDER_STATE_DISPUTED: _ClassVar[OrderState]
    ORDER_STATE_CLOSED: _ClassVar[OrderState]

class Party(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PARTY_UNSPECIFIED: _ClassVar[Party]
    PARTY_BUYER: _ClassVar[Party]
    PARTY_PROVIDER: _ClassVar[Party]
ORDER_STATE_UNSPECIFIED: OrderState
ORDER_STATE_CREATED: OrderState
ORDER_STATE_AUTHORIZED: OrderState
ORDER_STATE_CONFIRMED: OrderState
ORDER_STATE_IN_PROGRESS: OrderState
ORDER_STATE_COMPLETED: OrderState
ORDER_STATE_CANCELLED: OrderState
ORDER_STATE_DISPUTED: OrderState
ORDER_STATE_CLOSED: OrderState
PARTY_UNSPECIFIED: Party
PARTY_BUYER: Party
PARTY_PROVIDER: Party

class Order(_message.Message):
    __slots__ = ("id", "state", "version", "buyer_id", "provider_id", "role_code", "start_utc", "end_utc", "timezone", "location_json", "price_snapshot_json", "policy_snapshot_json", "quote_id", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BUYER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_CODE_FIELD_NUMBER: _ClassVar[int]
    START_UTC_FIELD_NUMBER: _ClassVar[int]
    END_UTC_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_JSON_FIELD_NUMBER: _ClassVar[int]
    PRICE_SNAPSHOT_JSON_FIELD_NUMBER: _ClassVar[int]
    POLICY_SNAPSHOT_JSON_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    state: OrderState
    version: int
    buyer_id: str
    provider_id: str
    role_code: str
    start_utc: _timestamp_pb2.Timestamp
    end_utc: _timestamp_pb2.Timestamp
    timezone: str
    location_json: str
    price_snapshot_json: str
    policy_snapshot_json: str
    quote_id: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., state: _Optional[_Union[OrderState, str]] = ..., version: _Optional[int] = ..., buyer_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., role_code: _Optional[str] = ..., start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., timezone: _Optional[str] = ..., location_json: _Optional[str] = ..., price_snapshot_json: _Optional[str] = ..., policy_snapshot_json: _Optional[str] = ..., quote_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TimelineEvent(_message.Message):
    __slots__ = ("id", "order_id", "kind", "subtype", "actor_user_id", "payload_json", "created_at", "cursor")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SUBTYPE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    kind: str
    subtype: str
    actor_user_id: str
    payload_json: str
    created_at: _timestamp_pb2.Timestamp
    cursor: str
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., kind: _Optional[str] = ..., subtype: _Optional[str] = ..., actor_user_id: _Optional[str] = ..., payload_json: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cursor: _Optional[str] = ...) -> None: ...

class CheckoutRequest(_message.Message):
    __slots__ = ("request_id", "quote_id", "payment_method_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    quote_id: str
    payment_method_id: str
    def __init__(self, request_id: _Optional[str] = ..., quote_id: _Optional[str] = ..., payment_method_id: _Optional[str] = ...) -> None: ...

class CheckoutResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("order_id", "timeline_page_size")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TIMELINE_PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    timeline_page_size: int
    def __init__(self, order_id: _Optional[str] = ..., timeline_page_size: _Optional[int] = ...) -> None: ...

class GetOrderResponse(_message.Message):
    __slots__ = ("order", "timeline")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    TIMELINE_FIELD_NUMBER: _ClassVar[int]
    order: Order
    timeline: ListTimelineResponse
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ..., timeline: _Optional[_Union[ListTimelineResponse, _Mapping]] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class OrderEdge(_message.Message):
    __slots__ = ("order", "cursor")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    order: Order
    cursor: str
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ..., cursor: _Optional[str] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("edges", "next_page_token")
    EDGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    edges: _containers.RepeatedCompositeFieldContainer[OrderEdge]
    next_page_token: str
    def __init__(self, edges: _Optional[_Iterable[_Union[OrderEdge, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListTimelineRequest(_message.Message):
    __slots__ = ("order_id", "page_size", "page_token")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    page_size: int
    page_token: str
    def __init__(self, order_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTimelineResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[TimelineEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[TimelineEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ConfirmOrderRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "expected_version", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    expected_version: int
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class ConfirmOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CancelOrderRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "expected_version", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    expected_version: int
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CheckSlotRequest(_message.Message):
    __slots__ = ("provider_id", "start_utc", "end_utc")
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    START_UTC_FIELD_NUMBER: _ClassVar[int]
    END_UTC_FIELD_NUMBER: _ClassVar[int]
    provider_id: str
    start_utc: _timestamp_pb2.Timestamp
    end_utc: _timestamp_pb2.Timestamp
    def __init__(self, provider_id: _Optional[str] = ..., start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CheckSlotResponse(_message.Message):
    __slots__ = ("available",)
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    available: bool
    def __init__(self, available: _Optional[bool] = ...) -> None: ...

class Slot(_message.Message):
    __slots__ = ("start_utc", "end_utc")
    START_UTC_FIELD_NUMBER: _ClassVar[int]
    END_UTC_FIELD_NUMBER: _ClassVar[int]
    start_utc: _timestamp_pb2.Timestamp
    end_utc: _timestamp_pb2.Timestamp
    def __init__(self, start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CalendarHold(_message.Message):
    __slots__ = ("id", "card_id", "slot_index", "start_utc", "end_utc")
    ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_INDEX_FIELD_NUMBER: _ClassVar[int]
    START_UTC_FIELD_NUMBER: _ClassVar[int]
    END_UTC_FIELD_NUMBER: _ClassVar[int]
    id: str
    card_id: str
    slot_index: int
    start_utc: _timestamp_pb2.Timestamp
    end_utc: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., card_id: _Optional[str] = ..., slot_index: _Optional[int] = ..., start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HoldSlotsRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "card_id", "slots")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    card_id: str
    slots: _containers.RepeatedCompositeFieldContainer[Slot]
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., card_id: _Optional[str] = ..., slots: _Optional[_Iterable[_Union[Slot, _Mapping]]] = ...) -> None: ...

class HoldSlotsResponse(_message.Message):
    __slots__ = ("holds",)
    HOLDS_FIELD_NUMBER: _ClassVar[int]
    holds: _containers.RepeatedCompositeFieldContainer[CalendarHold]
    def __init__(self, holds: _Optional[_Iterable[_Union[CalendarHold, _Mapping]]] = ...) -> None: ...

class ReleaseHoldsRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "card_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    card_id: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., card_id: _Optional[str] = ...) -> None: ...

class ReleaseHoldsResponse(_message.Message):
    __slots__ = ("released",)
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    released: int
    def __init__(self, released: _Optional[int] = ...) -> None: ...

class ApplyRescheduleRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "card_id", "slot_index", "expected_version")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_INDEX_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    card_id: str
    slot_index: int
    expected_version: int
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., card_id: _Optional[str] = ..., slot_index: _Optional[int] = ..., expected_version: _Optional[int] = ...) -> None: ...

class ApplyRescheduleResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class CompleteOrderRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "card_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    card_id: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., card_id: _Optional[str] = ...) -> None: ...

class CompleteOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class DisputeOrderRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "card_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    card_id: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., card_id: _Optional[str] = ...) -> None: ...

class DisputeOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...

class ResolveDisputeRequest(_message.Message):
    __slots__ = ("request_id", "order_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ...) -> None: ...

class ResolveDisputeResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: Order
    def __init__(self, order: _Optional[_Union[Order, _Mapping]] = ...) -> None: ...
