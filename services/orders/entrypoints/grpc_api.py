"""The gRPC face of orders: decode, run the use case in one transaction, encode."""

from __future__ import annotations

from typing import Any

import grpc
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.errors import invalid_field
from callsheet_kit.identity import current_caller
from callsheet_kit.paging import encode_cursor, page_size
from callsheet_kit.proto import datetime_of
from callsheet_kit.service import ServiceKit
from services.orders.adapters.wire import encode_order, encode_timeline_event
from services.orders.application.orders import Orders

Context = grpc.aio.ServicerContext[Any, Any]


class OrdersServicer(orders_pb2_grpc.OrdersServiceServicer):
    """OrdersService over the orders use cases."""

    def __init__(self, kit: ServiceKit, orders: Orders) -> None:
        self._kit = kit
        self._orders = orders

    async def Checkout(self, request: orders_pb2.CheckoutRequest, context: Context) -> orders_pb2.CheckoutResponse:
        """Turns a quote into an AUTHORIZED order."""
        caller = current_caller()

        async def execute(session: AsyncSession) -> orders_pb2.CheckoutResponse:
            order = await self._orders.checkout(
                session,
                caller,
                quote_id=request.quote_id,
                payment_method_id=request.payment_method_id,
                key=f"{caller.user_id}:{request.request_id}",
            )
            return orders_pb2.CheckoutResponse(order=encode_order(order))

        return await self._kit.idempotent(
            scope=f"checkout:{caller.user_id}",
            request=request,
            response_type=orders_pb2.CheckoutResponse,
            execute=execute,
        )

    async def GetOrder(self, request: orders_pb2.GetOrderRequest, context: Context) -> orders_pb2.GetOrderResponse:
        """Returns an order to a participant."""
        async with self._kit.db.transaction() as session:
            order = await self._orders.get(session, current_caller(), request.order_id)
            return orders_pb2.GetOrderResponse(order=encode_order(order))

    async def ListOrders(
        self, request: orders_pb2.ListOrdersRequest, context: Context
    ) -> orders_pb2.ListOrdersResponse:
        """Lists the caller's orders, newest first."""
        size = page_size(request.page_size, default=20, maximum=100)
        async with self._kit.db.transaction() as session:
            rows, token = await self._orders.list_for(session, current_caller(), size=size, token=request.page_token)
            edges = [orders_pb2.OrderEdge(order=encode_order(row), cursor=encode_cursor(row.order_id)) for row in rows]
            return orders_pb2.ListOrdersResponse(edges=edges, next_page_token=token)

    async def ListTimeline(
        self, request: orders_pb2.ListTimelineRequest, context: Context
    ) -> orders_pb2.ListTimelineResponse:
        """Pages through an order's timeline, oldest first."""
        size = page_size(request.page_size, default=50, maximum=200)
        async with self._kit.db.transaction() as session:
            rows, token = await self._orders.timeline(
                session, current_caller(), order_id=request.order_id, size=size, token=request.page_token
            )
            return orders_pb2.ListTimelineResponse(
                events=[encode_timeline_event(row) for row in rows], next_page_token=token
            )

    async def ConfirmOrder(
        self, request: orders_pb2.ConfirmOrderRequest, context: Context
    ) -> orders_pb2.ConfirmOrderResponse:
        """The provider confirms the booking."""
        caller = current_caller()

        async def execute(session: AsyncSession) -> orders_pb2.ConfirmOrderResponse:
            order = await self._orders.confirm(
                session,
                caller,
                order_id=request.order_id,
                expected_version=request.expected_version,
                key=f"{caller.user_id}:{request.request_id}",
            )
            return orders_pb2.ConfirmOrderResponse(order=encode_order(order))

        return await self._kit.idempotent(
            scope=f"confirm:{caller.user_id}",
            request=request,
            response_type=orders_pb2.ConfirmOrderResponse,
            execute=execute,
        )

    async def CancelOrder(
        self, request: orders_pb2.CancelOrderRequest, context: Context
    ) -> orders_pb2.CancelOrderResponse:
        """A participant cancels the order."""
        caller = current_caller()

        async def execute(session: AsyncSession) -> orders_pb2.CancelOrderResponse:
            order = await self._orders.cancel(
                session,
                caller,
                order_id=request.order_id,
                expected_version=request.expected_version,
                reason=request.reason,
                key=f"{caller.user_id}:{request.request_id}",
            )
            return orders_pb2.CancelOrderResponse(order=encode_order(order))

        return await self._kit.idempotent(
            scope=f"cancel:{caller.user_id}",
            request=request,
            response_type=orders_pb2.CancelOrderResponse,
            execute=execute,
        )

    async def CheckSlot(self, request: orders_pb2.CheckSlotRequest, context: Context) -> orders_pb2.CheckSlotResponse:
        """Tells whether a provider's slot is free."""
        start = datetime_of(request.start_utc, present=request.HasField("start_utc"))
        end = datetime_of(request.end_utc, present=request.HasField("end_utc"))
        if start is None or end is None:
            raise invalid_field("start_utc" if start is None else "end_utc", "is required")
        async with self._kit.db.transaction() as session:
            free = await self._orders.check_slot(session, provider_id=request.provider_id, start=start, end=end)
            return orders_pb2.CheckSlotResponse(available=free)
