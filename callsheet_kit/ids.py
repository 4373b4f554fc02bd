"""Prefixed, time-ordered, collision-resistant ids such as ``ord_01JD…``."""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id(prefix: str) -> str:
    """Returns ``<prefix>_`` and a ULID: 48 bits of milliseconds then 80 random bits.

    Ids made later sort later, which keeps b-tree inserts local and lists stable.
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"
