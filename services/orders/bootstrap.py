"""Wires orders: the one place its dependencies are chosen."""

from __future__ import annotations

from pathlib import Path

import grpc

from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.service import ServiceKit, ServiceParts, sweeper
from services.orders.adapters.tables import kit_tables
from services.orders.application.orders import Orders
from services.orders.entrypoints.grpc_api import OrdersServicer

NAME = "orders"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The servicer, the payment-event consumer and the start sweeper of orders."""
    orders = Orders(kit)
    servicer = OrdersServicer(kit, orders)

    def register(server: grpc.aio.Server) -> None:
        orders_pb2_grpc.add_OrdersServiceServicer_to_server(servicer, server)

    payment_events = EventConsumer(
        name="orders-timeline",
        db=kit.db,
        tables=kit.tables,
        bus=kit.bus,
        source="payments",
        handlers={
            event_type: orders.record_payment_event
            for event_type in ("payment.authorized", "payment.captured", "payment.voided", "payment.refunded")
        },
    )
    return ServiceParts(
        register=[register],
        service_names=[orders_pb2.DESCRIPTOR.services_by_name["OrdersService"].full_name],
        consumers=[payment_events],
        workers=[sweeper(kit, "start-due-orders", orders.start_due)],
    )
