"""The kit's validators take any input a client can send and answer with violations, never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from callsheet_kit.errors import Violations
from callsheet_kit.paging import decode_cursor, encode_cursor
from callsheet_kit.validation import (
    COUNTRIES,
    MAX_JSON_DEPTH,
    Place,
    check_json,
    check_location,
    check_payment_method_id,
    check_text,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


def fields(violations: Violations) -> list[str]:
    return [violation.field for violation in violations._items]


@settings(max_examples=200)
@given(json_values)
def test_any_json_is_either_a_place_or_named_violations(value: Any) -> None:
    violations = Violations()
    place = check_location(violations, value)
    if place is None:
        assert fields(violations) and all(f.startswith("location") for f in fields(violations))
    else:
        assert not len(violations) and place.country in COUNTRIES


@given(st.sampled_from(sorted(COUNTRIES)), st.text(max_size=40))
def test_every_iso_country_with_a_plain_city_is_a_place(country: str, city: str) -> None:
    violations = Violations()
    place = check_location(violations, {"country": country.lower(), "city": city})
    ok_city = not any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in city)
    assert (place == Place(country, "")) is ok_city, fields(violations)


def test_json_depth_size_and_hidden_nul_bytes_are_named() -> None:
    deep: Any = "x"
    for _ in range(MAX_JSON_DEPTH + 1):
        deep = {"a": deep}
    for value, description in (
        (deep, "nested"),
        ({"a": "x" * 20_000}, "at most"),
        ({"a": ["ok", "no\x00"]}, "NUL"),
        ({"\ud800": 1}, "surrogate"),
    ):
        violations = Violations()
        check_json(violations, "payload", value)
        assert fields(violations) == ["payload"] and description in violations._items[0].description


@given(st.text())
def test_text_checks_name_their_field_and_never_raise(value: str) -> None:
    violations = Violations()
    check_text(violations, "reason", value, max_length=50)
    clean = len(value) <= 50 and not any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in value)
    assert (not len(violations)) is clean
    assert set(fields(violations)) <= {"reason"}


def test_payment_method_ids_are_shaped_like_stripes() -> None:
    for good in ("pm_card_visa", "pm_1QxYz", "pm_card_chargeDeclined"):
        violations = Violations()
        check_payment_method_id(violations, "payment_method_id", good)
        assert not len(violations)
    for bad in ("", "pm_", "card_visa", "pm_bogus!", "pm_" + "x" * 200, "pm_\x00"):
        violations = Violations()
        check_payment_method_id(violations, "payment_method_id", bad)
        assert fields(violations) == ["payment_method_id"], bad


@given(st.text(max_size=600))
def test_any_token_is_a_cursor_of_its_own_list_or_refused(token: str) -> None:
    try:
        values = decode_cursor(token, "orders", str)
    except Exception as error:
        assert getattr(error, "violations", None), error
    else:
        assert len(values) == 1 and isinstance(values[0], str)
    assert decode_cursor(encode_cursor("orders", "ord_1"), "orders", str) == ["ord_1"]
