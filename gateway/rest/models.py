"""The REST bodies, camelCase exactly like the GraphQL types, so /openapi.json documents them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel

from gateway.convert import ORDER_STATE_NAMES, ORDER_STATES


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _state_name(value: Any) -> Any:
    # Orders carry the proto enum value; REST shows its public name.
    return ORDER_STATE_NAMES.get(value, value) if isinstance(value, int) else value


UtcDateTime = Annotated[
    AwareDatetime,
    AfterValidator(_utc),
    PlainSerializer(lambda value: value.isoformat().replace("+00:00", "Z"), return_type=str),
]
OrderStateName = Annotated[
    str,
    BeforeValidator(_state_name),
    WithJsonSchema({"type": "string", "enum": list(ORDER_STATES)}),
]


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class Money(ApiModel):
    """An exact amount in minor units."""

    amount_cents: int
    currency: str


class PageInfo(ApiModel):
    """Whether another page follows, and the cursor to ask for it with."""

    has_next_page: bool
    end_cursor: str | None


class Quote(ApiModel):
    """A priced offer to book a provider for a slot."""

    id: str
    provider_id: str
    role_code: str
    subtotal: Money
    platform_fee: Money
    tax: Money
    deposit: Money
    total: Money
    policy_snapshot: dict[str, Any]
    expires_at: UtcDateTime


class Order(ApiModel):
    """A booking; its timeline and payment are resources of their own."""

    id: str
    state: OrderStateName
    version: int
    buyer_id: str
    provider_id: str
    role_code: str
    start_utc: UtcDateTime
    end_utc: UtcDateTime
    timezone: str
    location: Any
    price_snapshot: Any
    policy_snapshot: Any


class OrderEdge(ApiModel):
    """An order and its cursor."""

    cursor: str
    node: Order


class OrderConnection(ApiModel):
    """A page of orders, newest first."""

    edges: list[OrderEdge]
    page_info: PageInfo


class TimelineEvent(ApiModel):
    """One entry of an order's timeline."""

    id: str
    kind: str
    subtype: str
    actor_user_id: str | None
    payload: Any
    created_at: UtcDateTime


class TimelineEdge(ApiModel):
    """A timeline event and its cursor."""

    cursor: str
    node: TimelineEvent


class TimelineConnection(ApiModel):
    """A page of a timeline, oldest first."""

    edges: list[TimelineEdge]
    page_info: PageInfo


class Receipt(ApiModel):
    """A receipt for money taken or returned."""

    id: str
    kind: str
    total: Money
    download_url: str
    created_at: UtcDateTime


class PaymentSummary(ApiModel):
    """The money of an order."""

    authorized: Money
    captured: Money
    refunded: Money
    pending_extras: Money
    receipts: list[Receipt]


class Notification(ApiModel):
    """One notification of the in-app feed."""

    id: str
    event_type: str
    title: str
    body: str
    channel: str
    status: str
    created_at: UtcDateTime


class NotificationEdge(ApiModel):
    """A notification and its cursor."""

    cursor: str
    node: Notification


class NotificationConnection(ApiModel):
    """A page of the feed, newest first."""

    edges: list[NotificationEdge]
    page_info: PageInfo


class NotificationPreferences(ApiModel):
    """A user's notification settings."""

    timezone: str
    quiet_hours_start: str | None
    quiet_hours_end: str | None
    safe_mode: bool
    email: bool
    push: bool


class CreateQuoteInput(ApiModel):
    """The booking to price (as GraphQL's CreateQuoteInput)."""

    provider_id: str
    role_code: str
    start_utc: UtcDateTime
    end_utc: UtcDateTime
    timezone: str
    location: dict[str, Any]


class CheckoutInput(ApiModel):
    """The quote to check out (as GraphQL's CheckoutInput)."""

    quote_id: str
    payment_method_id: str
    idempotency_key: str


class OrderCommandInput(ApiModel):
    """A command on the order in the path (GraphQL's OrderCommandInput without orderId)."""

    expected_version: int
    idempotency_key: str
    reason: str | None = None


class NotificationPreferencesInput(ApiModel):
    """The preferences to change; absent fields stay, null quiet hours clear them."""

    timezone: str | None = None
    quiet_hours_start: str | None = None
    quiet_hours_end: str | None = None
    safe_mode: bool | None = None
    email: bool | None = None
    push: bool | None = None


class AdvanceClockInput(ApiModel):
    """How far to move every service's dev clock."""

    seconds: int


class ClockMoved(ApiModel):
    """The system's time after the move."""

    now: UtcDateTime


class FieldViolation(ApiModel):
    """One input field that failed validation."""

    field: str
    description: str


class ErrorDetail(ApiModel):
    """What went wrong, in the contract's terms."""

    code: str
    message: str
    reason: str
    violations: list[FieldViolation] | None = None
    current_version: int | None = None


class ErrorEnvelope(ApiModel):
    """The body of every REST error."""

    error: ErrorDetail
