"""The API shapes more than one operation serves: conversions from proto messages, and REST models.

Conversions return dicts keyed by the public camelCase field names, which GraphQL resolves
directly. Times stay ``datetime`` (UTC) and order states stay proto enum values, so each face
renders them its own way: the GraphQL ``DateTime`` scalar and enum binding, or the REST models
below. A shape that only one operation serves lives in that operation's module instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from google.protobuf.timestamp_pb2 import Timestamp
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel

from callsheet.cards.v1 import cards_pb2
from callsheet.common.v1 import money_pb2
from callsheet.notify.v1 import notify_pb2
from callsheet.orders.v1 import orders_pb2
from callsheet.support.v1 import support_pb2

ApiObject = dict[str, Any]

ORDER_STATE_PREFIX = "ORDER_STATE_"
# The public OrderState names and their proto values, read from the proto so they cannot drift.
ORDER_STATES: dict[str, int] = {
    value.name.removeprefix(ORDER_STATE_PREFIX): value.number
    for value in orders_pb2.OrderState.DESCRIPTOR.values
    if value.number != orders_pb2.ORDER_STATE_UNSPECIFIED
}
ORDER_STATE_NAMES: dict[int, str] = {number: name for name, number in ORDER_STATES.items()}


# Conversions from proto messages.


def timestamp(value: Timestamp) -> datetime:
    """A proto timestamp as an aware UTC datetime."""
    return value.ToDatetime(tzinfo=UTC)


def to_timestamp(value: datetime) -> Timestamp:
    """An aware datetime as a proto timestamp."""
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp


def json_object(text: str) -> Any:
    """A JSON document a service stored as text; empty text is an empty object."""
    return json.loads(text) if text else {}


def money(value: money_pb2.Money, *, currency: str = "") -> ApiObject:
    """Money in minor units; an unset amount takes the given currency."""
    return {"amountCents": value.amount_cents, "currency": value.currency or currency}


def order(message: orders_pb2.Order) -> ApiObject:
    """An Order's own fields; its timeline, payment and cards are resolved on demand."""
    return {
        "id": message.id,
        "state": message.state,
        "version": message.version,
        "buyerId": message.buyer_id,
        "providerId": message.provider_id,
        "roleCode": message.role_code,
        "startUtc": timestamp(message.start_utc),
        "endUtc": timestamp(message.end_utc),
        "timezone": message.timezone,
        "location": json_object(message.location_json),
        "priceSnapshot": json_object(message.price_snapshot_json),
        "policySnapshot": json_object(message.policy_snapshot_json),
    }


def connection(edges: Iterable[tuple[str, ApiObject]], next_page_token: str) -> ApiObject:
    """A page of a list from (cursor, node) pairs: edges, and whether there is more."""
    page = [{"cursor": cursor, "node": node} for cursor, node in edges]
    return {
        "edges": page,
        "pageInfo": {"hasNextPage": bool(next_page_token), "endCursor": page[-1]["cursor"] if page else None},
    }


def preferences(message: notify_pb2.Preferences) -> ApiObject:
    """NotificationPreferences; unset quiet hours are null."""
    return {
        "timezone": message.timezone,
        "quietHoursStart": message.quiet_hours_start or None,
        "quietHoursEnd": message.quiet_hours_end or None,
        "safeMode": message.safe_mode,
        "email": message.email,
        "push": message.push,
    }


# REST models: camelCase exactly like the GraphQL types, so /openapi.json documents them.


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

NodeT = TypeVar("NodeT")
EdgeT = TypeVar("EdgeT")


