"""confirmOrder (REST ``POST /v1/orders/{id}/confirm``): the provider accepts the booking."""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.orders.v1 import orders_pb2
from gateway.operation import BackendsDep, Operation, OrderCommand
from gateway.shapes import ApiObject, Order, order

router = APIRouter(tags=["orders"])


@router.post("/orders/{order_id}/confirm", response_model=Order)
async def confirm_order(backends: BackendsDep, input: OrderCommand) -> ApiObject:
    """The provider confirms the booking (GraphQL `confirmOrder`)."""
    request = orders_pb2.ConfirmOrderRequest(
        request_id=input["idempotencyKey"],
        order_id=input["orderId"],
        expected_version=input["expectedVersion"],
        reason=input.get("reason") or "",
    )
    response: orders_pb2.ConfirmOrderResponse = await backends.call(backends.orders.ConfirmOrder, request)
    return order(response.order)


OPERATION = Operation("Mutation.confirmOrder", confirm_order, router)
