"""cancelOrder (REST ``POST /v1/orders/{id}/cancel``): a participant cancels; the refund follows the policy snapshot."""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.orders.v1 import orders_pb2
from gateway.operation import BackendsDep, Operation, OrderCommand
from gateway.shapes import ApiObject, Order, order

router = APIRouter(tags=["orders"])


@router.post("/orders/{order_id}/cancel", response_model=Order)
async def cancel_order(backends: BackendsDep, input: OrderCommand) -> ApiObject:
    """A participant cancels the order (GraphQL `cancelOrder`)."""
    request = orders_pb2.CancelOrderRequest(
        request_id=input["idempotencyKey"],
        order_id=input["orderId"],
        expected_version=input["expectedVersion"],
        reason=input.get("reason") or "",
    )
    response: orders_pb2.CancelOrderResponse = await backends.call(backends.orders.CancelOrder, request)
    return order(response.order)


OPERATION = Operation("Mutation.cancelOrder", cancel_order, router)
