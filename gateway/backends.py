"""The services behind the gateway, as typed gRPC stubs on the kit's channels.

The channels come from ``callsheet_kit.rpc.Peers``: every call carries a credential signed with
the gateway's own key that names the current caller, and is traced as a child of the gateway's
request span.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from google.protobuf.message import Message
from grpc_health.v1 import health_pb2_grpc

from callsheet.cards.v1 import cards_pb2_grpc
from callsheet.clock.v1 import clock_pb2_grpc
from callsheet.notify.v1 import notify_pb2_grpc
from callsheet.orders.v1 import orders_pb2_grpc
from callsheet.payments.v1 import payments_pb2_grpc
from callsheet.support.v1 import support_pb2_grpc
from callsheet_kit.rpc import Peers, invoke
from gateway.settings import GatewaySettings

S = TypeVar("S")
R = TypeVar("R", bound=Message)

SERVICES: tuple[str, ...] = ("orders", "cards", "payments", "support", "notify")


class Backends:
    """Stubs of every service the gateway talks to, and the deadline for calls to them."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.timeout = settings.rpc_timeout_seconds
        self.peers = Peers(
            addr_of=settings.peer_addr,
            service="gateway",
            key=settings.service_key,
            timeout=settings.rpc_timeout_seconds,
        )
        self._stubs: dict[tuple[str, str], Any] = {}

    def open(self) -> None:
        """Opens a channel to every service (they connect lazily on first use)."""
        for service in SERVICES:
            self.peers.channel(service)

    async def close(self) -> None:
        """Closes every channel."""
        self._stubs.clear()
        await self.peers.close()

    async def call(self, method: Callable[..., Awaitable[R]], request: Message) -> R:
        """Calls a stub method under the gateway's deadline; a failure is raised as the ``DomainError`` it carried."""
        return await invoke(method, request, timeout=self.timeout)

    def _stub(self, service: str, kind: Callable[[Any], S]) -> S:
        key = (service, getattr(kind, "__name__", repr(kind)))
        if key not in self._stubs:
            self._stubs[key] = kind(self.peers.channel(service))
        stub: S = self._stubs[key]
        return stub

    @property
    def orders(self) -> orders_pb2_grpc.OrdersServiceStub:
        """The orders service."""
        return self._stub("orders", orders_pb2_grpc.OrdersServiceStub)

    @property
    def cards(self) -> cards_pb2_grpc.CardsServiceStub:
        """The cards service."""
        return self._stub("cards", cards_pb2_grpc.CardsServiceStub)

    @property
    def payments(self) -> payments_pb2_grpc.PaymentsServiceStub:
        """The payments service."""
        return self._stub("payments", payments_pb2_grpc.PaymentsServiceStub)

    @property
    def support(self) -> support_pb2_grpc.SupportServiceStub:
        """The support service."""
        return self._stub("support", support_pb2_grpc.SupportServiceStub)

    @property
    def notify(self) -> notify_pb2_grpc.NotifyServiceStub:
        """The notify service."""
        return self._stub("notify", notify_pb2_grpc.NotifyServiceStub)

    def clock(self, service: str) -> clock_pb2_grpc.ClockServiceStub:
        """The dev clock of ``service``."""
        return self._stub(service, clock_pb2_grpc.ClockServiceStub)

    def health(self, service: str) -> Any:
        """The standard gRPC health service of ``service``."""
        return self._stub(service, health_pb2_grpc.HealthStub)
