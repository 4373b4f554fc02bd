"""notificationPreferences (REST ``GET /v1/notification-preferences``): the caller's notification settings."""

from __future__ import annotations

from fastapi import APIRouter

from callsheet.notify.v1 import notify_pb2
from gateway.operation import BackendsDep, Operation
from gateway.shapes import ApiObject, NotificationPreferences, preferences

router = APIRouter(tags=["notifications"])


@router.get("/notification-preferences", response_model=NotificationPreferences)
async def get_notification_preferences(backends: BackendsDep) -> ApiObject:
    """The caller's notification preferences (GraphQL `notificationPreferences`)."""
    request = notify_pb2.GetPreferencesRequest()
    response: notify_pb2.GetPreferencesResponse = await backends.call(backends.notify.GetPreferences, request)
    return preferences(response.preferences)


OPERATION = Operation("Query.notificationPreferences", get_notification_preferences, router)
