"""The event loop every Callsheet process runs on: uvloop where it is installed, asyncio otherwise.

uvloop (libuv) is a drop-in replacement for the default loop with cheaper socket, timer and
callback handling; grpc.aio, psycopg, nats-py and uvicorn all run on it. ``CALLSHEET_LOOP=asyncio``
chooses the standard loop (to compare, or to debug with asyncio's own tooling).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop factory, or None for the standard loop."""
    if os.environ.get("CALLSHEET_LOOP", "uvloop") == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is in requirements; a platform without it falls back
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """Runs ``main`` to completion on the chosen loop (``asyncio.run`` with a loop factory)."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
