import datetime

from callsheet.common.v1 import money_pb2 as _money_pb2
from callsheet.events.v1 import options_pb2 as _options_pb2
from callsheet.payments.v1 import payments_pb2 as _payments_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
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

class CheckoutInitiated(_message.Message):
    __slots__ = ("payment", "amount")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class PaymentCharged(_message.Message):
    __slots__ = ("payment", "amount", "charge_id", "kind")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CHARGE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    charge_id: str
    kind: str
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., charge_id: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class PayoutScheduled(_message.Message):
    __slots__ = ("payment", "amount", "payout_id", "due_at")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_ID_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    payout_id: str
    due_at: _timestamp_pb2.Timestamp
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payout_id: _Optional[str] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PayoutReleased(_message.Message):
    __slots__ = ("payment", "amount", "payout_id", "transfer_id")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_ID_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    payout_id: str
    transfer_id: str
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payout_id: _Optional[str] = ..., transfer_id: _Optional[str] = ...) -> None: ...

class PayoutPaid(_message.Message):
    __slots__ = ("payment", "amount", "payout_id")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_ID_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    payout_id: str
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payout_id: _Optional[str] = ...) -> None: ...

class PayoutFailed(_message.Message):
    __slots__ = ("payment", "amount", "payout_id")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_ID_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    payout_id: str
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payout_id: _Optional[str] = ...) -> None: ...

class TransferReversed(_message.Message):
    __slots__ = ("payment", "amount", "payout_id", "cause")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_ID_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    payout_id: str
    cause: str
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payout_id: _Optional[str] = ..., cause: _Optional[str] = ...) -> None: ...

class ReserveFrozen(_message.Message):
    __slots__ = ("payment", "amount", "reason")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    reason: str
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class ReserveUnfrozen(_message.Message):
    __slots__ = ("payment", "amount")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class DisputeOpened(_message.Message):
    __slots__ = ("payment", "amount", "dispute")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    dispute: _payments_pb2.Dispute
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., dispute: _Optional[_Union[_payments_pb2.Dispute, _Mapping]] = ...) -> None: ...

class DisputeUpdated(_message.Message):
    __slots__ = ("payment", "amount", "dispute")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    dispute: _payments_pb2.Dispute
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., dispute: _Optional[_Union[_payments_pb2.Dispute, _Mapping]] = ...) -> None: ...

class DisputeWon(_message.Message):
    __slots__ = ("payment", "amount", "dispute")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    dispute: _payments_pb2.Dispute
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., dispute: _Optional[_Union[_payments_pb2.Dispute, _Mapping]] = ...) -> None: ...

class DisputeLost(_message.Message):
    __slots__ = ("payment", "amount", "dispute")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    payment: _payments_pb2.Payment
    amount: _money_pb2.Money
    dispute: _payments_pb2.Dispute
    def __init__(self, payment: _Optional[_Union[_payments_pb2.Payment, _Mapping]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., dispute: _Optional[_Union[_payments_pb2.Dispute, _Mapping]] = ...) -> None: ...
