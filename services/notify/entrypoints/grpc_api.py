"""The gRPC face of notify."""

from __future__ import annotations

from typing import Any

import grpc

from callsheet.notify.v1 import notify_pb2, notify_pb2_grpc
from callsheet_kit.identity import current_caller
from callsheet_kit.paging import encode_cursor, page_size
from callsheet_kit.proto import timestamp
from callsheet_kit.service import ServiceKit
from services.notify.adapters.tables import NotificationRow, PreferenceRow
from services.notify.application.notify import Notify

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

    def __init__(self, kit: ServiceKit, notify: Notify) -> None:
        self._kit = kit
        self._notify = notify

    async def ListNotifications(
        self, request: notify_pb2.ListNotificationsRequest, context: Context
    ) -> notify_pb2.ListNotificationsResponse:
        """Pages through the caller's feed."""
        size = page_size(request.page_size, default=20, maximum=100)
        async with self._kit.db.transaction() as session:
            rows, token = await self._notify.feed(session, current_caller(), size=size, token=request.page_token)
            return notify_pb2.ListNotificationsResponse(
                edges=[
                    notify_pb2.NotificationEdge(
                        notification=encode_notification(row), cursor=encode_cursor(row.notification_id)
                    )
                    for row in rows
                ],
                next_page_token=token,
            )

    async def GetPreferences(
        self, request: notify_pb2.GetPreferencesRequest, context: Context
    ) -> notify_pb2.GetPreferencesResponse:
        """Returns the caller's preferences."""
        caller = current_caller()
        async with self._kit.db.transaction() as session:
            prefs = await self._notify.update_preferences(
                session,
                caller,
                timezone=None,
                quiet_hours_start=None,
                quiet_hours_end=None,
                safe_mode=None,
                email=None,
                push=None,
            )
            return notify_pb2.GetPreferencesResponse(preferences=encode_preferences(prefs))

    async def UpdatePreferences(
        self, request: notify_pb2.UpdatePreferencesRequest, context: Context
    ) -> notify_pb2.UpdatePreferencesResponse:
        """Changes the caller's preferences."""

        def field(name: str) -> Any:
            return getattr(request, name) if request.HasField(name) else None

        async with self._kit.db.transaction() as session:
            prefs = await self._notify.update_preferences(
                session,
                current_caller(),
                timezone=field("timezone"),
                quiet_hours_start=field("quiet_hours_start"),
                quiet_hours_end=field("quiet_hours_end"),
                safe_mode=field("safe_mode"),
                email=field("email"),
                push=field("push"),
            )
            return notify_pb2.UpdatePreferencesResponse(preferences=encode_preferences(prefs))
