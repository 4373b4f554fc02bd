"""Wires notify: the one place its dependencies are chosen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import grpc

from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet_kit.consumer import EventConsumer
from callsheet_kit.service import ServiceKit, ServiceParts, Worker, periodic
from callsheet_kit.settings import load
from services.notify.adapters.couriers import EmailCourier, PushCourier
from services.notify.adapters.directory import DevUserDirectory, HttpUserDirectory, UserDirectory
from services.notify.adapters.gauges import NOTIFY_GAUGES
from services.notify.adapters.mailer import SmtpMailer
from services.notify.adapters.orders import GrpcOrders
from services.notify.adapters.push import FcmPushProvider, ServiceAccount
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.adapters.tables import kit_tables
from services.notify.config import NotifySettings
from services.notify.domain.rendering import Templates
from services.notify.domain.routing import EVENT_TYPES
from services.notify.entrypoints.consumers import handlers
from services.notify.entrypoints.grpc_api import NotifyServicer
from services.notify.usecases.deliver import Courier, DeliveryPolicy, deliver
from services.notify.usecases.notify_event import Notifier
from services.notify.usecases.order_briefs import OrderBriefs
from services.notify.usecases.release_held import release_held

NAME = "notify"
MIGRATIONS = Path(__file__).parent / "migrations"
TABLES = kit_tables


def user_directory(settings: NotifySettings) -> UserDirectory:
    """The account service when configured; the dev users in dev and test; nothing else."""
    if settings.user_directory_url:
        return HttpUserDirectory(settings.user_directory_url, token=settings.user_directory_token)
    if settings.is_dev:
        return DevUserDirectory()
    raise ValueError("CALLSHEET_USER_DIRECTORY_URL is required outside dev and test (users' names and addresses)")


def build_parts(kit: ServiceKit) -> ServiceParts:
    """The servicer, the event consumers, the workers that send and release, and the gauge."""
    settings = load(NotifySettings)
    # Every event type's templates, checked now: a missing one stops start-up.
    templates = Templates(EVENT_TYPES)
    directory = user_directory(settings)
    mailer = SmtpMailer(host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from)
    briefs = OrderBriefs(GrpcOrders(kit.peers))
    notifier = Notifier(
        templates=templates,
        directory=directory,
        app_url=settings.app_url.rstrip("/"),
        briefs=briefs,
        # Without a push provider no push is planned (it would wait for ever).
        push=bool(settings.fcm_credentials_file),
        max_event_age=timedelta(hours=settings.max_event_age_hours),
    )
    policy = DeliveryPolicy(max_attempts=settings.delivery_attempts)

    def uow() -> SqlNotifyUnitOfWork:
        return SqlNotifyUnitOfWork(kit.parts)

    servicer = NotifyServicer(uow)

    def register(server: grpc.aio.Server) -> None:
        notify_pb2_grpc.add_NotifyServiceServicer_to_server(servicer, server)

    consumers = [
        EventConsumer(name=f"notify-{source}", uow=uow, tables=kit.tables, bus=kit.bus, source=source, handlers=taken)
        for source, taken in handlers(notifier).items()
    ]
    couriers: list[Courier] = [EmailCourier(mailer)]
    on_stop: list[Worker] = [mailer.close, directory.close]
    if settings.fcm_credentials_file:
        provider = FcmPushProvider(
            ServiceAccount.from_file(Path(settings.fcm_credentials_file)), endpoint=settings.fcm_endpoint
        )
        couriers.append(PushCourier(provider))
        on_stop.append(provider.close)

    def sending(courier: Courier) -> Worker:
        return periodic(
            f"{courier.channel}-deliveries",
            lambda: deliver(uow, courier, templates=templates, directory=directory, policy=policy),
            interval=0.5,
        )

    return ServiceParts(
        register=[register],
        service_names=[notify_pb2.DESCRIPTOR.services_by_name["NotifyService"].full_name],
        consumers=consumers,
        workers=[
            *(sending(courier) for courier in couriers),
            periodic("quiet-hours", lambda: release_held(uow, templates)),
            periodic("order-briefs", lambda: briefs.fetch(uow)),
        ],
        on_stop=on_stop,
        gauges=[NOTIFY_GAUGES],
    )
