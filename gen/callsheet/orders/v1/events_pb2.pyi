from callsheet.orders.v1 import orders_pb2 as _orders_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderTransitioned(_message.Message):
    __slots__ = ("order", "from_state", "reason")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    FROM_STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order: _orders_pb2.Order
    from_state: _orders_pb2.OrderState
    reason: str
    def __init__(self, order: _Optional[_Union[_orders_pb2.Order, _Mapping]] = ..., from_state: _Optional[_Union[_orders_pb2.OrderState, str]] = ..., reason: _Optional[str] = ...) -> None: ...
