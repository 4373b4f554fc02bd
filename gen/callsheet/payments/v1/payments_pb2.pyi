import datetime

from callsheet.common.v1 import money_pb2 as _money_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChargeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHARGE_STATUS_UNSPECIFIED: _ClassVar[ChargeStatus]
    CHARGE_STATUS_PENDING: _ClassVar[ChargeStatus]
    CHARGE_STATUS_SUCCEEDED: _ClassVar[ChargeStatus]
    CHARGE_STATUS_FAILED: _ClassVar[ChargeStatus]

class PayoutStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYOUT_STATUS_UNSPECIFIED: _ClassVar[PayoutStatus]
    PAYOUT_STATUS_SCHEDULED: _ClassVar[PayoutStatus]
    PAYOUT_STATUS_PAID: _ClassVar[PayoutStatus]
    PAYOUT_STATUS_CANCELED: _ClassVar[PayoutStatus]
    PAYOUT_STATUS_FAILED: _ClassVar[PayoutStatus]
    PAYOUT_STATUS_IN_TRANSIT: _ClassVar[PayoutStatus]

class DisputeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DISPUTE_STATUS_UNSPECIFIED: _ClassVar[DisputeStatus]
    DISPUTE_STATUS_NEEDS_RESPONSE: _ClassVar[DisputeStatus]
    DISPUTE_STATUS_UNDER_REVIEW: _ClassVar[DisputeStatus]
    DISPUTE_STATUS_WON: _ClassVar[DisputeStatus]
    DISPUTE_STATUS_LOST: _ClassVar[DisputeStatus]
    DISPUTE_STATUS_WARNING_CLOSED: _ClassVar[DisputeStatus]

class ProviderAccountStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROVIDER_ACCOUNT_STATUS_UNSPECIFIED: _ClassVar[ProviderAccountStatus]
    PROVIDER_ACCOUNT_STATUS_PENDING: _ClassVar[ProviderAccountStatus]
    PROVIDER_ACCOUNT_STATUS_RESTRICTED: _ClassVar[ProviderAccountStatus]
    PROVIDER_ACCOUNT_STATUS_ACTIVE: _ClassVar[ProviderAccountStatus]

class PaymentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_STATUS_UNSPECIFIED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_AUTHORIZED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_CAPTURED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_VOIDED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_PARTIALLY_REFUNDED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_REFUNDED: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_AUTHORIZING: _ClassVar[PaymentStatus]
    PAYMENT_STATUS_FAILED: _ClassVar[PaymentStatus]

class CancelledBy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CANCELLED_BY_UNSPECIFIED: _ClassVar[CancelledBy]
    CANCELLED_BY_BUYER: _ClassVar[CancelledBy]
    CANCELLED_BY_PROVIDER: _ClassVar[CancelledBy]
CHARGE_STATUS_UNSPECIFIED: ChargeStatus
CHARGE_STATUS_PENDING: ChargeStatus
CHARGE_STATUS_SUCCEEDED: ChargeStatus
CHARGE_STATUS_FAILED: ChargeStatus
PAYOUT_STATUS_UNSPECIFIED: PayoutStatus
PAYOUT_STATUS_SCHEDULED: PayoutStatus
PAYOUT_STATUS_PAID: PayoutStatus
PAYOUT_STATUS_CANCELED: PayoutStatus
PAYOUT_STATUS_FAILED: PayoutStatus
PAYOUT_STATUS_IN_TRANSIT: PayoutStatus
DISPUTE_STATUS_UNSPECIFIED: DisputeStatus
DISPUTE_STATUS_NEEDS_RESPONSE: DisputeStatus
DISPUTE_STATUS_UNDER_REVIEW: DisputeStatus
DISPUTE_STATUS_WON: DisputeStatus
DISPUTE_STATUS_LOST: DisputeStatus
DISPUTE_STATUS_WARNING_CLOSED: DisputeStatus
PROVIDER_ACCOUNT_STATUS_UNSPECIFIED: ProviderAccountStatus
PROVIDER_ACCOUNT_STATUS_PENDING: ProviderAccountStatus
PROVIDER_ACCOUNT_STATUS_RESTRICTED: ProviderAccountStatus
PROVIDER_ACCOUNT_STATUS_ACTIVE: ProviderAccountStatus
PAYMENT_STATUS_UNSPECIFIED: PaymentStatus
PAYMENT_STATUS_AUTHORIZED: PaymentStatus
PAYMENT_STATUS_CAPTURED: PaymentStatus
PAYMENT_STATUS_VOIDED: PaymentStatus
PAYMENT_STATUS_PARTIALLY_REFUNDED: PaymentStatus
PAYMENT_STATUS_REFUNDED: PaymentStatus
PAYMENT_STATUS_AUTHORIZING: PaymentStatus
PAYMENT_STATUS_FAILED: PaymentStatus
CANCELLED_BY_UNSPECIFIED: CancelledBy
CANCELLED_BY_BUYER: CancelledBy
CANCELLED_BY_PROVIDER: CancelledBy

