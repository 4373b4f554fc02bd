"""updateNotificationPreferences (REST ``PATCH /v1/notification-preferences``): changes the fields sent.

Fields the client leaves out stay as they are; null clears the quiet hours and leaves any other
field as it is.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from callsheet.notify.v1 import notify_pb2
from gateway.operation import BackendsDep, GraphQLInput, Operation, body_input
from gateway.shapes import ApiModel, ApiObject, NotificationPreferences, preferences

# API name → request field; the request's optional fields tell notify which ones to change.
_PREFERENCE_FIELDS: dict[str, str] = {
    "timezone": "timezone",
    "quietHoursStart": "quiet_hours_start",
    "quietHoursEnd": "quiet_hours_end",
    "safeMode": "safe_mode",
    "email": "email",
    "push": "push",
}
# Notify clears a quiet-hours bound that is set to "".
_CLEARED_BY_NULL = frozenset({"quietHoursStart", "quietHoursEnd"})


class NotificationPreferencesInput(ApiModel):
    """The preferences to change; absent fields stay, null quiet hours clear them."""

    timezone: str | None = None
    quiet_hours_start: str | None = None
    quiet_hours_end: str | None = None
    safe_mode: bool | None = None
    email: bool | None = None
    push: bool | None = None


router = APIRouter(tags=["notifications"])


@router.patch("/notification-preferences", response_model=NotificationPreferences)
async def update_notification_preferences(
    backends: BackendsDep, input: Annotated[GraphQLInput, body_input(NotificationPreferencesInput)]
) -> ApiObject:
    """Changes the fields sent; null quiet hours clear them (GraphQL `updateNotificationPreferences`)."""
    request = notify_pb2.UpdatePreferencesRequest()
    for name, value in input.items():
        field = _PREFERENCE_FIELDS.get(name)
        if field is None:
            continue
        if value is None:
            if name not in _CLEARED_BY_NULL:
                continue  # null leaves a field that cannot be cleared as it is
            value = ""
        setattr(request, field, value)
    response: notify_pb2.UpdatePreferencesResponse = await backends.call(backends.notify.UpdatePreferences, request)
    return preferences(response.preferences)


OPERATION = Operation("Mutation.updateNotificationPreferences", update_notification_preferences, router)
