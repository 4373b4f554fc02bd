"""Reading and changing the caller's notification preferences."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callsheet_kit.errors import Violations, invalid_field, permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.uow import transactional
from callsheet_kit.validation import check_text
from services.notify.adapters.repositories import SqlNotifyUnitOfWork
from services.notify.adapters.tables import PreferenceRow
from services.notify.domain.quiet_hours import QuietHours


@dataclass(frozen=True)
class UpdatePreferences:
    """The fields to change; None leaves a field as it is, "" clears the quiet hours."""

    caller: Caller
    timezone: str | None = None
    quiet_hours_start: str | None = None
    quiet_hours_end: str | None = None
    safe_mode: bool | None = None
    email: bool | None = None
    push: bool | None = None


def _valid_hhmm(value: str) -> bool:
    parts = value.split(":")
    return (
        len(parts) == 2
        and all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts)
        and int(parts[0]) < 24
        and int(parts[1]) < 60
    )


def _quiet_hours(command: UpdatePreferences, prefs: PreferenceRow) -> tuple[str | None, str | None]:
    """The quiet hours after the change: both ends, or none (clearing either end clears both).

    Setting one end while the other is neither given nor already set is INVALID_ARGUMENT naming
    the missing end, so a half-set window is never silently dropped.
    """
    if command.quiet_hours_start == "" or command.quiet_hours_end == "":
        return None, None
    start = command.quiet_hours_start or prefs.quiet_hours_start
    end = command.quiet_hours_end or prefs.quiet_hours_end
    if not end:
        raise invalid_field("quiet_hours_end", "is required with quiet_hours_start (or clear both)")
    if not start:
        raise invalid_field("quiet_hours_start", "is required with quiet_hours_end (or clear both)")
    return start, end


@transactional()
async def update_preferences(uow: SqlNotifyUnitOfWork, command: UpdatePreferences) -> PreferenceRow:
    """Changes the given preferences (none: just reads them, made with defaults on first use)."""
    if not command.caller.user_id:
        raise permission_denied("a user must change preferences")
    violations = Violations()
    if command.timezone is not None:
        check_text(violations, "timezone", command.timezone, max_length=64, required=True)
        if not len(violations):
            try:
                ZoneInfo(command.timezone)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                # OSError: a name that is a directory of the zone database ("America").
                violations.add("timezone", "must be an IANA time zone name such as Europe/Berlin")
    for name, value in (("quiet_hours_start", command.quiet_hours_start), ("quiet_hours_end", command.quiet_hours_end)):
        if value:
            violations.check(_valid_hhmm(value), name, 'must be "HH:MM" in 24-hour time')
    violations.raise_if_any()
    prefs = await uow.preferences(command.caller.user_id)
    if command.timezone is not None:
        prefs.timezone = command.timezone
    if command.quiet_hours_start is not None or command.quiet_hours_end is not None:
        start, end = _quiet_hours(command, prefs)
        prefs.quiet_hours_start, prefs.quiet_hours_end = start, end
    if command.safe_mode is not None:
        prefs.safe_mode = command.safe_mode
    if command.email is not None:
        prefs.email = command.email
    if command.push is not None:
        prefs.push = command.push
    if command.timezone is not None or command.quiet_hours_start is not None or command.quiet_hours_end is not None:
        await _rehold(uow, prefs)
    await uow.session.flush()
    return prefs


async def _rehold(uow: SqlNotifyUnitOfWork, prefs: PreferenceRow) -> None:
    """Held messages follow the new quiet hours: released at once when they no longer hold now,
    else held until the new end."""
    quiet = QuietHours.of(prefs.quiet_hours_start, prefs.quiet_hours_end, prefs.timezone)
    until = quiet.ends_after(uow.now) if quiet is not None else uow.now
    for row in await uow.held_of(prefs.user_id):
        row.hold_until = until
