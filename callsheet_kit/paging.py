"""Keyset pagination: opaque cursors and page sizes, the same for every list."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from callsheet_kit.errors import invalid_field

MAX_CURSOR_LENGTH = 512
# The largest page any list serves; the gateway refuses a larger ``first``.
MAX_PAGE_SIZE = 100


def encode_cursor(list_name: str, *values: Any) -> str:
    """An opaque cursor of ``list_name`` holding the sort key of the last item seen."""
    document = json.dumps([list_name, *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


def decode_cursor(token: str, list_name: str, *types: type, field: str = "page_token") -> list[Any]:
    """The sort key inside a cursor of ``list_name`` whose values have ``types``.

    A forged or mangled cursor, or one another list returned, is INVALID_ARGUMENT.
    """
    refused = invalid_field(field, "is not a cursor this list returned")
    if len(token) > MAX_CURSOR_LENGTH:
        raise refused
    try:
        document = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise refused from None
    if not isinstance(document, list) or not document or document[0] != list_name:
        raise refused
    values = document[1:]
    # bool is an int to Python; a cursor never holds one.
    if len(values) != len(types) or any(
        not isinstance(value, kind) or isinstance(value, bool) for value, kind in zip(values, types, strict=True)
    ):
        raise refused
    return values


def page_size(requested: int, *, default: int, maximum: int = MAX_PAGE_SIZE, field: str = "page_size") -> int:
    """The page size to use: the default when unset (0), at most ``maximum``; negative is INVALID_ARGUMENT."""
    if requested < 0:
        raise invalid_field(field, "must not be negative")
    return min(requested or default, maximum)


T = TypeVar("T")


def keyset_page(rows: Sequence[T], size: int, list_name: str, position: Callable[[T], Any]) -> tuple[Sequence[T], str]:
    """Cuts ``size + 1`` fetched rows to a page; the token continues after its last row, empty at the end."""
    page = rows[:size]
    return page, encode_cursor(list_name, position(page[-1])) if len(rows) > size else ""
