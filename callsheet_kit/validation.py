"""The validators every edge and every owning service uses: text, numbers, JSON documents, places.

Each records its findings in a ``Violations`` (so a request learns about every bad field at once)
under the field name the caller gives; the gateway turns service field paths into the public
camelCase ones. Pure Python (plus pycountry's ISO 3166 tables): domain code may use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pycountry

from callsheet_kit.errors import Violations, invalid_field

# The ISO 3166 tables, loaded once: every known country code, and every subdivision code ("US-NY").
COUNTRIES: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)
SUBDIVISIONS: frozenset[str] = frozenset(subdivision.code for subdivision in pycountry.subdivisions)

# A conservative default for any free text the contract does not bound more tightly.
MAX_TEXT = 10_000
MAX_ID = 64
MAX_NAME = 200
# JSON documents clients send (a location, a card payload): small and shallow.
MAX_JSON_BYTES = 16_384
MAX_JSON_DEPTH = 8
INT32_MAX = 2**31 - 1

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str, *, max_length: int = MAX_TEXT, multiline: bool = False) -> str | None:
    """Why ``value`` is not acceptable text, or None: no NUL or control characters (newlines and
    tabs only where ``multiline``), no lone surrogates, at most ``max_length`` characters."""
    if len(value) > max_length:
        return f"must be at most {max_length} characters"
    if "\x00" in value:
        return "must not contain NUL characters"
    if _SURROGATE.search(value):
        return "must be valid Unicode text (it holds a lone surrogate)"
    if (_CONTROL if multiline else _CONTROL_OR_NEWLINE).search(value):
        return "must not contain control characters"
    return None


def check_text(
    violations: Violations,
    field: str,
    value: str,
    *,
    max_length: int = MAX_TEXT,
    required: bool = False,
    multiline: bool = False,
) -> None:
    """Records what is wrong with a text field, if anything."""
    if required and not value.strip():
        violations.add(field, "is required")
        return
    problem = text_problem(value, max_length=max_length, multiline=multiline)
    if problem:
        violations.add(field, problem)


# A Stripe payment method id as Stripe issues them ("pm_card_visa", "pm_1Q…"); anything else it
# rejects as malformed.
PAYMENT_METHOD_ID = re.compile(r"^pm_[A-Za-z0-9_]{1,97}$")  # at most 100 characters in all


def check_payment_method_id(violations: Violations, field: str, value: str) -> None:
    """Records a payment method id that is not shaped like Stripe's."""
    if not PAYMENT_METHOD_ID.match(value):
        violations.add(field, "must be a Stripe payment method id such as pm_card_visa")


def check_range(violations: Violations, field: str, value: int, *, low: int, high: int) -> None:
    """Records an integer outside ``[low, high]``."""
    if not low <= value <= high:
        violations.add(field, f"must be between {low} and {high}")


def _walk(value: Any, depth: int = 1) -> Iterator[tuple[Any, int]]:
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        yield item, level
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
            stack.extend((key, level + 1) for key in item)
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)


def check_json(
    violations: Violations,
    field: str,
    value: Any,
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> None:
    """Records a JSON document that is too large, too deep, or holds unacceptable text."""
    for item, level in _walk(value):
        if level > max_depth:
            violations.add(field, f"must be nested at most {max_depth} levels deep")
            return
        if isinstance(item, str):
            problem = text_problem(item, max_length=max_bytes, multiline=True)
            if problem:
                violations.add(field, f"holds unacceptable text: it {problem}")
                return
    if len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()) > max_bytes:
        violations.add(field, f"must be at most {max_bytes} bytes as JSON")


@dataclass(frozen=True)
class Place:
    """Where a booking happens, as far as money is concerned: an ISO 3166 country and subdivision."""

    country: str  # ISO 3166-1 alpha-2, upper case
    region: str  # the ISO 3166-2 subdivision without the country prefix ("NY"), or ""


# The keys a location may carry besides country and region, with their length limits.
LOCATION_TEXT_KEYS = {
    "city": MAX_NAME,
    "postalCode": 20,
    "addressLine1": MAX_NAME,
    "addressLine2": MAX_NAME,
    "name": MAX_NAME,
}
LOCATION_COORDINATES = {"latitude": 90, "longitude": 180}
MAX_LOCATION_BYTES = 2_048


