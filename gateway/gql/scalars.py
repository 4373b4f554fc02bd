"""The contract's scalars: DateTime (RFC 3339 with an offset, returned in UTC) and JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ariadne import ScalarType

datetime_scalar = ScalarType("DateTime")
json_scalar = ScalarType("JSON")


@datetime_scalar.serializer
def serialize_datetime(value: Any) -> str:
    """An aware datetime in UTC, e.g. ``2025-06-01T10:00:00Z``."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError(f"DateTime needs an aware datetime, got {value!r}")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@datetime_scalar.value_parser
def parse_datetime(value: Any) -> datetime:
    """An RFC 3339 date-time with an offset, as an aware UTC datetime."""
    if not isinstance(value, str):
        raise ValueError("DateTime must be an RFC 3339 string such as 2025-06-01T10:00:00Z")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not an RFC 3339 date-time such as 2025-06-01T10:00:00Z") from None
    if parsed.tzinfo is None:
        raise ValueError(f"'{value}' has no UTC offset; DateTime needs one, e.g. 2025-06-01T10:00:00Z or +02:00")
    return parsed.astimezone(UTC)
