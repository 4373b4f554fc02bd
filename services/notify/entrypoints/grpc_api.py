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
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.adapters.tables import NotificationRow, PreferenceRow
from services.notify.usecases.list_notifications import FEED, ListNotifications, list_notifications
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
