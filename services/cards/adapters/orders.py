"""The orders service as cards calls it: the order as the caller may see it, read fresh."""

from __future__ import annotations

import json
from typing import Any

from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.identity import Caller, reset_caller, set_caller
from callsheet_kit.proto import datetime_of
from callsheet_kit.rpc import Peers, invoke
from services.cards.domain.model import OrderState, OrderView

STATES = {
    value.number: OrderState(value.name.removeprefix("ORDER_STATE_").lower())
    for value in orders_pb2.OrderState.DESCRIPTOR.values
    if value.number != orders_pb2.ORDER_STATE_UNSPECIFIED
}
DEFAULT_DISPUTE_WINDOW_DAYS = 7


def order_view(order: orders_pb2.Order) -> OrderView:
    """What cards needs of an order message."""
    start, end = datetime_of(order.start_utc), datetime_of(order.end_utc)
    assert start is not None and end is not None
    policy: dict[str, Any] = json.loads(order.policy_snapshot_json or "{}")
    price: dict[str, Any] = json.loads(order.price_snapshot_json or "{}")
    return OrderView(
        order_id=order.id,
        buyer_id=order.buyer_id,
        provider_id=order.provider_id,
        state=STATES[order.state],
        start_utc=start,
        end_utc=end,
        version=order.version,
        currency=str(price.get("currency") or "USD"),
        dispute_window_days=int(policy.get("dispute_window_days", DEFAULT_DISPUTE_WINDOW_DAYS)),
    )


class GrpcOrders:
    """``OrdersPort`` over the orders gRPC service."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    async def order_view(self, order_id: str, *, caller: Caller) -> OrderView:
        """The order as ``caller`` may see it (orders decides: NOT_FOUND for a stranger)."""
        stub = orders_pb2_grpc.OrdersServiceStub(self._peers.channel("orders"))
        token = set_caller(caller)
        try:
            response: orders_pb2.GetOrderResponse = await invoke(
                stub.GetOrder, orders_pb2.GetOrderRequest(order_id=order_id), timeout=self._peers.timeout
            )
        finally:
            reset_caller(token)
        return order_view(response.order)
