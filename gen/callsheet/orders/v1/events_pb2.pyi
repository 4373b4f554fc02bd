import datetime

from callsheet.events.v1 import options_pb2 as _options_pb2
from callsheet.orders.v1 import orders_pb2 as _orders_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderCreated(_message.Message):
    __slots__ = ("order", "quote_id")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    quote_id: str
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., quote_id: _Optional[str] = ...) -> None: ...

class OrderAuthorized(_message.Message):
    __slots__ = ("order", "from_state", "payment_id")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    payment_id: str
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ..., payment_id: _Optional[str] = ...) -> None: ...

class OrderConfirmed(_message.Message):
    __slots__ = ("order", "from_state")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ...) -> None: ...

class OrderStarted(_message.Message):
    __slots__ = ("order", "from_state")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ...) -> None: ...

class OrderCompleted(_message.Message):
    __slots__ = ("order", "from_state")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ...) -> None: ...

class OrderCancelled(_message.Message):
    __slots__ = ("order", "from_state", "cancelled_by", "reason")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    cancelled_by: _orders_pb2.Party
    reason: str
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ..., cancelled_by: _Optional[_Union[_orders_pb2.Party, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class OrderDisputed(_message.Message):
    __slots__ = ("order", "from_state")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ...) -> None: ...

class OrderClosed(_message.Message):
    __slots__ = ("order", "from_state")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ...) -> None: ...

class OrderRescheduled(_message.Message):
    __slots__ = ("order", "from_state", "from_start_utc", "from_end_utc", "card_id", "slot_index")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    FROM_START_UTC_FIELD_NUMBER: _ClassVar[int]
    FROM_END_UTC_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_INDEX_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    from_start_utc: _timestamp_pb2.Timestamp
    from_end_utc: _timestamp_pb2.Timestamp
    card_id: str
    slot_index: int
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ..., from_start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., from_end_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., card_id: _Optional[str] = ..., slot_index: _Optional[int] = ...) -> None: ...

class ReviewsWindowOpened(_message.Message):
    __slots__ = ("order_id", "closes_at")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    closes_at: _timestamp_pb2.Timestamp
    def __init__(self, order_id: _Optional[str] = ..., closes_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
