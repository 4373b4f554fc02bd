"""The gateway under test: tokens, the app in-process, and a test double of the services it calls.

The double is an in-process grpc.aio server per service with canned answers. Each runs the kit's
server interceptor as that service, trusting the gateway's key: calls must carry a valid
credential addressed to it, and errors leave as the same rich statuses real services send.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import grpc
import httpx
import jwt
from fastapi import FastAPI
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health, health_pb2_grpc

from callsheet.cards.v1 import cards_pb2, cards_pb2_grpc
from callsheet.clock.v1 import clock_pb2, clock_pb2_grpc
from callsheet.common.v1 import money_pb2
from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import conflict, invalid_field, not_found
from callsheet_kit.identity import Caller, current_caller
from callsheet_kit.keys import generate_key_set, public_key_from_text
from callsheet_kit.rpc import ServerCallerInterceptor
from gateway.app import create_app
from gateway.backends import SERVICES
from gateway.settings import GatewaySettings

START = datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
END = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
ORDER_ID = "ord_1"
PAID_ORDER_ID = "ord_paid"
VOIDED_ORDER_ID = "ord_voided"
# Reading this order takes longer than any deadline a test sets (the fake sleeps until cancelled).
SLOW_ORDER_ID = "ord_slow"
SLOW_SECONDS = 60.0
# A payment method id shaped like Stripe's that Stripe does not know; orders refuses it.
UNKNOWN_PAYMENT_METHOD = "pm_bogus"
# An idempotency key orders refuses, naming it by its proto name (request_id).
REFUSED_KEY = "k-refused"
CURRENT_VERSION = 7
KEYS = generate_key_set([*SERVICES, "gateway"])
BUYER, PROVIDER, STRANGER = "u_buyer_1", "u_provider_1", "u_buyer_2"


def _ts(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _usd(cents: int) -> money_pb2.Money:
    return money_pb2.Money(amount_cents=cents, currency="USD")


def canned_order(order_id: str = ORDER_ID) -> orders_pb2.Order:
    """An order of BUYER with PROVIDER, as the fake knows them."""
    return orders_pb2.Order(
        id=order_id,
        state=orders_pb2.ORDER_STATE_AUTHORIZED,
        version=3,
        buyer_id=BUYER,
        provider_id=PROVIDER,
        role_code="photographer",
        start_utc=_ts(START),
        end_utc=_ts(END),
        timezone="Europe/Berlin",
        location_json='{"city": "Berlin", "country": "DE"}',
        price_snapshot_json='{"totalCents": 33000}',
        policy_snapshot_json='{"version": "v1"}',
        quote_id="qte_1",
    )


def visible_order(order_id: str) -> orders_pb2.Order:
    """The order, if the caller may see it; NOT_FOUND for strangers and unknown ids, as orders answers."""
    caller = current_caller()
    if order_id not in (ORDER_ID, PAID_ORDER_ID, VOIDED_ORDER_ID, SLOW_ORDER_ID):
        raise not_found("order")
    order = canned_order(order_id)
    if not (caller.is_staff or caller.user_id in (order.buyer_id, order.provider_id)):
        raise not_found("order")
    return order


def timeline_page(size: int) -> orders_pb2.ListTimelineResponse:
    """The first page of ORDER_ID's timeline, as orders would answer it."""
    events = [
        orders_pb2.TimelineEvent(
            id="tev_1",
            order_id=ORDER_ID,
            kind="system",
            subtype="order.created",
            payload_json="{}",
            created_at=_ts(START),
            cursor="c1",
        ),
        orders_pb2.TimelineEvent(
            id="tev_2",
            order_id=ORDER_ID,
            kind="payment",
            subtype="payment.authorized",
            actor_user_id="u_buyer_1",
            payload_json='{"amountCents": 33000}',
            created_at=_ts(START),
            cursor="c2",
        ),
    ]
    return orders_pb2.ListTimelineResponse(events=events[:size], next_page_token="c2")


@dataclass
class Recorded:
    """What the fake saw: the metadata and the verified caller of every call, by method."""

    metadata: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    callers: dict[str, list[str]] = field(default_factory=dict)
    verified: dict[str, list[Caller]] = field(default_factory=dict)
    clock_offsets: dict[str, int] = field(default_factory=dict)
    preference_updates: list[notify_pb2.UpdatePreferencesRequest] = field(default_factory=list)
    quote_requests: list[payments_pb2.CreateQuoteRequest] = field(default_factory=list)
    stripe_deliveries: list[payments_pb2.ReceiveStripeEventRequest] = field(default_factory=list)
    # The time each call had left when it arrived (None: it came without a deadline).
    deadlines: dict[str, list[float | None]] = field(default_factory=dict)

    def note(self, method: str, context: Any) -> None:
        """Records one call."""
        pairs = {key: value for key, value in context.invocation_metadata() or () if isinstance(value, str)}
        self.metadata.setdefault(method, []).append(pairs)
        self.callers.setdefault(method, []).append(current_caller().user_id)
        self.verified.setdefault(method, []).append(current_caller())
        self.deadlines.setdefault(method, []).append(context.time_remaining())

    @property
    def calls(self) -> int:
        """How many calls the fake services have taken so far."""
        return sum(len(calls) for calls in self.metadata.values())


