"""One mapping from domain errors to what clients see, shared by GraphQL and REST.

Services name fields the proto way (``end_utc``, ``location_json``, ``slots[0].start_utc``);
clients sent camelCase API fields (``endUtc``, ``location``), under ``input`` in GraphQL.
``api_field`` is the one place that translates between the two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from callsheet_kit.errors import DomainError, ErrorCode, FieldViolation

HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.INVALID_ARGUMENT: 400,
    ErrorCode.FAILED_PRECONDITION: 412,
    ErrorCode.CONFLICT: 409,
    ErrorCode.IDEMPOTENCY_MISMATCH: 409,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
}

# Proto fields whose API name is not simply their camelCase form.
_RENAMED: dict[str, str] = {
    "request_id": "idempotencyKey",
    "location_json": "location",
    "payload_json": "payload",
    "price_snapshot_json": "priceSnapshot",
    "policy_snapshot_json": "policySnapshot",
    "page_size": "first",
    "page_token": "after",
    "offset_seconds": "seconds",
}
_SEGMENT = re.compile(r"^(?P<name>[^\[\]]*)(?P<indexes>(\[\d+\])*)$")


def _camel(name: str) -> str:
    if name in _RENAMED:
        return _RENAMED[name]
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def api_field(field: str, *, prefix: str = "") -> str:
    """The API path of a field a service named, e.g. ``slots[0].end_utc`` → ``input.slots[0].endUtc``."""
    segments = []
    for segment in field.split("."):
        match = _SEGMENT.match(segment)
        if match is None:
            segments.append(segment)
        else:
            segments.append(_camel(match["name"]) + match["indexes"])
    path = ".".join(segments)
    if prefix and path != prefix and not path.startswith(prefix + ".") and not path.startswith(prefix + "["):
        path = f"{prefix}.{path}"
    return path


def api_violations(violations: Sequence[FieldViolation], *, prefix: str = "") -> list[dict[str, str]]:
    """Violations as the API shows them: ``[{field, description}]`` with API field paths."""
    return [{"field": api_field(v.field, prefix=prefix), "description": v.description} for v in violations]


def public_error(error: DomainError, *, field_prefix: str = "") -> tuple[str, dict[str, Any]]:
    """What a client sees of an error: its message, and its code, reason and violations or currentVersion.

    Fields are named the API's way throughout (``field_prefix`` is GraphQL's ``input``); transport
    and internal details stay in the logs.
    """
    fields: dict[str, Any] = {"code": error.code.value, "reason": error.reason or error.code.value}
    message = error.message
    if error.code is ErrorCode.UNAVAILABLE and fields["reason"] == ErrorCode.UNAVAILABLE.value:
        # A transport failure: its details (addresses, gRPC states) are for the logs.
        message = "a service the gateway depends on is unavailable; try again"
    elif error.code is ErrorCode.INTERNAL:
        message = "internal error"
    elif error.code is ErrorCode.INVALID_ARGUMENT:
        violations = api_violations(error.violations, prefix=field_prefix)
        fields["violations"] = violations
        if violations:
            # Services word the message with their own field names; the violations say it the API's way.
            message = "invalid input: " + "; ".join(f"{v['field']} {v['description']}" for v in violations)
    elif error.code is ErrorCode.CONFLICT:
        current = error.metadata.get("currentVersion", "")
        if current.lstrip("-").isdigit():
            fields["currentVersion"] = int(current)
    return message, fields


def internal_error() -> DomainError:
    """The error shown for an unexpected failure; details stay in the logs."""
    return DomainError(ErrorCode.INTERNAL, "internal error")
