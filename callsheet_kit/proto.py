"""Conversions between protobuf well-known types and Python values."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp


def timestamp(value: datetime) -> Timestamp:
    """A protobuf timestamp of an aware datetime."""
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def datetime_of(stamp: Timestamp, *, present: bool = True) -> datetime | None:
    """The aware UTC datetime of a timestamp, or None when the field was not set."""
    if not present:
        return None
    return stamp.ToDatetime(tzinfo=UTC)