class ApiModel(BaseModel):
    """camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    def graphql_input(self, **more: Any) -> dict[str, Any]:
        """This body as the GraphQL input object it twins: API names, only the fields the client sent.

        Values stay Python values (a ``datetime`` stays one), as GraphQL hands them to resolvers;
        ``more`` adds fields REST carries elsewhere, such as an id from the path.
        """
        fields = type(self).model_fields
        return {fields[name].alias or name: getattr(self, name) for name in self.model_fields_set} | more


class Money(ApiModel):
    """An exact amount in minor units."""

    amount_cents: int
    currency: str


class PageInfo(ApiModel):
    """Whether another page follows, and the cursor to ask for it with."""

    has_next_page: bool
    end_cursor: str | None


class Edge(ApiModel, Generic[NodeT]):
    """One item of a page and its cursor; subclass it per node, named ``<Node>Edge``."""

    cursor: str
    node: NodeT


class Connection(ApiModel, Generic[EdgeT]):
    """A page of a list; subclass it per edge, named ``<Node>Connection``."""

    edges: list[EdgeT]
    page_info: PageInfo


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


class OrderCommandInput(ApiModel):
    """A command on the order in the path (GraphQL's OrderCommandInput without orderId)."""

    expected_version: int
    idempotency_key: str
    reason: str | None = None


class NotificationPreferences(ApiModel):
    """A user's notification settings."""

    timezone: str
    quiet_hours_start: str | None
    quiet_hours_end: str | None
    safe_mode: bool
    email: bool
    push: bool


# Cards: the public CardType, CardState and CardAction names from the proto enums.
CARD_TYPES: dict[int, str] = {
    value.number: value.name.removeprefix("CARD_TYPE_")
    for value in cards_pb2.CardType.DESCRIPTOR.values
    if value.number != cards_pb2.CARD_TYPE_UNSPECIFIED
}
CARD_STATES: dict[int, str] = {
    value.number: value.name.removeprefix("CARD_STATE_")
    for value in cards_pb2.CardState.DESCRIPTOR.values
    if value.number != cards_pb2.CARD_STATE_UNSPECIFIED
}
CARD_ACTIONS: dict[int, str] = {
    value.number: value.name.removeprefix("CARD_ACTION_")
    for value in cards_pb2.CardAction.DESCRIPTOR.values
    if value.number != cards_pb2.CARD_ACTION_UNSPECIFIED
}


class CardResponse(ApiModel):
    """A response to a card."""

    id: str
    responder_user_id: str | None
    action: str
    payload: Any
    created_at: UtcDateTime


class Card(ApiModel):
    """An action card: one mid-order change."""

    id: str
    order_id: str
    type: str
    state: str
    version: int
    created_by: str
    due_at: UtcDateTime | None
    expires_at: UtcDateTime | None
    superseded_by: str | None
    payload: Any
    responses: list[CardResponse]
    created_at: UtcDateTime
    updated_at: UtcDateTime
    actions: list[str]
    progress: Any


def card(message: cards_pb2.Card) -> ApiObject:
    """A Card, with what the caller can do on it now (``actions``) and its loop's ``progress``."""
    return {
        "id": message.id,
        "orderId": message.order_id,
        "type": CARD_TYPES[message.type],
        "state": CARD_STATES[message.state],
        "version": message.version,
        "createdBy": message.created_by,
        "dueAt": timestamp(message.due_at) if message.HasField("due_at") else None,
        "expiresAt": timestamp(message.expires_at) if message.HasField("expires_at") else None,
        "supersededBy": message.superseded_by or None,
        "payload": json_object(message.payload_json),
        "responses": [
            {
                "id": response.id,
                "responderUserId": response.responder_user_id or None,
                "action": CARD_ACTIONS[response.action],
                "payload": json_object(response.payload_json),
                "createdAt": timestamp(response.created_at),
            }
            for response in message.responses
        ],
        "createdAt": timestamp(message.created_at),
        "updatedAt": timestamp(message.updated_at),
        "actions": [CARD_ACTIONS[action] for action in message.actions],
        "progress": json_object(message.progress_json),
    }


# Support cases: the service names types, states and priorities as the contract does.

# Who a case names as its opener when nobody opened it (a chargeback from the card network, a
# stuck card's case): openedBy is never empty.
SYSTEM_OPENER = "system"


class CaseEvent(ApiModel):
    """One entry of a case's history, oldest first: never changed, but for a redacted message's text."""

    id: str
    kind: str
    actor_user_id: str | None
    payload: Any
    created_at: UtcDateTime


class SupportCaseSummary(ApiModel):
    """A support case as a listing shows it: every field but its history."""

    id: str
    type: str
    state: str
    version: int
    priority: str
    order_id: str | None
    opened_by: str = Field(description=f'The user who opened it; "{SYSTEM_OPENER}" when the system did')
    opened_by_system: bool
    assignee_id: str | None
    subject: str
    first_response_due_at: UtcDateTime | None
    resolution_due_at: UtcDateTime | None
    sla_breached: bool
    evidence_pack_url: str | None
    queue: str
    description: str
    payload: Any
    resolution: Any
    created_at: UtcDateTime
    updated_at: UtcDateTime
    resolved_at: UtcDateTime | None


class SupportCase(SupportCaseSummary):
    """A support case with its history."""

    events: list[CaseEvent]


def support_case_summary(message: support_pb2.SupportCase) -> ApiObject:
    """A SupportCase's own fields, without its history (a listing carries none)."""
    summary = message.summary

    def when(holder: Any, name: str) -> datetime | None:
        return timestamp(getattr(holder, name)) if holder.HasField(name) else None

    return {
        "id": summary.id,
        "type": summary.type,
        "state": summary.state,
        "version": message.version,
        "priority": summary.priority,
        "orderId": summary.order_id or None,
        "openedBy": summary.opened_by or SYSTEM_OPENER,
        "openedBySystem": not summary.opened_by,
        "assigneeId": message.assignee_id or None,
        "subject": summary.subject,
        "firstResponseDueAt": when(summary, "first_response_due"),
        "resolutionDueAt": when(summary, "resolution_due"),
        "slaBreached": summary.sla_breached,
        "evidencePackUrl": message.evidence_pack_url or None,
        "queue": message.queue,
        "description": message.description,
        "payload": json_object(message.payload_json),
        "resolution": json.loads(message.resolution_json) if message.resolution_json else None,
        "createdAt": timestamp(message.created_at),
        "updatedAt": timestamp(message.updated_at),
        "resolvedAt": when(message, "resolved_at"),
    }


def case_event(message: support_pb2.CaseEvent) -> ApiObject:
    """A CaseEvent; the system's own entries name no actor."""
    return {
        "id": message.id,
        "kind": message.kind,
        "actorUserId": message.actor_user_id or None,
        "payload": json_object(message.payload_json),
        "createdAt": timestamp(message.created_at),
    }


def support_case(message: support_pb2.SupportCase) -> ApiObject:
    """A SupportCase with its history, oldest first."""
    return support_case_summary(message) | {"events": [case_event(event) for event in message.events]}