class FakeOrders(orders_pb2_grpc.OrdersServiceServicer):  # type: ignore[misc]
    """Orders with two known orders, seen only by their participants and staff; anything else is NOT_FOUND."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def GetOrder(self, request: orders_pb2.GetOrderRequest, context: Any) -> orders_pb2.GetOrderResponse:
        self.recorded.note("GetOrder", context)
        order = visible_order(request.order_id)
        if order.id == SLOW_ORDER_ID:
            await asyncio.sleep(SLOW_SECONDS)
        response = orders_pb2.GetOrderResponse(order=order)
        if request.timeline_page_size:
            response.timeline.CopyFrom(timeline_page(request.timeline_page_size))
        return response

    async def Checkout(self, request: orders_pb2.CheckoutRequest, context: Any) -> orders_pb2.CheckoutResponse:
        self.recorded.note("Checkout", context)
        # Like orders, which asks payments: a well-formed id Stripe does not know is refused by name.
        if request.payment_method_id == UNKNOWN_PAYMENT_METHOD:
            raise invalid_field("payment_method_id", "is not a payment method Stripe knows")
        return orders_pb2.CheckoutResponse(order=canned_order())

    async def ListOrders(self, request: orders_pb2.ListOrdersRequest, context: Any) -> orders_pb2.ListOrdersResponse:
        self.recorded.note("ListOrders", context)
        orders = [canned_order(ORDER_ID), canned_order(PAID_ORDER_ID)]
        edges = [orders_pb2.OrderEdge(order=order, cursor=f"c_{order.id}") for order in orders]
        return orders_pb2.ListOrdersResponse(edges=edges[: request.page_size or 20])

    async def ListTimeline(
        self, request: orders_pb2.ListTimelineRequest, context: Any
    ) -> orders_pb2.ListTimelineResponse:
        self.recorded.note("ListTimeline", context)
        visible_order(request.order_id)
        return timeline_page(request.page_size or 50)

    async def ConfirmOrder(
        self, request: orders_pb2.ConfirmOrderRequest, context: Any
    ) -> orders_pb2.ConfirmOrderResponse:
        self.recorded.note("ConfirmOrder", context)
        if request.request_id == REFUSED_KEY:
            raise invalid_field("request_id", "was refused")
        order = visible_order(request.order_id)
        if request.expected_version != CURRENT_VERSION:
            raise conflict(CURRENT_VERSION)
        return orders_pb2.ConfirmOrderResponse(order=order)

    async def CancelOrder(self, request: orders_pb2.CancelOrderRequest, context: Any) -> orders_pb2.CancelOrderResponse:
        self.recorded.note("CancelOrder", context)
        order = visible_order(request.order_id)
        if request.expected_version != CURRENT_VERSION:
            raise conflict(CURRENT_VERSION)
        order.state = orders_pb2.ORDER_STATE_CANCELLED
        return orders_pb2.CancelOrderResponse(order=order)


class FakePayments(payments_pb2_grpc.PaymentsServiceServicer):  # type: ignore[misc]
    """Payments that quote one price and know the payment of PAID_ORDER_ID only."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def ReceiveStripeEvent(
        self, request: payments_pb2.ReceiveStripeEventRequest, context: Any
    ) -> payments_pb2.ReceiveStripeEventResponse:
        self.recorded.note("ReceiveStripeEvent", context)
        self.recorded.stripe_deliveries.append(request)
        if request.signature != "t=1,v1=good":
            raise invalid_field("signature", "the Stripe-Signature does not hold")
        return payments_pb2.ReceiveStripeEventResponse(event_id="evt_1", type="payment_intent.canceled", handled=True)

    async def CreateQuote(
        self, request: payments_pb2.CreateQuoteRequest, context: Any
    ) -> payments_pb2.CreateQuoteResponse:
        self.recorded.note("CreateQuote", context)
        self.recorded.quote_requests.append(request)
        if request.end_utc.ToDatetime() <= request.start_utc.ToDatetime():
            raise invalid_field("end_utc", "must be after start_utc")
        price = payments_pb2.PriceSnapshot(
            subtotal=_usd(30000), platform_fee=_usd(3000), tax=_usd(0), deposit=_usd(0), total=_usd(33000)
        )
        policy = payments_pb2.PolicySnapshot(
            version="v1",
            buyer_cancellation_tiers=[payments_pb2.CancellationTier(min_hours_before_start=72, refund_percent=100)],
            provider_cancellation_refund_percent=100,
            dispute_window_days=7,
        )
        quote = payments_pb2.Quote(
            id="qte_1",
            provider_id=request.provider_id,
            role_code=request.role_code,
            price=price,
            policy=policy,
            expires_at=_ts(START),
            location_json=request.location_json,
        )
        return payments_pb2.CreateQuoteResponse(quote=quote)

    async def GetPaymentSummary(self, request: payments_pb2.GetPaymentSummaryRequest, context: Any) -> Any:
        self.recorded.note("GetPaymentSummary", context)
        caller = current_caller()
        # Like payments: NOT_FOUND both while there is no payment and to anyone but the participants.
        if request.order_id not in (PAID_ORDER_ID, VOIDED_ORDER_ID) or caller.user_id not in (BUYER, PROVIDER):
            raise not_found("payment")
        if request.order_id == VOIDED_ORDER_ID:
            voided = payments_pb2.Payment(
                order_id=VOIDED_ORDER_ID, status=payments_pb2.PAYMENT_STATUS_VOIDED, authorized=_usd(33000)
            )
            return payments_pb2.GetPaymentSummaryResponse(payment=voided, pending_extras=_usd(0))
        payment = payments_pb2.Payment(
            order_id=PAID_ORDER_ID,
            status=payments_pb2.PAYMENT_STATUS_PARTIALLY_REFUNDED,
            authorized=_usd(33000),
            captured=_usd(33000),
            refunded=_usd(16500),
        )
        receipts = [payments_pb2.Receipt(id="rcp_1", kind="booking", total=_usd(33000), created_at=_ts(START))]
        return payments_pb2.GetPaymentSummaryResponse(
            payment=payment, pending_extras=money_pb2.Money(amount_cents=0), receipts=receipts
        )


