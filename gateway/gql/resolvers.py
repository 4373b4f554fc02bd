"""Resolvers: each decodes its GraphQL arguments and calls the matching gateway operation."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

from ariadne import MutationType, ObjectType, QueryType
from graphql import GraphQLResolveInfo

from gateway import operations
from gateway.backends import Backends
from gateway.convert import ApiObject
from gateway.errors import not_available

Info: TypeAlias = "GraphQLResolveInfo[dict[str, Any]]"

query = QueryType()
mutation = MutationType()
order = ObjectType("Order")

# Contract operations whose capability is not deployed yet, by the capability that serves them.
_NOT_DEPLOYED: dict[str, dict[str, str]] = {
    "Query": {
        "card": "cards",
        "helpArticles": "support",
        "supportCase": "support",
        "supportCases": "support",
    },
    "Mutation": {
        "createMediaUpload": "media",
        "createCard": "cards",
        "respondToCard": "cards",
        "cancelCard": "cards",
        "openSupportCase": "support",
        "resolveSupportCase": "support",
    },
}


def _backends(info: Info) -> Backends:
    backends: Backends = info.context["backends"]
    return backends


@query.field("order")
async def resolve_order(_: None, info: Info, *, id: str) -> ApiObject:
    """An order the caller takes part in."""
    return await operations.get_order(backends=_backends(info), order_id=id)


@query.field("orders")
async def resolve_orders(_: None, info: Info, *, first: int | None = None, after: str | None = None) -> ApiObject:
    """The caller's orders, newest first."""
    return await operations.list_orders(backends=_backends(info), first=first, after=after)


@query.field("notifications")
async def resolve_notifications(
    _: None, info: Info, *, first: int | None = None, after: str | None = None
) -> ApiObject:
    """The caller's in-app feed, newest first."""
    return await operations.list_notifications(backends=_backends(info), first=first, after=after)


@query.field("notificationPreferences")
async def resolve_notification_preferences(_: None, info: Info) -> ApiObject:
    """The caller's notification preferences."""
    return await operations.get_preferences(backends=_backends(info))


@mutation.field("createQuote")
async def resolve_create_quote(_: None, info: Info, *, input: dict[str, Any]) -> ApiObject:
    """Prices a booking."""
    return await operations.create_quote(
        backends=_backends(info),
        provider_id=input["providerId"],
        role_code=input["roleCode"],
        start_utc=input["startUtc"],
        end_utc=input["endUtc"],
        timezone=input["timezone"],
        location=input["location"],
    )


@mutation.field("checkout")
async def resolve_checkout(_: None, info: Info, *, input: dict[str, Any]) -> ApiObject:
    """Checks out a quote into an AUTHORIZED order."""
    return await operations.checkout(
        backends=_backends(info),
        quote_id=input["quoteId"],
        payment_method_id=input["paymentMethodId"],
        idempotency_key=input["idempotencyKey"],
    )


@mutation.field("confirmOrder")
async def resolve_confirm_order(_: None, info: Info, *, input: dict[str, Any]) -> ApiObject:
    """The provider confirms the booking."""
    return await operations.confirm_order(
        backends=_backends(info),
        order_id=input["orderId"],
        expected_version=input["expectedVersion"],
        idempotency_key=input["idempotencyKey"],
    )


@mutation.field("cancelOrder")
async def resolve_cancel_order(_: None, info: Info, *, input: dict[str, Any]) -> ApiObject:
    """A participant cancels the order."""
    return await operations.cancel_order(
        backends=_backends(info),
        order_id=input["orderId"],
        expected_version=input["expectedVersion"],
        idempotency_key=input["idempotencyKey"],
        reason=input.get("reason"),
    )


@mutation.field("updateNotificationPreferences")
async def resolve_update_notification_preferences(_: None, info: Info, *, input: dict[str, Any]) -> ApiObject:
    """Changes the fields given; null clears the quiet hours."""
    return await operations.update_preferences(backends=_backends(info), changes=input)


@mutation.field("advanceClock")
async def resolve_advance_clock(_: None, info: Info, *, seconds: int) -> datetime:
    """Moves every service's dev clock forward."""
    return await operations.advance_clock(backends=_backends(info), seconds=seconds)


@order.field("timeline")
async def resolve_order_timeline(
    obj: ApiObject, info: Info, *, first: int | None = None, after: str | None = None
) -> ApiObject:
    """The order's timeline, oldest first."""
    return await operations.list_timeline(backends=_backends(info), order_id=obj["id"], first=first, after=after)


@order.field("payment")
async def resolve_order_payment(obj: ApiObject, info: Info) -> ApiObject | None:
    """The order's money, or null while it has no payment."""
    return await operations.payment_summary(backends=_backends(info), order_id=obj["id"])


# Cards, open actions and deliverables belong to the cards capability, which is not deployed yet:
# until it is, an order has none of them.
@order.field("cards")
def resolve_order_cards(_obj: ApiObject, _info: Info, **_filters: Any) -> list[ApiObject]:
    """The order's cards (none until the cards capability is deployed)."""
    return []


@order.field("openActions")
def resolve_order_open_actions(_obj: ApiObject, _info: Info) -> list[ApiObject]:
    """The OPEN cards the viewer can act on (none until the cards capability is deployed)."""
    return []


@order.field("deliverables")
def resolve_order_deliverables(_obj: ApiObject, _info: Info) -> list[ApiObject]:
    """The order's approved media (none until the cards capability is deployed)."""
    return []


def _not_deployed(capability: str) -> Any:
    async def resolve(*_: Any, **__: Any) -> None:
        raise not_available(capability)

    return resolve


for _field, _capability in _NOT_DEPLOYED["Query"].items():
    query.set_field(_field, _not_deployed(_capability))
for _field, _capability in _NOT_DEPLOYED["Mutation"].items():
    mutation.set_field(_field, _not_deployed(_capability))

bindables = [query, mutation, order]
