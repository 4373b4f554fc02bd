"""order (REST ``GET /v1/orders/{id}``): an order the caller takes part in.

Orders decides who may see an order: anyone else gets NOT_FOUND, never the order. A REST route
of an order that reads another service asks this first (see ``order_payment``).
"""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.orders.v1 import orders_pb2
from gateway.operation import BackendsDep, Operation, OrderId
from gateway.shapes import ApiObject, Order, order

router = APIRouter(tags=["orders"])


@router.get("/orders/{order_id}", response_model=Order)
async def get_order(backends: BackendsDep, id: OrderId) -> ApiObject:
    """An order the caller takes part in (GraphQL `order`)."""
    request = orders_pb2.GetOrderRequest(order_id=id)
    response: orders_pb2.GetOrderResponse = await backends.call(backends.orders.GetOrder, request)
    return order(response.order)


OPERATION = Operation("Query.order", get_order, router)
