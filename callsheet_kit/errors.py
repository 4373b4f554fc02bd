"""The error model: domain errors that every layer raises and every edge translates.

Domain code raises these; the gRPC layer turns them into ``google.rpc.Status`` with an
``ErrorInfo`` (and ``BadRequest`` for field violations); the gateway turns statuses back into
these and then into the contract's error codes. This module imports no I/O library, so domain
code may use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self


class ErrorCode(StrEnum):
    """The public error codes of the contract."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"
    CONFLICT = "CONFLICT"
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH"
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL = "INTERNAL"


ERROR_DOMAIN = "callsheet.dev"


class Reason(StrEnum):
    """A stable machine reason for a failure, and the contract code it maps onto.

    Each service lists its reasons in a subclass whose members mirror the ``ErrorReason`` enum of
    its ``errors.proto`` (a test keeps the two equal); a member is written
    ``SLOT_TAKEN = "SLOT_TAKEN", ErrorCode.FAILED_PRECONDITION``, so the mapping from reason to
    code is stated once, where the reason is.
    """

    _code: ErrorCode

    def __new__(cls, value: str, code: ErrorCode) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._code = code
        return member

    @property
    def code(self) -> ErrorCode:
        """The contract code a failure with this reason has."""
        return self._code

    def error(self, message: str, **metadata: str) -> DomainError:
        """The failure with this reason."""
        return DomainError(self.code, message, reason=self.value, metadata=metadata)


class CommonReason(Reason):
    """Reasons any service can fail with (``callsheet.common.v1.ErrorReason``)."""

    UNAUTHENTICATED = "UNAUTHENTICATED", ErrorCode.UNAUTHENTICATED
    NOT_FOUND = "NOT_FOUND", ErrorCode.NOT_FOUND
    PERMISSION_DENIED = "PERMISSION_DENIED", ErrorCode.PERMISSION_DENIED
    INVALID_ARGUMENT = "INVALID_ARGUMENT", ErrorCode.INVALID_ARGUMENT
    CONFLICT = "CONFLICT", ErrorCode.CONFLICT
    IDEMPOTENCY_MISMATCH = "IDEMPOTENCY_MISMATCH", ErrorCode.IDEMPOTENCY_MISMATCH
    UNAVAILABLE = "UNAVAILABLE", ErrorCode.UNAVAILABLE
    INTERNAL = "INTERNAL", ErrorCode.INTERNAL
    DEV_ONLY = "DEV_ONLY", ErrorCode.FAILED_PRECONDITION
    NOT_AVAILABLE = "NOT_AVAILABLE", ErrorCode.FAILED_PRECONDITION
    TIMED_OUT = "TIMED_OUT", ErrorCode.FAILED_PRECONDITION
    SERVICE_CREDENTIAL_INVALID = "SERVICE_CREDENTIAL_INVALID", ErrorCode.UNAUTHENTICATED


@dataclass(frozen=True)
class FieldViolation:
    """One input field that failed validation."""

    field: str
    description: str


@dataclass(eq=False)
class DomainError(Exception):
    """A failure a caller can understand and act on."""

    code: ErrorCode
    message: str
    reason: str = ""
    violations: Sequence[FieldViolation] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)
        if not self.reason:
            self.reason = self.code.value

    def __str__(self) -> str:
        return f"{self.code.value} ({self.reason}): {self.message}"


def not_found(what: str) -> DomainError:
    """The object does not exist, or the caller may not know that it does."""
    return DomainError(ErrorCode.NOT_FOUND, f"{what} not found")


def permission_denied(message: str) -> DomainError:
    """The caller can see the object but may not do this."""
    return DomainError(ErrorCode.PERMISSION_DENIED, message)


def unavailable(message: str) -> DomainError:
    """A peer could not be reached or a flow is still running: the caller should retry."""
    return DomainError(ErrorCode.UNAVAILABLE, message)


def dev_only() -> DomainError:
    """The operation exists only in dev and test."""
    return CommonReason.DEV_ONLY.error("this operation is available only in dev and test")


def conflict(current_version: int) -> DomainError:
    """The caller's expected version is stale."""
    return DomainError(
        ErrorCode.CONFLICT,
        f"the object has changed; its current version is {current_version}",
        metadata={"currentVersion": str(current_version)},
    )


def invalid_argument(*violations: FieldViolation) -> DomainError:
    """The input failed validation; every offending field is named."""
    fields = ", ".join(v.field for v in violations)
    return DomainError(ErrorCode.INVALID_ARGUMENT, f"invalid input: {fields}", violations=tuple(violations))


def invalid_field(name: str, description: str) -> DomainError:
    """One field failed validation."""
    return invalid_argument(FieldViolation(name, description))


def unauthenticated(message: str = "a valid bearer token is required") -> DomainError:
    """The caller is not known."""
    return DomainError(ErrorCode.UNAUTHENTICATED, message)


def idempotency_mismatch() -> DomainError:
    """The idempotency key was used before with a different input."""
    return DomainError(
        ErrorCode.IDEMPOTENCY_MISMATCH,
        "this idempotency key was already used with a different input",
    )


class Violations:
    """Collects field violations so a validator reports every bad field at once."""

    def __init__(self) -> None:
        self._items: list[FieldViolation] = []

    def add(self, name: str, description: str) -> None:
        """Records one violation."""
        self._items.append(FieldViolation(name, description))

    def check(self, ok: bool, name: str, description: str) -> None:
        """Records a violation when ``ok`` is false."""
        if not ok:
            self.add(name, description)

    def __len__(self) -> int:
        return len(self._items)

    def raise_if_any(self) -> None:
        """Raises INVALID_ARGUMENT naming every recorded field, if there is one."""
        if self._items:
            raise invalid_argument(*self._items)