class FakeCards(cards_pb2_grpc.CardsServiceServicer):  # type: ignore[misc]
    """No cards on any order yet; no card is known."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def ListCards(self, request: cards_pb2.ListCardsRequest, context: Any) -> cards_pb2.ListCardsResponse:
        self.recorded.note("ListCards", context)
        visible_order(request.order_id)  # cards asks orders who may see the order
        return cards_pb2.ListCardsResponse()

    async def CreateCard(self, request: cards_pb2.CreateCardRequest, context: Any) -> cards_pb2.CreateCardResponse:
        self.recorded.note("CreateCard", context)
        order = visible_order(request.order_id)
        card = cards_pb2.Card(
            id="crd_1",
            order_id=order.id,
            type=request.type,
            state=cards_pb2.CARD_STATE_OPEN,
            version=1,
            created_by=current_caller().user_id,
            payload_json=request.payload_json or "{}",
            progress_json="{}",
            created_at=_ts(START),
            updated_at=_ts(START),
        )
        return cards_pb2.CreateCardResponse(card=card)

    async def ListDeliverables(self, request: cards_pb2.ListDeliverablesRequest, context: Any) -> Any:
        self.recorded.note("ListDeliverables", context)
        visible_order(request.order_id)
        return cards_pb2.ListDeliverablesResponse()

    async def CreateMediaUpload(self, request: cards_pb2.CreateMediaUploadRequest, context: Any) -> Any:
        self.recorded.note("CreateMediaUpload", context)
        visible_order(request.order_id)
        return cards_pb2.CreateMediaUploadResponse(
            media_id="med_1", upload_url="http://files/med_1", expires_at=_ts(START), max_bytes=1024
        )

    async def GetCard(self, request: cards_pb2.GetCardRequest, context: Any) -> Any:
        self.recorded.note("GetCard", context)
        raise not_found("card")


class FakeNotify(notify_pb2_grpc.NotifyServiceServicer):  # type: ignore[misc]
    """Preferences that record every update and echo what was set."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def UpdatePreferences(self, request: notify_pb2.UpdatePreferencesRequest, context: Any) -> Any:
        self.recorded.note("UpdatePreferences", context)
        self.recorded.preference_updates.append(request)
        preferences = notify_pb2.Preferences(
            timezone=request.timezone or "UTC",
            quiet_hours_start=request.quiet_hours_start,
            quiet_hours_end=request.quiet_hours_end,
            email=request.email if request.HasField("email") else True,
        )
        return notify_pb2.UpdatePreferencesResponse(preferences=preferences)


