"""The gRPC face of notify."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc

from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet_kit.identity import current_caller
from callsheet_kit.paging import encode_cursor, page_size
from callsheet_kit.proto import timestamp
from callsheet_kit.uow import execute
from services.notify.adapters.repositories import DeliveryFilter, SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow, PreferenceRow
from services.notify.usecases.delivery_log import LOG, ListDeliveries, RetryDelivery, list_deliveries, retry_delivery
from services.notify.usecases.list_notifications import FEED, ListNotifications, list_notifications
from services.notify.usecases.push_devices import (
    RegisterPushDevice,
    UnregisterPushDevice,
    register_push_device,
    unregister_push_device,
)
from services.notify.usecases.update_preferences import UpdatePreferences, update_preferences

Context = grpc.aio.ServicerContext[Any, Any]


def encode_notification(row: NotificationRow) -> notify_pb2.Notification:
    """A notification as the API shows it."""
    return notify_pb2.Notification(
        id=row.notification_id,
        event_type=row.event_type,
        title=row.title,
        body=row.body,
        channel=row.channel,
        status=row.status,
        created_at=timestamp(row.created_at),
        order_id=row.order_id or "",
    )


def encode_delivery(row: NotificationRow) -> notify_pb2.Delivery:
    """A delivery as the log shows it."""
    delivery = notify_pb2.Delivery(
        id=row.notification_id,
        user_id=row.user_id,
        event_id=row.event_id,
        event_type=row.event_type,
        channel=row.channel,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error or "",
        created_at=timestamp(row.created_at),
        order_id=row.order_id or "",
        title=row.title,
        digest_id=row.digest_id or "",
        category=row.category,
    )
    for name in ("sent_at", "next_attempt_at", "hold_until"):
        if (value := getattr(row, name)) is not None:
            getattr(delivery, name).CopyFrom(timestamp(value))
    return delivery


def encode_preferences(row: PreferenceRow) -> notify_pb2.Preferences:
    """Preferences as the API shows them."""
    return notify_pb2.Preferences(
        timezone=row.timezone,
        quiet_hours_start=row.quiet_hours_start or "",
        quiet_hours_end=row.quiet_hours_end or "",
        safe_mode=row.safe_mode,
        email=row.email,
        push=row.push,
    )


class NotifyServicer(notify_pb2_grpc.NotifyServiceServicer):
    """NotifyService over the notify use cases."""

    def __init__(self, uow: Callable[[], SqlNotifyUnitOfWork]) -> None:
        self._uow = uow

    async def ListNotifications(
        self, request: notify_pb2.ListNotificationsRequest, context: Context
    ) -> notify_pb2.ListNotificationsResponse:
        """Pages through the caller's feed."""
        size = page_size(request.page_size, default=20)
        return await execute(
            list_notifications,
            ListNotifications(caller=current_caller(), size=size, page_token=request.page_token),
            uow=self._uow(),
            respond=lambda page: notify_pb2.ListNotificationsResponse(
                edges=[
                    notify_pb2.NotificationEdge(
                        notification=encode_notification(row), cursor=encode_cursor(FEED, row.notification_id)
                    )
                    for row in page[0]
                ],
                next_page_token=page[1],
            ),
        )

    async def GetPreferences(
        self, request: notify_pb2.GetPreferencesRequest, context: Context
    ) -> notify_pb2.GetPreferencesResponse:
        """Returns the caller's preferences."""
        return await execute(
            update_preferences,
            UpdatePreferences(caller=current_caller()),
            uow=self._uow(),
            respond=lambda prefs: notify_pb2.GetPreferencesResponse(preferences=encode_preferences(prefs)),
        )

    async def UpdatePreferences(
        self, request: notify_pb2.UpdatePreferencesRequest, context: Context
    ) -> notify_pb2.UpdatePreferencesResponse:
        """Changes the caller's preferences."""

        def field(name: str) -> Any:
            return getattr(request, name) if request.HasField(name) else None

        command = UpdatePreferences(
            caller=current_caller(),
            timezone=field("timezone"),
            quiet_hours_start=field("quiet_hours_start"),
            quiet_hours_end=field("quiet_hours_end"),
            safe_mode=field("safe_mode"),
            email=field("email"),
            push=field("push"),
        )
        return await execute(
            update_preferences,
            command,
            uow=self._uow(),
            respond=lambda prefs: notify_pb2.UpdatePreferencesResponse(preferences=encode_preferences(prefs)),
        )

    async def RegisterPushDevice(
        self, request: notify_pb2.RegisterPushDeviceRequest, context: Context
    ) -> notify_pb2.RegisterPushDeviceResponse:
        """Registers one of the caller's push devices."""
        return await execute(
            register_push_device,
            RegisterPushDevice(caller=current_caller(), token=request.token, platform=request.platform),
            uow=self._uow(),
            respond=lambda count: notify_pb2.RegisterPushDeviceResponse(devices=count),
        )

    async def UnregisterPushDevice(
        self, request: notify_pb2.UnregisterPushDeviceRequest, context: Context
    ) -> notify_pb2.UnregisterPushDeviceResponse:
        """Forgets one of the caller's push devices."""
        return await execute(
            unregister_push_device,
            UnregisterPushDevice(caller=current_caller(), token=request.token),
            uow=self._uow(),
            respond=lambda count: notify_pb2.UnregisterPushDeviceResponse(devices=count),
        )

    async def ListDeliveries(
        self, request: notify_pb2.ListDeliveriesRequest, context: Context
    ) -> notify_pb2.ListDeliveriesResponse:
        """Pages through the delivery log (support agents and admins)."""
        command = ListDeliveries(
            caller=current_caller(),
            where=DeliveryFilter(
                user_id=request.user_id, status=request.status, channel=request.channel, order_id=request.order_id
            ),
            size=page_size(request.page_size, default=20),
            page_token=request.page_token,
        )
        return await execute(
            list_deliveries,
            command,
            uow=self._uow(),
            respond=lambda page: notify_pb2.ListDeliveriesResponse(
                edges=[
                    notify_pb2.DeliveryEdge(
                        delivery=encode_delivery(row), cursor=encode_cursor(LOG, row.notification_id)
                    )
                    for row in page[0]
                ],
                next_page_token=page[1],
            ),
        )

    async def RetryDelivery(
        self, request: notify_pb2.RetryDeliveryRequest, context: Context
    ) -> notify_pb2.RetryDeliveryResponse:
        """Sends a dead letter again (admins)."""
        return await execute(
            retry_delivery,
            RetryDelivery(caller=current_caller(), notification_id=request.id),
            uow=self._uow(),
            respond=lambda row: notify_pb2.RetryDeliveryResponse(delivery=encode_delivery(row)),
        )
