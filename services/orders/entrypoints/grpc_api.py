"""The gRPC face of orders: decode the request, run the use case, encode the result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc

from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.identity import current_caller
from callsheet_kit.paging import encode_cursor, page_size
from callsheet_kit.proto import datetime_of
from callsheet_kit.uow import execute
from services.orders.adapters.wire import encode_hold, encode_order, encode_timeline_event
from services.orders.bootstrap import Orders
from services.orders.usecases.apply_reschedule import ApplyReschedule, apply_reschedule
from services.orders.usecases.cancel_order import CancelOrder, cancel_order
from services.orders.usecases.check_slot import CheckSlot, check_slot
from services.orders.usecases.checkout import Checkout, checkout
from services.orders.usecases.complete_order import CompleteOrder, complete_order
from services.orders.usecases.confirm_order import ConfirmOrder, confirm_order, provider_standing
from services.orders.usecases.dispute_order import DisputeOrder, dispute_order
from services.orders.usecases.get_order import GetOrder, OrderView, get_order
from services.orders.usecases.hold_slots import HoldSlots, hold_slots
from services.orders.usecases.list_orders import ORDERS, ListOrders, list_orders
from services.orders.usecases.list_timeline import ListTimeline, list_timeline
from services.orders.usecases.ports import TimelineRecord
from services.orders.usecases.release_holds import ReleaseHolds, release_holds
from services.orders.usecases.resolve_dispute import ResolveDispute, resolve_dispute

Context = grpc.aio.ServicerContext[Any, Any]


class OrdersServicer(orders_pb2_grpc.OrdersServiceServicer):
    """OrdersService over the orders use cases."""

    def __init__(self, orders: Orders) -> None:
        self._orders = orders

    async def Checkout(self, request: orders_pb2.CheckoutRequest, context: Context) -> orders_pb2.CheckoutResponse:
        """Turns a quote into an AUTHORIZED order."""
        command = Checkout(
            caller=current_caller(),
            request_id=request.request_id,
            quote_id=request.quote_id,
            payment_method_id=request.payment_method_id,
        )
        response = await checkout(self._orders.checkout, command)
        assert isinstance(response, orders_pb2.CheckoutResponse)
        return response

    async def GetOrder(self, request: orders_pb2.GetOrderRequest, context: Context) -> orders_pb2.GetOrderResponse:
        """Returns an order to a participant."""
        size = page_size(request.timeline_page_size, default=50) if request.timeline_page_size else 0
        return await execute(
            get_order,
            GetOrder(caller=current_caller(), order_id=request.order_id, timeline_size=size),
            uow=self._orders.uow(),
            respond=encode_order_view,
        )

    async def ListOrders(
        self, request: orders_pb2.ListOrdersRequest, context: Context
    ) -> orders_pb2.ListOrdersResponse:
        """Lists the caller's orders, newest first."""
        size = page_size(request.page_size, default=20)
        return await execute(
            list_orders,
            ListOrders(caller=current_caller(), size=size, page_token=request.page_token),
            uow=self._orders.uow(),
            respond=lambda page: orders_pb2.ListOrdersResponse(
                edges=[
                    orders_pb2.OrderEdge(order=encode_order(o), cursor=encode_cursor(ORDERS, o.order_id))
                    for o in page[0]
                ],
                next_page_token=page[1],
            ),
        )

    async def ListTimeline(
        self, request: orders_pb2.ListTimelineRequest, context: Context
    ) -> orders_pb2.ListTimelineResponse:
        """Pages through an order's timeline, oldest first."""
        size = page_size(request.page_size, default=50)
        command = ListTimeline(
            caller=current_caller(), order_id=request.order_id, size=size, page_token=request.page_token
        )
        return await execute(
            list_timeline,
            command,
            uow=self._orders.uow(),
            respond=encode_timeline_page,
        )

    async def ConfirmOrder(
        self, request: orders_pb2.ConfirmOrderRequest, context: Context
    ) -> orders_pb2.ConfirmOrderResponse:
        """The provider confirms the booking."""
        caller, deps = current_caller(), self._orders.checkout
        command = ConfirmOrder(
            caller=caller,
            order_id=request.order_id,
            expected_version=request.expected_version,
            provider=await provider_standing(deps.uow, deps.payments, caller=caller, order_id=request.order_id),
            note=request.reason,
        )
        return await execute(
            confirm_order,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda order: orders_pb2.ConfirmOrderResponse(order=encode_order(order)),
        )

    async def CancelOrder(
        self, request: orders_pb2.CancelOrderRequest, context: Context
    ) -> orders_pb2.CancelOrderResponse:
        """A participant cancels the order."""
        command = CancelOrder(
            caller=current_caller(),
            order_id=request.order_id,
            expected_version=request.expected_version,
            reason=request.reason,
        )
        return await execute(
            cancel_order,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda order: orders_pb2.CancelOrderResponse(order=encode_order(order)),
        )

    async def CheckSlot(self, request: orders_pb2.CheckSlotRequest, context: Context) -> orders_pb2.CheckSlotResponse:
        """Tells whether a provider's slot is free."""
        command = CheckSlot(
            caller=current_caller(),
            provider_id=request.provider_id,
            start=datetime_of(request.start_utc, present=request.HasField("start_utc")),
            end=datetime_of(request.end_utc, present=request.HasField("end_utc")),
        )
        return await execute(
            check_slot,
            command,
            uow=self._orders.uow(),
            respond=lambda free: orders_pb2.CheckSlotResponse(available=free),
        )

    async def HoldSlots(self, request: orders_pb2.HoldSlotsRequest, context: Context) -> orders_pb2.HoldSlotsResponse:
        """The cards engine holds a RESCHEDULE card's slots."""
        command = HoldSlots(
            caller=current_caller(),
            order_id=request.order_id,
            card_id=request.card_id,
            slots=[
                (
                    datetime_of(slot.start_utc, present=slot.HasField("start_utc")),
                    datetime_of(slot.end_utc, present=slot.HasField("end_utc")),
                )
                for slot in request.slots
            ],
        )
        return await execute(
            hold_slots,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda holds: orders_pb2.HoldSlotsResponse(holds=[encode_hold(hold) for hold in holds]),
        )

    async def ReleaseHolds(
        self, request: orders_pb2.ReleaseHoldsRequest, context: Context
    ) -> orders_pb2.ReleaseHoldsResponse:
        """The cards engine releases a card's holds."""
        command = ReleaseHolds(caller=current_caller(), order_id=request.order_id, card_id=request.card_id)
        return await execute(
            release_holds,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda released: orders_pb2.ReleaseHoldsResponse(released=released),
        )

    async def ApplyReschedule(
        self, request: orders_pb2.ApplyRescheduleRequest, context: Context
    ) -> orders_pb2.ApplyRescheduleResponse:
        """The cards engine moves the order to the slot an accepted RESCHEDULE card chose."""
        command = ApplyReschedule(
            caller=current_caller(),
            order_id=request.order_id,
            card_id=request.card_id,
            slot_index=request.slot_index,
            expected_version=request.expected_version,
        )
        return await execute(
            apply_reschedule,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda order: orders_pb2.ApplyRescheduleResponse(order=encode_order(order)),
        )

    async def CompleteOrder(
        self, request: orders_pb2.CompleteOrderRequest, context: Context
    ) -> orders_pb2.CompleteOrderResponse:
        """The cards engine completes a session whose COMPLETE card was accepted."""
        command = CompleteOrder(caller=current_caller(), order_id=request.order_id, card_id=request.card_id)
        return await execute(
            complete_order,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda order: orders_pb2.CompleteOrderResponse(order=encode_order(order)),
        )

    async def DisputeOrder(
        self, request: orders_pb2.DisputeOrderRequest, context: Context
    ) -> orders_pb2.DisputeOrderResponse:
        """The cards engine marks the order disputed for a new DISPUTE card."""
        command = DisputeOrder(caller=current_caller(), order_id=request.order_id, card_id=request.card_id)
        return await execute(
            dispute_order,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda order: orders_pb2.DisputeOrderResponse(order=encode_order(order)),
        )

    async def ResolveDispute(
        self, request: orders_pb2.ResolveDisputeRequest, context: Context
    ) -> orders_pb2.ResolveDisputeResponse:
        """Support returns a disputed order to COMPLETED."""
        command = ResolveDispute(caller=current_caller(), order_id=request.order_id)
        return await execute(
            resolve_dispute,
            command,
            uow=self._orders.uow(),
            request=request,
            respond=lambda order: orders_pb2.ResolveDisputeResponse(order=encode_order(order)),
        )


def encode_timeline_page(page: tuple[Sequence[TimelineRecord], str]) -> orders_pb2.ListTimelineResponse:
    """A page of a timeline on the wire."""
    return orders_pb2.ListTimelineResponse(
        events=[encode_timeline_event(row) for row in page[0]], next_page_token=page[1]
    )


def encode_order_view(view: OrderView) -> orders_pb2.GetOrderResponse:
    """An order, with the first page of its timeline when one was asked for."""
    response = orders_pb2.GetOrderResponse(order=encode_order(view.order))
    if view.timeline is not None:
        response.timeline.CopyFrom(encode_timeline_page(view.timeline))
    return response