def check_location(violations: Violations, value: Any, *, field: str = "location") -> Place | None:
    """The place of a booking location, or None after recording what is wrong with it.

    ``country`` is required and must be an ISO 3166-1 alpha-2 code; ``region``, when given, an
    ISO 3166-2 subdivision of that country ("NY" or "US-NY"); the other keys are a few bounded
    texts (name, addressLine1, addressLine2, city, postalCode) and coordinates.
    """
    if not isinstance(value, dict):
        violations.add(field, "must be a JSON object")
        return None
    before = len(violations)
    country_value = value.get("country")
    country = ""
    if not isinstance(country_value, str) or not country_value.strip():
        violations.add(f"{field}.country", "is required: an ISO 3166-1 alpha-2 code such as US or DE")
    else:
        country = country_value.strip().upper()
        if country not in COUNTRIES:
            violations.add(f"{field}.country", "must be an ISO 3166-1 alpha-2 country code such as US or DE")
    region = ""
    region_value = value.get("region")
    if region_value is not None:
        if not isinstance(region_value, str):
            violations.add(f"{field}.region", "must be text")
        elif region_value.strip():
            region = region_value.strip().upper().removeprefix(f"{country}-")
            if country in COUNTRIES and f"{country}-{region}" not in SUBDIVISIONS:
                violations.add(f"{field}.region", f"must be an ISO 3166-2 subdivision of {country or 'the country'}")
    for key, item in value.items():
        if key in ("country", "region"):
            continue
        if key in LOCATION_COORDINATES:
            limit = LOCATION_COORDINATES[key]
            if not isinstance(item, int | float) or isinstance(item, bool) or not -limit <= item <= limit:
                violations.add(f"{field}.{key}", f"must be a number between -{limit} and {limit}")
            continue
        if key not in LOCATION_TEXT_KEYS:
            violations.add(
                f"{field}.{key}", f"is not a location field (known: {', '.join(sorted(LOCATION_TEXT_KEYS))})"
            )
        elif not isinstance(item, str):
            violations.add(f"{field}.{key}", "must be text")
        else:
            check_text(violations, f"{field}.{key}", item, max_length=LOCATION_TEXT_KEYS[key])
    check_json(violations, field, value, max_bytes=MAX_LOCATION_BYTES, max_depth=2)
    if len(violations) > before:
        return None
    return Place(country=country, region=region)


# Fields of JSON payloads (a card's, a support case's): each check records into one
# ``Violations`` under the field's path (``payload.items[0].amountCents``) and returns a usable
# value, so a caller learns about every bad field at once.

MAX_JSON_TEXT = 500


def as_object(violations: Violations, field_name: str, value: Any) -> Mapping[str, Any]:
    """``value`` as a JSON object, or {} with a violation."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        violations.add(field_name, "must be a JSON object")
        return {}
    return value


def only_keys(violations: Violations, field_name: str, value: Mapping[str, Any], allowed: set[str]) -> None:
    """Records keys ``value`` may not carry."""
    for key in sorted(set(value) - allowed):
        violations.add(f"{field_name}.{key}", "is not a field of this payload")


def integer(violations: Violations, field_name: str, value: Any, *, low: int, high: int) -> int:
    """An integer in ``[low, high]`` (not a boolean), or 0 with a violation."""
    if isinstance(value, bool) or not isinstance(value, int):
        violations.add(field_name, "must be an integer")
        return 0
    if not low <= value <= high:
        violations.add(field_name, f"must be between {low} and {high}")
        return 0
    return value


def json_text(
    violations: Violations, field_name: str, value: Any, *, required: bool, max_length: int = MAX_JSON_TEXT
) -> str:
    """A text field (absent is "" when not required)."""
    if value is None:
        if required:
            violations.add(field_name, "is required")
        return ""
    if not isinstance(value, str):
        violations.add(field_name, "must be a string")
        return ""
    check_text(violations, field_name, value, max_length=max_length, required=required, multiline=True)
    return value


def boolean(violations: Violations, field_name: str, value: Any, *, default: bool | None = None) -> bool:
    """A boolean field; absent takes ``default`` (required when there is none)."""
    if value is None and default is not None:
        return default
    if not isinstance(value, bool):
        violations.add(field_name, "must be true or false")
        return False
    return value


def listing(violations: Violations, field_name: str, value: Any, *, low: int, high: int) -> list[Any]:
    """A JSON array of ``low`` to ``high`` elements, or [] with a violation."""
    if not isinstance(value, list):
        violations.add(field_name, "must be a list" if value is not None else "is required")
        return []
    if not low <= len(value) <= high:
        violations.add(field_name, f"must hold {low} to {high} items")
        return []
    return value


def utc(violations: Violations, field_name: str, value: Any) -> datetime | None:
    """An RFC 3339 time with an offset, in UTC."""
    if not isinstance(value, str):
        violations.add(field_name, "must be an RFC 3339 time" if value is not None else "is required")
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        violations.add(field_name, "must be an RFC 3339 time")
        return None
    if moment.tzinfo is None:
        violations.add(field_name, "must carry an offset (Z or ±hh:mm)")
        return None
    return moment.astimezone(UTC)


def media_id(violations: Violations, field_name: str, value: Any) -> str:
    """A media id from ``createMediaUpload``."""
    found = json_text(violations, field_name, value, required=True, max_length=MAX_ID)
    if found and not found.startswith("med_"):
        violations.add(field_name, "must be a media id from createMediaUpload (med_…)")
    return found


def json_payload(text: str, *, field: str = "payload") -> Any:
    """A request's JSON payload (None when empty); INVALID_ARGUMENT naming ``field`` when it is not
    bounded JSON."""
    if not text:
        return None
    if len(text.encode()) > MAX_JSON_BYTES:
        raise invalid_field(field, f"must be at most {MAX_JSON_BYTES} bytes as JSON")
    try:
        value = json.loads(text)
    except ValueError:
        raise invalid_field(field, "must be JSON") from None
    violations = Violations()
    check_json(violations, field, value)
    violations.raise_if_any()
    return value
