"""The object store on a filesystem (dev, tests, one machine): files under a folder, served by the
gateway at ``/files/<key>`` through links signed with the secret they share (``callsheet_kit.signed_urls``)."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path

from callsheet_kit.clock import Clock
from callsheet_kit.signed_urls import signed_url


class FilesystemStore:
    """``ObjectStore`` in a folder; a document is written to a temporary file, then renamed into place."""

    def __init__(self, root: Path, *, base_url: str, secret: str, link_seconds: int, clock: Clock) -> None:
        self._root = root
        self._base_url = base_url
        self._secret = secret
        self._lifetime = timedelta(seconds=link_seconds)
        self._clock = clock

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Stores ``data`` under ``key``; a reader never sees half a file."""
        await asyncio.to_thread(self._write, key, data)

    def _write(self, key: str, data: bytes) -> None:
        path = self._root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)

    def download_url(self, key: str) -> str:
        """A link to ``key`` through the gateway, working for the configured lifetime."""
        return signed_url(self._base_url, key, expires_at=self._clock.now() + self._lifetime, secret=self._secret)
