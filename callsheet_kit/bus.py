"""The NATS JetStream bus: one connection per process that reconnects for ever."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)

MSG_ID_HEADER = "Nats-Msg-Id"


class Bus:
    """A JetStream connection carrying the events of one stream."""

    def __init__(self, *, url: str, stream: str, prefix: str, name: str) -> None:
        self.url = url
        self.stream = stream
        self.prefix = prefix
        self._name = name
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None

    @property
    def js(self) -> JetStreamContext:
        """The JetStream context; ``connect`` first."""
        if self._js is None:
            raise RuntimeError("the bus is not connected")
        return self._js

    async def connect(self) -> None:
        """Connects, retrying until NATS answers, then makes sure the stream exists."""
        delay = 0.2
        while True:
            try:
                self._nc = await nats.connect(
                    servers=[self.url],
                    name=self._name,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=0.5,
                    connect_timeout=2,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                )
                break
            except Exception as exc:
                log.warning("NATS at %s not reachable (%s); retrying", self.url, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 3.0)
        self._js = self._nc.jetstream()
        await self.ensure_stream()

    async def ensure_stream(self) -> None:
        """Creates the stream of all events under the prefix, or leaves it as it is."""
        config = StreamConfig(
            name=self.stream,
            subjects=[f"{self.prefix}.>"],
            storage=StorageType.FILE,
            duplicate_window=120.0,
        )
        try:
            await self.js.stream_info(self.stream)
        except NotFoundError:
            try:
                await self.js.add_stream(config)
            except Exception:
                await self.js.stream_info(self.stream)

    async def publish(self, subject: str, payload: bytes, *, msg_id: str, headers: Mapping[str, str]) -> None:
        """Publishes and waits for JetStream's ack; a repeated ``msg_id`` is dropped by the server."""
        await self.js.publish(subject, payload, timeout=5, headers={**headers, MSG_ID_HEADER: msg_id})

    async def close(self) -> None:
        """Drains and closes the connection."""
        if self._nc is not None and not self._nc.is_closed:
            try:
                await asyncio.wait_for(self._nc.drain(), timeout=3)
            except Exception:
                await self._nc.close()

    async def _on_error(self, exc: Exception) -> None:
        log.warning("NATS error: %s", exc)

    async def _on_disconnected(self) -> None:
        log.warning("NATS disconnected")

    async def _on_reconnected(self) -> None:
        log.info("NATS reconnected")
