"""The orders service as notify reads it: an order its events have not told it of yet (one
booked before notify kept order briefs, say), read on notify's own account."""

from __future__ import annotations

from datetime import UTC

from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.errors import DomainError, ErrorCode
from callsheet_kit.identity import Caller, reset_caller, set_caller
from callsheet_kit.rpc import Peers, invoke
from services.notify.domain.compose import OrderFacts


def order_facts(order: orders_pb2.Order) -> OrderFacts:
    """An order message as notify keeps it."""
    return OrderFacts(
        id=order.id,
        buyer_id=order.buyer_id,
        provider_id=order.provider_id,
        role_code=order.role_code,
        start_utc=order.start_utc.ToDatetime(tzinfo=UTC),
        end_utc=order.end_utc.ToDatetime(tzinfo=UTC),
        timezone=order.timezone or "UTC",
        state=orders_pb2.OrderState.Name(order.state).removeprefix("ORDER_STATE_"),
    )


class GrpcOrders:
    """Reads orders over gRPC, acting for no user (orders lets notify read any order)."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    async def order(self, order_id: str) -> tuple[OrderFacts, int] | None:
        """The order and its version, or None when orders has no such order."""
        stub = orders_pb2_grpc.OrdersServiceStub(self._peers.channel("orders"))
        token = set_caller(Caller())
        try:
            response: orders_pb2.GetOrderResponse = await invoke(
                stub.GetOrder, orders_pb2.GetOrderRequest(order_id=order_id), timeout=self._peers.timeout
            )
        except DomainError as refused:
            if refused.code is ErrorCode.NOT_FOUND:
                return None
            raise
        finally:
            reset_caller(token)
        return order_facts(response.order), response.order.version
