"""Registering and forgetting the caller's push devices."""

from __future__ import annotations

from dataclasses import dataclass

from callsheet_kit.errors import Violations, permission_denied
from callsheet_kit.identity import Caller
from callsheet_kit.uow import transactional
from callsheet_kit.validation import check_text
from services.notify.adapters.repositories import SqlNotifyUnitOfWork

PLATFORMS = ("ios", "android", "web")
# FCM registration tokens are some 150–200 characters; anything far longer is not one.
MAX_TOKEN_LENGTH = 4096


@dataclass(frozen=True)
class RegisterPushDevice:
    """Adds a device of the caller."""

    caller: Caller
    token: str
    platform: str


@dataclass(frozen=True)
class UnregisterPushDevice:
    """Forgets a device of the caller."""

    caller: Caller
    token: str


def _check_token(violations: Violations, token: str) -> None:
    check_text(violations, "token", token, max_length=MAX_TOKEN_LENGTH, required=True)
    violations.check(not any(ch.isspace() for ch in token), "token", "must not contain spaces")


@transactional()
async def register_push_device(uow: SqlNotifyUnitOfWork, command: RegisterPushDevice) -> int:
    """Registers the device (again: nothing changes); how many devices the caller has."""
    if not command.caller.user_id:
        raise permission_denied("a user must register a device")
    violations = Violations()
    _check_token(violations, command.token)
    violations.check(command.platform in PLATFORMS, "platform", f"must be one of {', '.join(PLATFORMS)}")
    violations.raise_if_any()
    return await uow.register_device(user_id=command.caller.user_id, token=command.token, platform=command.platform)


@transactional()
async def unregister_push_device(uow: SqlNotifyUnitOfWork, command: UnregisterPushDevice) -> int:
    """Forgets the device if it is the caller's; how many devices the caller has."""
    if not command.caller.user_id:
        raise permission_denied("a user must unregister a device")
    violations = Violations()
    _check_token(violations, command.token)
    violations.raise_if_any()
    return await uow.unregister_device(user_id=command.caller.user_id, token=command.token)
