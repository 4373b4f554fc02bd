"""Wires notify: the one place its dependencies are chosen."""

from __future__ import annotations

from pathlib import Path

import grpc

from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet.orders.v1 import events_pb2 as order_events
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.service import ServiceKit, ServiceParts, periodic
from callsheet_kit.settings import load
from services.notify.adapters.mailer import SmtpMailer
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.adapters.tables import kit_tables
from services.notify.config import NotifySettings
from services.notify.entrypoints.grpc_api import NotifyServicer
from services.notify.usecases.deliver_emails import deliver_emails
from services.notify.usecases.notify_order_participants import notify_order_participants

NAME = "notify"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables
# Every order transition reaches both participants.
ORDER_EVENTS = (
    order_events.OrderAuthorized,
    order_events.OrderConfirmed,
    order_events.OrderStarted,
    order_events.OrderCompleted,
    order_events.OrderCancelled,
    order_events.OrderDisputed,
    order_events.OrderClosed,
)


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The servicer, the order-event consumer and the email sender of notify."""
    settings = load(NotifySettings)
    mailer = SmtpMailer(host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from)

    def uow() -> SqlNotifyUnitOfWork:
        return SqlNotifyUnitOfWork(kit.parts, email_domain=settings.email_domain)

    servicer = NotifyServicer(uow)

    def register(server: grpc.aio.Server) -> None:
        notify_pb2_grpc.add_NotifyServiceServicer_to_server(servicer, server)

    order_consumer = EventConsumer(
        name="notify-orders",
        uow=uow,
        tables=kit.tables,
        bus=kit.bus,
        source="orders",
        handlers=dict.fromkeys(ORDER_EVENTS, notify_order_participants),
    )
    return ServiceParts(
        register=[register],
        service_names=[notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name],
        consumers=[order_consumer],
        workers=[periodic("email-deliveries", lambda: deliver_emails(uow, mailer), interval=0.5)],
        on_stop=[mailer.close],
    )
