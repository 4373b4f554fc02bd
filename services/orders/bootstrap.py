"""Wires orders: the one place its dependencies are chosen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc

from callsheet.cards.v1 import events_pb2 as card_events
from callsheet.orders.v1 import orders_pb2, orders_pb2_grpc
from callsheet.payments.v1 import events_pb2 as payment_events
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.service import ServiceKit, ServiceParts, periodic
from services.orders.adapters.gauges import ORDER_GAUGES
from services.orders.adapters.payments import GrpcPayments
from services.orders.adapters.repositories import SqlOrdersUnitOfWork
from services.orders.adapters.tables import kit_tables
from services.orders.adapters.wire import encode_order
from services.orders.usecases.cancel_order import SettleCancellation
from services.orders.usecases.checkout import CheckoutDeps, CheckoutFlow
from services.orders.usecases.close_orders import close_due_orders
from services.orders.usecases.confirm_order import CapturePayment
from services.orders.usecases.record_card_event import record_card_event
from services.orders.usecases.record_payment_event import record_payment_event
from services.orders.usecases.record_support_event import SUPPORT_EVENTS, record_support_event
from services.orders.usecases.start_due_orders import start_due_orders

NAME = "orders"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables
# Every money movement lands on its order's timeline (checkout.initiated moves none: it does not).
PAYMENT_EVENTS = (
    payment_events.PaymentAuthorized,
    payment_events.PaymentCaptured,
    payment_events.PaymentVoided,
    payment_events.PaymentRefunded,
    payment_events.PaymentCharged,
    payment_events.PayoutScheduled,
    payment_events.PayoutReleased,
    payment_events.PayoutPaid,
    payment_events.PayoutFailed,
    payment_events.TransferReversed,
    payment_events.ReserveFrozen,
    payment_events.ReserveUnfrozen,
    payment_events.DisputeOpened,
    payment_events.DisputeUpdated,
    payment_events.DisputeWon,
    payment_events.DisputeLost,
)
# Every card event lands on its order's timeline: each message is a family, taking every card type
# (``card.requested.reschedule``, ``card.closed.extras``, …).
CARD_EVENTS = (
    card_events.CardRequested,
    card_events.CardResponded,
    card_events.CardExpiring,
    card_events.CardClosed,
    card_events.CardStuck,
    card_events.CardReopened,
)


@dataclass(frozen=True)
class Orders:
    """The wired service: what its entrypoints hand to the use cases."""

    kit: ServiceKit
    checkout: CheckoutDeps

    def uow(self) -> SqlOrdersUnitOfWork:
        """A new unit of work."""
        return SqlOrdersUnitOfWork(self.kit.parts)


def wire(kit: ServiceKit) -> Orders:
    """Builds orders over the kit, registering its sagas."""
    payments = GrpcPayments(kit.peers)

    def uow() -> SqlOrdersUnitOfWork:
        return SqlOrdersUnitOfWork(kit.parts)

    kit.sagas.register(
        CheckoutFlow(
            uow=uow, payments=payments, respond=lambda order: orders_pb2.CheckoutResponse(order=encode_order(order))
        )
    )
    kit.sagas.register(CapturePayment(payments))
    kit.sagas.register(SettleCancellation(payments))
    return Orders(kit=kit, checkout=CheckoutDeps(uow=uow, payments=payments, sagas=kit.sagas))


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The servicer, the payment-, card- and support-event consumers, the start and closing sweepers
    and the gauge of orders."""
    from services.orders.entrypoints.grpc_api import OrdersServicer

    orders = wire(kit)
    servicer = OrdersServicer(orders)

    def register(server: grpc.aio.Server) -> None:
        orders_pb2_grpc.add_OrdersServiceServicer_to_server(servicer, server)

    payment_timeline = EventConsumer(
        name="orders-timeline",
        uow=orders.uow,
        tables=kit.tables,
        bus=kit.bus,
        source="payments",
        handlers=dict.fromkeys(PAYMENT_EVENTS, record_payment_event),
        ordered=True,
    )
    # A consumer of its own: the inbox and the per-subject positions are kept per consumer name,
    # and cards numbers its events of an order apart from payments.
    card_timeline = EventConsumer(
        name="orders-card-timeline",
        uow=orders.uow,
        tables=kit.tables,
        bus=kit.bus,
        source="cards",
        handlers=dict.fromkeys(CARD_EVENTS, record_card_event),
        ordered=True,
    )
    support_timeline = EventConsumer(
        name="orders-support-timeline",
        uow=orders.uow,
        tables=kit.tables,
        bus=kit.bus,
        source="support",
        handlers=dict.fromkeys(SUPPORT_EVENTS, record_support_event),
        ordered=True,
    )
    return ServiceParts(
        register=[register],
        service_names=[orders_pb2.DESCRIPTOR.services_by_name["OrdersService"].full_name],
        consumers=[payment_timeline, card_timeline, support_timeline],
        workers=[
            periodic("start-due-orders", lambda: start_due_orders(orders.uow)),
            periodic("close-due-orders", lambda: close_due_orders(orders.uow)),
        ],
        gauges=[ORDER_GAUGES],
    )