class CancellationTier(_message.Message):
    __slots__ = ("min_hours_before_start", "refund_percent")
    MIN_HOURS_BEFORE_START_FIELD_NUMBER: _ClassVar[int]
    REFUND_PERCENT_FIELD_NUMBER: _ClassVar[int]
    min_hours_before_start: int
    refund_percent: int
    def __init__(self, min_hours_before_start: _Optional[int] = ..., refund_percent: _Optional[int] = ...) -> None: ...

class PolicySnapshot(_message.Message):
    __slots__ = ("version", "buyer_cancellation_tiers", "provider_cancellation_refund_percent", "dispute_window_days", "reviews_window_days", "payout_delay_days")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    BUYER_CANCELLATION_TIERS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_CANCELLATION_REFUND_PERCENT_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_DELAY_DAYS_FIELD_NUMBER: _ClassVar[int]
    version: str
    buyer_cancellation_tiers: _containers.RepeatedCompositeFieldContainer[CancellationTier]
    provider_cancellation_refund_percent: int
    dispute_window_days: int
    reviews_window_days: int
    payout_delay_days: int
    def __init__(self, version: _Optional[str] = ..., buyer_cancellation_tiers: _Optional[_Iterable[_Union[CancellationTier, _Mapping]]] = ..., provider_cancellation_refund_percent: _Optional[int] = ..., dispute_window_days: _Optional[int] = ..., reviews_window_days: _Optional[int] = ..., payout_delay_days: _Optional[int] = ...) -> None: ...

