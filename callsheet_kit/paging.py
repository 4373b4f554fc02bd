"""Keyset pagination: opaque cursors and page sizes, the same for every list."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from callsheet_kit.errors import invalid_field


def encode_cursor(*values: Any) -> str:
    """An opaque cursor holding the sort key of the last item seen."""
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str, *, field: str = "page_token") -> list[Any]:
    """The sort key inside a cursor; a forged or mangled cursor is INVALID_ARGUMENT."""
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid_field(field, "is not a cursor this list returned") from None
    if not isinstance(values, list):
        raise invalid_field(field, "is not a cursor this list returned")
    return values


def page_size(requested: int, *, default: int, maximum: int, field: str = "page_size") -> int:
    """The page size to use: the default for 0, at most ``maximum``; negative is INVALID_ARGUMENT."""
    if requested < 0:
        raise invalid_field(field, "must not be negative")
    return min(requested or default, maximum)


T = TypeVar("T")


def keyset_page(rows: Sequence[T], size: int, position: Callable[[T], Any]) -> tuple[Sequence[T], str]:
    """Cuts ``size + 1`` fetched rows to a page; the token continues after its last row, empty at the end."""
    page = rows[:size]
    return page, encode_cursor(position(page[-1])) if len(rows) > size else ""
