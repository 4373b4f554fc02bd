"""The gateway under test: tokens, the app in-process, and a test double of the services it calls.

The double is one in-process grpc.aio server with canned answers. It runs the kit's server
interceptor, so errors leave as the same rich statuses real services send.
"""

from __future__ import annotations

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

from callsheet.clock.v1 import clock_pb2, clock_pb2_grpc
from callsheet.common.v1 import money_pb2
from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2, payments_pb2_grpc
from callsheet_kit.errors import conflict, invalid_field, not_found
from callsheet_kit.identity import current_caller
from callsheet_kit.rpc import ServerCallerInterceptor
from gateway.app import create_app
from gateway.backends import SERVICES
from gateway.settings import GatewaySettings

START = datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
END = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
ORDER_ID = "ord_1"
CURRENT_VERSION = 7


def _ts(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _usd(cents: int) -> money_pb2.Money:
    return money_pb2.Money(amount_cents=cents, currency="USD")


def canned_order() -> orders_pb2.Order:
    """The one order the fake knows."""
    return orders_pb2.Order(
        id=ORDER_ID,
        state=orders_pb2.ORDER_STATE_AUTHORIZED,
        version=3,
        buyer_id="u_buyer_1",
        provider_id="u_provider_1",
        role_code="photographer",
        start_utc=_ts(START),
        end_utc=_ts(END),
        timezone="Europe/Berlin",
        location_json='{"city": "Berlin", "country": "DE"}',
        price_snapshot_json='{"totalCents": 33000}',
        policy_snapshot_json='{"version": "v1"}',
        quote_id="qte_1",
    )


@dataclass
class Recorded:
    """What the fake saw: the metadata and caller of every call, by method."""

    metadata: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    callers: dict[str, list[str]] = field(default_factory=dict)
    clock_offsets: dict[str, int] = field(default_factory=dict)
    preference_updates: list[notify_pb2.UpdatePreferencesRequest] = field(default_factory=list)

    def note(self, method: str, context: Any) -> None:
        """Records one call."""
        pairs = {key: value for key, value in context.invocation_metadata() or () if isinstance(value, str)}
        self.metadata.setdefault(method, []).append(pairs)
        self.callers.setdefault(method, []).append(current_caller().user_id)


class FakeOrders(orders_pb2_grpc.OrdersServiceServicer):  # type: ignore[misc]
    """Orders with one known order; anything else is NOT_FOUND."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def GetOrder(self, request: orders_pb2.GetOrderRequest, context: Any) -> orders_pb2.GetOrderResponse:
        self.recorded.note("GetOrder", context)
        if request.order_id != ORDER_ID:
            raise not_found("order")
        return orders_pb2.GetOrderResponse(order=canned_order())

    async def ListTimeline(
        self, request: orders_pb2.ListTimelineRequest, context: Any
    ) -> orders_pb2.ListTimelineResponse:
        self.recorded.note("ListTimeline", context)
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
        return orders_pb2.ListTimelineResponse(events=events[: request.page_size or 50], next_page_token="c2")

    async def ConfirmOrder(
        self, request: orders_pb2.ConfirmOrderRequest, context: Any
    ) -> orders_pb2.ConfirmOrderResponse:
        self.recorded.note("ConfirmOrder", context)
        if request.expected_version != CURRENT_VERSION:
            raise conflict(CURRENT_VERSION)
        return orders_pb2.ConfirmOrderResponse(order=canned_order())


class FakePayments(payments_pb2_grpc.PaymentsServiceServicer):  # type: ignore[misc]
    """Payments that quote one price and know no payment."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def CreateQuote(
        self, request: payments_pb2.CreateQuoteRequest, context: Any
    ) -> payments_pb2.CreateQuoteResponse:
        self.recorded.note("CreateQuote", context)
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
        raise not_found("payment")


class FakeNotify(notify_pb2_grpc.NotifyServiceServicer):  # type: ignore[misc]
    """Preferences that record every update and echo what was set."""

    def __init__(self, recorded: Recorded) -> None:
        self.recorded = recorded

    async def UpdatePreferences(self, request: notify_pb2.UpdatePreferencesRequest, context: Any) -> Any:
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
        return clock_pb2.GetClockResponse(now=_ts(START), offset_seconds=self.recorded.clock_offsets.get("offset", 0))

    async def SetClockOffset(self, request: clock_pb2.SetClockOffsetRequest, context: Any) -> Any:
        self.recorded.clock_offsets["offset"] = request.offset_seconds
        now = datetime(2030, 1, 1, tzinfo=UTC).timestamp() + request.offset_seconds
        return clock_pb2.SetClockOffsetResponse(
            now=_ts(datetime.fromtimestamp(now, UTC)), offset_seconds=request.offset_seconds
        )


async def start_fake_services() -> tuple[grpc.aio.Server, int, Recorded]:
    """Starts the fake on a free local port."""
    recorded = Recorded()
    server = grpc.aio.server(interceptors=[ServerCallerInterceptor()])
    orders_pb2_grpc.add_OrdersServiceServicer_to_server(FakeOrders(recorded), server)
    payments_pb2_grpc.add_PaymentsServiceServicer_to_server(FakePayments(recorded), server)
    notify_pb2_grpc.add_NotifyServiceServicer_to_server(FakeNotify(recorded), server)
    clock_pb2_grpc.add_ClockServiceServicer_to_server(FakeClock(recorded), server)
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)  # type: ignore[attr-defined]
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port, recorded


SECRET = "test-secret-that-is-long-enough-for-hs256"


def token(sub: str = "u_buyer_1", roles: list[str] | None = None, *, secret: str = SECRET) -> str:
    """A signed bearer token."""
    return jwt.encode({"sub": sub, "roles": roles or []}, secret, algorithm="HS256")


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


def settings_for(port: int, **overrides: Any) -> GatewaySettings:
    """Gateway settings with every peer at the fake."""
    addr = f"127.0.0.1:{port}"
    values: dict[str, Any] = {
        "CALLSHEET_JWT_SECRET": SECRET,
        "CALLSHEET_ENV": "test",
        "CALLSHEET_RPC_TIMEOUT_SECONDS": 2.0,
        **{f"CALLSHEET_{name.upper()}_ADDR": addr for name in SERVICES},
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
