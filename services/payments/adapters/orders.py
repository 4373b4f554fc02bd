"""The orders service as payments calls it."""

from __future__ import annotations

from datetime import datetime

from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.proto import timestamp
from callsheet_kit.rpc import Peers, invoke


class GrpcOrders:
    """``OrdersPort`` over the orders gRPC service."""

    def __init__(self, peers: Peers) -> None:
        self._peers = peers

    async def slot_free(self, provider_id: str, start: datetime, end: datetime) -> bool:
        """True when no confirmed booking of the provider overlaps the slot."""
        stub = orders_pb2_grpc.OrdersServiceStub(self._peers.channel("orders"))
        request = orders_pb2.CheckSlotRequest(
            provider_id=provider_id, start_utc=timestamp(start), end_utc=timestamp(end)
        )
        response: orders_pb2.CheckSlotResponse = await invoke(stub.CheckSlot, request, timeout=self._peers.timeout)
        return response.available
