from callsheet.common.v1 import money_pb2 as _money_pb2
from callsheet.events.v1 import options_pb2 as _options_pb2
from callsheet.payments.v1 import payments_pb2 as _payments_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PaymentAuthorized(_message.Message):
    __slots__ = ("payment", "amount")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PaymentCaptured(_message.Message):
    __slots__ = ("payment", "amount")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PaymentVoided(_message.Message):
    __slots__ = ("payment", "amount")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PaymentRefunded(_message.Message):
    __slots__ = ("payment", "amount", "refund_id", "reason")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    refund_id: str
    reason: str
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., refund_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...
