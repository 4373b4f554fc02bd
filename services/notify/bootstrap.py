"""Wires notify: the one place its dependencies are chosen."""

from __future__ import annotations

from pathlib import Path

import grpc

from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.service import ServiceKit, ServiceParts, sweeper
from callsheet_kit.settings import load
from services.notify.adapters.mailer import SmtpMailer
from services.notify.adapters.tables import kit_tables
from services.notify.application.notify import Notify
from services.notify.config import NotifySettings
from services.notify.entrypoints.grpc_api import NotifyServicer

NAME = "notify"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables
ORDER_EVENTS = tuple(
    f"order.{state}"
    for state in ("authorized", "confirmed", "in_progress", "completed", "cancelled", "disputed", "closed")
)


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The servicer, the order-event consumer and the email sender of notify."""
    settings = load(NotifySettings)
    notify = Notify(
        kit, settings, SmtpMailer(host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from)
    )
    servicer = NotifyServicer(kit, notify)

    def register(server: grpc.aio.Server) -> None:
        notify_pb2_grpc.add_NotifyServiceServicer_to_server(servicer, server)

    order_events = EventConsumer(
        name="notify-orders",
        db=kit.db,
        tables=kit.tables,
        bus=kit.bus,
        source="orders",
        handlers=dict.fromkeys(ORDER_EVENTS, notify.on_order_event),
    )
    return ServiceParts(
        register=[register],
        service_names=[notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name],
        consumers=[order_events],
        workers=[sweeper(kit, "email-deliveries", notify.deliver_pending, interval=0.5)],
    )
