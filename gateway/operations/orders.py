"""orders (REST ``GET /v1/orders``): a page of the caller's orders, newest first."""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.orders.v1 import orders_pb2
from gateway.operation import After, BackendsDep, First, Operation, page_request
from gateway.shapes import ApiObject, Connection, Edge, Order, connection, order


class OrderEdge(Edge[Order]):
    """An order and its cursor."""


class OrderConnection(Connection[OrderEdge]):
    """A page of orders, newest first."""


router = APIRouter(tags=["orders"])


@router.get("/orders", response_model=OrderConnection)
async def list_orders(backends: BackendsDep, first: First = None, after: After = None) -> ApiObject:
    """The caller's orders, newest first (GraphQL `orders`)."""
    request = orders_pb2.ListOrdersRequest(**page_request(first, after))
    response: orders_pb2.ListOrdersResponse = await backends.call(backends.orders.ListOrders, request)
    return connection(((edge.cursor, order(edge.order)) for edge in response.edges), response.next_page_token)


OPERATION = Operation("Query.orders", list_orders, router)
