"""DateTime is RFC 3339 with an offset on the way in and UTC on the way out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.gql.scalars import parse_datetime, serialize_datetime


def test_serializes_in_utc() -> None:
    berlin = timezone(timedelta(hours=2))
    assert serialize_datetime(datetime(2030, 5, 1, 12, 0, tzinfo=berlin)) == "2030-05-01T10:00:00Z"


def test_parses_any_offset_into_utc() -> None:
    assert parse_datetime("2030-05-01T12:00:00+02:00") == datetime(2030, 5, 1, 10, 0, tzinfo=UTC)
    assert parse_datetime("2030-05-01T10:00:00Z") == datetime(2030, 5, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2030-05-01T10:00:00", "2030-05-01"])
def test_rejects_a_time_without_offset_saying_so(value: str) -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_datetime(value)


@pytest.mark.parametrize("value", ["tomorrow", 1700000000, None])
def test_rejects_what_is_not_a_date_time(value: object) -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_datetime(value)


def test_refuses_to_serialize_a_naive_datetime() -> None:
    with pytest.raises(TypeError):
        serialize_datetime(datetime(2030, 5, 1, 10, 0))
