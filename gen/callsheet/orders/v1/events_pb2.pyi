from callsheet.events.v1 import options_pb2 as _options_pb2
from callsheet.orders.v1 import orders_pb2 as _orders_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

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
