"""order (REST ``GET /v1/orders/{id}``): an order the caller takes part in.

Orders decides who may see an order: anyone else gets NOT_FOUND, never the order. A REST route
of an order that reads another service asks this first (see ``order_payment``).

GraphQL reads ahead: a query that shows an order with the first page of its timeline (what an
order screen asks) gets the order and that page in one call to orders and one check of who may
see it. Payments is still asked only once orders has said the caller may see the order.
"""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.orders.v1 import orders_pb2
from gateway.backends import Backends
from gateway.gql.lookahead import selected_fields
from gateway.operation import BackendsDep, Info, Operation, OrderId, prefetch
from gateway.operations.order_timeline import timeline_connection
from gateway.shapes import ApiObject, Order, order

router = APIRouter(tags=["orders"])


@router.get("/orders/{order_id}", response_model=Order)
async def get_order(backends: BackendsDep, id: OrderId) -> ApiObject:
    """An order the caller takes part in (GraphQL `order`)."""
    request = orders_pb2.GetOrderRequest(order_id=id)
    response: orders_pb2.GetOrderResponse = await backends.call(backends.orders.GetOrder, request)
    return order(response.order)


async def read_order(backends: Backends, info: Info, id: str) -> ApiObject:
    """GraphQL's `order`, with the fields its selection asks that can come along fetched at once."""
    wanted = selected_fields(info)
    timeline = wanted.get("timeline")
    # The first page comes with the order; a page after a cursor is asked for on its own.
    first_page = timeline if timeline is not None and not timeline.get("after") and timeline.get("first") else None
    request = orders_pb2.GetOrderRequest(order_id=id, timeline_page_size=first_page["first"] if first_page else 0)
    response: orders_pb2.GetOrderResponse = await backends.call(backends.orders.GetOrder, request)
    found = order(response.order)
    if first_page is not None and response.HasField("timeline"):
        prefetch(found, "timeline", first_page, timeline_connection(response.timeline))
    return found


OPERATION = Operation("Query.order", get_order, router, reads_ahead=read_order)