class PriceSnapshot(_message.Message):
    __slots__ = ("hourly_rate", "duration_minutes", "subtotal", "platform_fee_bps", "platform_fee", "tax_jurisdiction", "tax_bps", "tax", "deposit", "total")
    HOURLY_RATE_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FEE_BPS_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FEE_FIELD_NUMBER: _ClassVar[int]
    TAX_JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    TAX_BPS_FIELD_NUMBER: _ClassVar[int]
    TAX_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    hourly_rate: _money_pb2.Money
    duration_minutes: int
    subtotal: _money_pb2.Money
    platform_fee_bps: int
    platform_fee: _money_pb2.Money
    tax_jurisdiction: str
    tax_bps: int
    tax: _money_pb2.Money
    deposit: _money_pb2.Money
    total: _money_pb2.Money
    def __init__(self, hourly_rate: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., subtotal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., platform_fee_bps: _Optional[int] = ..., platform_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., tax_jurisdiction: _Optional[str] = ..., tax_bps: _Optional[int] = ..., tax: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., deposit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Quote(_message.Message):
    __slots__ = ("id", "buyer_id", "provider_id", "role_code", "start_utc", "end_utc", "timezone", "location_json", "price", "policy", "expires_at", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    BUYER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_CODE_FIELD_NUMBER: _ClassVar[int]
    START_UTC_FIELD_NUMBER: _ClassVar[int]
    END_UTC_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_JSON_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    buyer_id: str
    provider_id: str
    role_code: str
    start_utc: _timestamp_pb2.Timestamp
    end_utc: _timestamp_pb2.Timestamp
    timezone: str
    location_json: str
    price: PriceSnapshot
    policy: PolicySnapshot
    expires_at: _timestamp_pb2.Timestamp
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., buyer_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., role_code: _Optional[str] = ..., start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., timezone: _Optional[str] = ..., location_json: _Optional[str] = ..., price: _Optional[_Union[PriceSnapshot, _Mapping]] = ..., policy: _Optional[_Union[PolicySnapshot, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Payment(_message.Message):
    __slots__ = ("id", "order_id", "quote_id", "status", "authorized", "captured", "refunded", "buyer_id", "provider_id", "version", "charged_extras", "charged_back", "paid_out", "reserve_frozen")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZED_FIELD_NUMBER: _ClassVar[int]
    CAPTURED_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    BUYER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CHARGED_EXTRAS_FIELD_NUMBER: _ClassVar[int]
    CHARGED_BACK_FIELD_NUMBER: _ClassVar[int]
    PAID_OUT_FIELD_NUMBER: _ClassVar[int]
    RESERVE_FROZEN_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    quote_id: str
    status: PaymentStatus
    authorized: _money_pb2.Money
    captured: _money_pb2.Money
    refunded: _money_pb2.Money
    buyer_id: str
    provider_id: str
    version: int
    charged_extras: _money_pb2.Money
    charged_back: _money_pb2.Money
    paid_out: _money_pb2.Money
    reserve_frozen: bool
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., quote_id: _Optional[str] = ..., status: _Optional[_Union[PaymentStatus, str]] = ..., authorized: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., captured: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., refunded: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., buyer_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., version: _Optional[int] = ..., charged_extras: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., charged_back: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., paid_out: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reserve_frozen: _Optional[bool] = ...) -> None: ...

class ExtraItem(_message.Message):
    __slots__ = ("description", "quantity", "unit_amount")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    description: str
    quantity: int
    unit_amount: _money_pb2.Money
    def __init__(self, description: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class ExpenseItem(_message.Message):
    __slots__ = ("category", "description", "amount", "receipt_media_id")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    RECEIPT_MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    category: str
    description: str
    amount: _money_pb2.Money
    receipt_media_id: str
    def __init__(self, category: _Optional[str] = ..., description: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., receipt_media_id: _Optional[str] = ...) -> None: ...

class Charge(_message.Message):
    __slots__ = ("id", "order_id", "kind", "status", "subtotal", "platform_fee", "tax", "total", "decline_code", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SUBTOTAL_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FEE_FIELD_NUMBER: _ClassVar[int]
    TAX_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DECLINE_CODE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    kind: str
    status: ChargeStatus
    subtotal: _money_pb2.Money
    platform_fee: _money_pb2.Money
    tax: _money_pb2.Money
    total: _money_pb2.Money
    decline_code: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., kind: _Optional[str] = ..., status: _Optional[_Union[ChargeStatus, str]] = ..., subtotal: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., platform_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., tax: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., decline_code: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Payout(_message.Message):
    __slots__ = ("id", "order_id", "provider_id", "status", "amount", "due_at", "transfer_id", "reversed")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DUE_AT_FIELD_NUMBER: _ClassVar[int]
    TRANSFER_ID_FIELD_NUMBER: _ClassVar[int]
    REVERSED_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    provider_id: str
    status: PayoutStatus
    amount: _money_pb2.Money
    due_at: _timestamp_pb2.Timestamp
    transfer_id: str
    reversed: _money_pb2.Money
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., status: _Optional[_Union[PayoutStatus, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., due_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., transfer_id: _Optional[str] = ..., reversed: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Dispute(_message.Message):
    __slots__ = ("id", "order_id", "stripe_dispute_id", "status", "reason", "amount", "due_by", "evidence_submitted", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STRIPE_DISPUTE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DUE_BY_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_SUBMITTED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    order_id: str
    stripe_dispute_id: str
    status: DisputeStatus
    reason: str
    amount: _money_pb2.Money
    due_by: _timestamp_pb2.Timestamp
    evidence_submitted: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., order_id: _Optional[str] = ..., stripe_dispute_id: _Optional[str] = ..., status: _Optional[_Union[DisputeStatus, str]] = ..., reason: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., due_by: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., evidence_submitted: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Receipt(_message.Message):
    __slots__ = ("id", "kind", "total", "created_at", "download_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DOWNLOAD_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: str
    total: _money_pb2.Money
    created_at: _timestamp_pb2.Timestamp
    download_url: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., download_url: _Optional[str] = ...) -> None: ...

class CreateQuoteRequest(_message.Message):
    __slots__ = ("request_id", "provider_id", "role_code", "start_utc", "end_utc", "timezone", "location_json")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_CODE_FIELD_NUMBER: _ClassVar[int]
    START_UTC_FIELD_NUMBER: _ClassVar[int]
    END_UTC_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_JSON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    provider_id: str
    role_code: str
    start_utc: _timestamp_pb2.Timestamp
    end_utc: _timestamp_pb2.Timestamp
    timezone: str
    location_json: str
    def __init__(self, request_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., role_code: _Optional[str] = ..., start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., timezone: _Optional[str] = ..., location_json: _Optional[str] = ...) -> None: ...

class CreateQuoteResponse(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: Quote
    def __init__(self, quote: _Optional[_Union[Quote, _Mapping]] = ...) -> None: ...

class GetQuoteRequest(_message.Message):
    __slots__ = ("quote_id",)
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    quote_id: str
    def __init__(self, quote_id: _Optional[str] = ...) -> None: ...

class GetQuoteResponse(_message.Message):
    __slots__ = ("quote",)
    QUOTE_FIELD_NUMBER: _ClassVar[int]
    quote: Quote
    def __init__(self, quote: _Optional[_Union[Quote, _Mapping]] = ...) -> None: ...

class AuthorizePaymentRequest(_message.Message):
    __slots__ = ("request_id", "quote_id", "order_id", "payment_method_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    QUOTE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    quote_id: str
    order_id: str
    payment_method_id: str
    def __init__(self, request_id: _Optional[str] = ..., quote_id: _Optional[str] = ..., order_id: _Optional[str] = ..., payment_method_id: _Optional[str] = ...) -> None: ...

class AuthorizePaymentResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ...) -> None: ...

class CapturePaymentRequest(_message.Message):
    __slots__ = ("request_id", "order_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ...) -> None: ...

class CapturePaymentResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ...) -> None: ...

class SettleCancellationRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "cancelled_by", "start_utc", "cancelled_at")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_BY_FIELD_NUMBER: _ClassVar[int]
    START_UTC_FIELD_NUMBER: _ClassVar[int]
    CANCELLED_AT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    cancelled_by: CancelledBy
    start_utc: _timestamp_pb2.Timestamp
    cancelled_at: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., cancelled_by: _Optional[_Union[CancelledBy, str]] = ..., start_utc: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancelled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VoidAuthorizationRequest(_message.Message):
    __slots__ = ("request_id", "order_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ...) -> None: ...

class VoidAuthorizationResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ...) -> None: ...

class SettleCancellationResponse(_message.Message):
    __slots__ = ("payment", "refunded_now")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_NOW_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    refunded_now: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ..., refunded_now: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class GetPaymentSummaryRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class GetPaymentSummaryResponse(_message.Message):
    __slots__ = ("payment", "pending_extras", "receipts", "charges", "payout", "disputes")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    PENDING_EXTRAS_FIELD_NUMBER: _ClassVar[int]
    RECEIPTS_FIELD_NUMBER: _ClassVar[int]
    CHARGES_FIELD_NUMBER: _ClassVar[int]
    PAYOUT_FIELD_NUMBER: _ClassVar[int]
    DISPUTES_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    pending_extras: _money_pb2.Money
    receipts: _containers.RepeatedCompositeFieldContainer[Receipt]
    charges: _containers.RepeatedCompositeFieldContainer[Charge]
    payout: Payout
    disputes: _containers.RepeatedCompositeFieldContainer[Dispute]
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ..., pending_extras: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., receipts: _Optional[_Iterable[_Union[Receipt, _Mapping]]] = ..., charges: _Optional[_Iterable[_Union[Charge, _Mapping]]] = ..., payout: _Optional[_Union[Payout, _Mapping]] = ..., disputes: _Optional[_Iterable[_Union[Dispute, _Mapping]]] = ...) -> None: ...

class LedgerBalance(_message.Message):
    __slots__ = ("account", "posted", "pending")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    POSTED_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    account: str
    posted: _money_pb2.Money
    pending: _money_pb2.Money
    def __init__(self, account: _Optional[str] = ..., posted: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., pending: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class LedgerPosting(_message.Message):
    __slots__ = ("account", "amount")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    account: str
    amount: _money_pb2.Money
    def __init__(self, account: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("id", "key", "kind", "pending", "resolves", "postings", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    RESOLVES_FIELD_NUMBER: _ClassVar[int]
    POSTINGS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    key: str
    kind: str
    pending: bool
    resolves: str
    postings: _containers.RepeatedCompositeFieldContainer[LedgerPosting]
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., key: _Optional[str] = ..., kind: _Optional[str] = ..., pending: _Optional[bool] = ..., resolves: _Optional[str] = ..., postings: _Optional[_Iterable[_Union[LedgerPosting, _Mapping]]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetOrderLedgerRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class GetOrderLedgerResponse(_message.Message):
    __slots__ = ("order_id", "entries", "balances")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    entries: _containers.RepeatedCompositeFieldContainer[LedgerEntry]
    balances: _containers.RepeatedCompositeFieldContainer[LedgerBalance]
    def __init__(self, order_id: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[LedgerEntry, _Mapping]]] = ..., balances: _Optional[_Iterable[_Union[LedgerBalance, _Mapping]]] = ...) -> None: ...

class GetProviderBalanceRequest(_message.Message):
    __slots__ = ("provider_id",)
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    provider_id: str
    def __init__(self, provider_id: _Optional[str] = ...) -> None: ...

class GetProviderBalanceResponse(_message.Message):
    __slots__ = ("balances",)
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    balances: _containers.RepeatedCompositeFieldContainer[LedgerBalance]
    def __init__(self, balances: _Optional[_Iterable[_Union[LedgerBalance, _Mapping]]] = ...) -> None: ...

class ReceiveStripeEventRequest(_message.Message):
    __slots__ = ("payload", "signature")
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    payload: bytes
    signature: str
    def __init__(self, payload: _Optional[bytes] = ..., signature: _Optional[str] = ...) -> None: ...

class ReceiveStripeEventResponse(_message.Message):
    __slots__ = ("event_id", "type", "duplicate", "handled")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    HANDLED_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    type: str
    duplicate: bool
    handled: bool
    def __init__(self, event_id: _Optional[str] = ..., type: _Optional[str] = ..., duplicate: _Optional[bool] = ..., handled: _Optional[bool] = ...) -> None: ...

class GetProviderAccountRequest(_message.Message):
    __slots__ = ("provider_id",)
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    provider_id: str
    def __init__(self, provider_id: _Optional[str] = ...) -> None: ...

class GetProviderAccountResponse(_message.Message):
    __slots__ = ("provider_id", "status", "requirements_due")
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_DUE_FIELD_NUMBER: _ClassVar[int]
    provider_id: str
    status: ProviderAccountStatus
    requirements_due: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, provider_id: _Optional[str] = ..., status: _Optional[_Union[ProviderAccountStatus, str]] = ..., requirements_due: _Optional[_Iterable[str]] = ...) -> None: ...

class RefundPaymentRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "amount", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    amount: _money_pb2.Money
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class RefundPaymentResponse(_message.Message):
    __slots__ = ("payment", "refund_id", "refunded")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    refund_id: str
    refunded: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ..., refund_id: _Optional[str] = ..., refunded: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class ChargeExtrasRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "items")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    items: _containers.RepeatedCompositeFieldContainer[ExtraItem]
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[ExtraItem, _Mapping]]] = ...) -> None: ...

class ChargeExtrasResponse(_message.Message):
    __slots__ = ("charge", "payment")
    CHARGE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    charge: Charge
    payment: Payment
    def __init__(self, charge: _Optional[_Union[Charge, _Mapping]] = ..., payment: _Optional[_Union[Payment, _Mapping]] = ...) -> None: ...

class AddExpenseRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "items")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    items: _containers.RepeatedCompositeFieldContainer[ExpenseItem]
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., items: _Optional[_Iterable[_Union[ExpenseItem, _Mapping]]] = ...) -> None: ...

class AddExpenseResponse(_message.Message):
    __slots__ = ("charge",)
    CHARGE_FIELD_NUMBER: _ClassVar[int]
    charge: Charge
    def __init__(self, charge: _Optional[_Union[Charge, _Mapping]] = ...) -> None: ...

class SchedulePayoutRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "completed_at")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    completed_at: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SchedulePayoutResponse(_message.Message):
    __slots__ = ("payout", "expenses")
    PAYOUT_FIELD_NUMBER: _ClassVar[int]
    EXPENSES_FIELD_NUMBER: _ClassVar[int]
    payout: Payout
    expenses: _containers.RepeatedCompositeFieldContainer[Charge]
    def __init__(self, payout: _Optional[_Union[Payout, _Mapping]] = ..., expenses: _Optional[_Iterable[_Union[Charge, _Mapping]]] = ...) -> None: ...

class FreezeReserveRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class FreezeReserveResponse(_message.Message):
    __slots__ = ("payment", "frozen")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    FROZEN_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    frozen: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ..., frozen: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class UnfreezeReserveRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "freeze_request_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    FREEZE_REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    freeze_request_id: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., freeze_request_id: _Optional[str] = ...) -> None: ...

class UnfreezeReserveResponse(_message.Message):
    __slots__ = ("payment", "released")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    RELEASED_FIELD_NUMBER: _ClassVar[int]
    payment: Payment
    released: _money_pb2.Money
    def __init__(self, payment: _Optional[_Union[Payment, _Mapping]] = ..., released: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class SubmitDisputeEvidenceRequest(_message.Message):
    __slots__ = ("request_id", "dispute_id", "evidence", "submit")
    class EvidenceEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DISPUTE_ID_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    dispute_id: str
    evidence: _containers.ScalarMap[str, str]
    submit: bool
    def __init__(self, request_id: _Optional[str] = ..., dispute_id: _Optional[str] = ..., evidence: _Optional[_Mapping[str, str]] = ..., submit: _Optional[bool] = ...) -> None: ...

class SubmitDisputeEvidenceResponse(_message.Message):
    __slots__ = ("dispute",)
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    dispute: Dispute
    def __init__(self, dispute: _Optional[_Union[Dispute, _Mapping]] = ...) -> None: ...