class FakeClock(clock_pb2_grpc.ClockServiceServicer):  # type: ignore[misc]
    """A dev clock that records the offset it is moved to."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def GetClock(self, request: clock_pb2.GetClockRequest, context: Any) -> clock_pb2.GetClockResponse:
        self.recorded.note("GetClock", context)
        return clock_pb2.GetClockResponse(now=_ts(START), offset_seconds=self.recorded.clock_offsets.get("offset", 0))

    async def SetClockOffset(self, request: clock_pb2.SetClockOffsetRequest, context: Any) -> Any:
        self.recorded.note("SetClockOffset", context)
        self.recorded.clock_offsets["offset"] = request.offset_seconds
        now = datetime(2030, 1, 1, tzinfo=UTC).timestamp() + request.offset_seconds
        return clock_pb2.SetClockOffsetResponse(
            now=_ts(datetime.fromtimestamp(now, UTC)), offset_seconds=request.offset_seconds
        )


@dataclass
class FakeServices:
    """The fake of every service, each on its own local port."""

    servers: dict[str, grpc.aio.Server]
    ports: dict[str, int]
    recorded: Recorded

    async def stop(self) -> None:
        """Stops every server."""
        for server in self.servers.values():
            await server.stop(0)


async def start_fake_services() -> FakeServices:
    """Starts a fake of each service on a free local port, each accepting the gateway's credentials."""
    recorded = Recorded()
    keyring = {"gateway": public_key_from_text(KEYS.public_keys["gateway"])}
    servers: dict[str, grpc.aio.Server] = {}
    ports: dict[str, int] = {}
    for name in SERVICES:
        server = grpc.aio.server(interceptors=[ServerCallerInterceptor(audience=name, keyring=keyring)])
        orders_pb2_grpc.add_OrdersServiceServicer_to_server(FakeOrders(recorded), server)
        payments_pb2_grpc.add_PaymentsServiceServicer_to_server(FakePayments(recorded), server)
        notify_pb2_grpc.add_NotifyServiceServicer_to_server(FakeNotify(recorded), server)
        cards_pb2_grpc.add_CardsServiceServicer_to_server(FakeCards(recorded), server)
        clock_pb2_grpc.add_ClockServiceServicer_to_server(FakeClock(recorded), server)
        health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)  # type: ignore[attr-defined]
        ports[name] = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        servers[name] = server
    return FakeServices(servers=servers, ports=ports, recorded=recorded)


SECRET = "test-secret-that-is-long-enough-for-hs256"


def quote_input(**overrides: Any) -> dict[str, Any]:
    """A valid createQuote input (GraphQL) or POST /v1/quotes body (REST), with ``overrides``."""
    return {
        "providerId": PROVIDER,
        "roleCode": "photographer",
        "startUtc": "2030-05-01T12:00:00+02:00",
        "endUtc": "2030-05-01T12:00:00Z",
        "timezone": "Europe/Berlin",
        "location": {"city": "Berlin", "country": "DE"},
        **overrides,
    }


def token(sub: str = "u_buyer_1", roles: list[str] | None = None, *, secret: str = SECRET, **claims: Any) -> str:
    """A signed bearer token, valid for an hour unless ``claims`` say otherwise (``exp=None`` leaves exp out)."""
    now = int(time.time())
    payload = {"sub": sub, "roles": roles or [], "iat": now, "exp": now + 3600, **claims}
    return jwt.encode({name: value for name, value in payload.items() if value is not None}, secret, algorithm="HS256")


def bearer(sub: str = "u_buyer_1", roles: list[str] | None = None) -> dict[str, str]:
    """The Authorization header for a user."""
    return {"authorization": f"Bearer {token(sub, roles)}"}


@dataclass
class Stack:
    """The gateway app in front of the fake services."""

    app: FastAPI
    client: httpx.AsyncClient
    recorded: Recorded

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None
    ) -> Any:
        """Posts one GraphQL operation as u_buyer_1 (or with the given headers)."""
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=bearer() if headers is None else headers,
        )
        assert response.status_code == 200, response.text
        return response.json()


def settings_for(ports: dict[str, int], **overrides: Any) -> GatewaySettings:
    """Gateway settings with every peer at its fake, signing with the gateway's key."""
    values: dict[str, Any] = {
        "CALLSHEET_JWT_SECRET": SECRET,
        "CALLSHEET_ENV": "test",
        "CALLSHEET_RPC_TIMEOUT_SECONDS": 2.0,
        "CALLSHEET_SERVICE_KEY": KEYS.private_keys["gateway"],
        **{f"CALLSHEET_{name.upper()}_ADDR": f"127.0.0.1:{port}" for name, port in ports.items()},
    }
    values.update(overrides)
    return GatewaySettings(**values)


@asynccontextmanager
async def running_gateway(settings: GatewaySettings, recorded: Recorded) -> AsyncIterator[Stack]:
    """The app with its lifespan running and a client talking to it in-process."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield Stack(app=app, client=client, recorded=recorded)
