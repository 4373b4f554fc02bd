"""``python -m gateway``: serve the gateway on GATEWAY_HOST:GATEWAY_PORT."""

from __future__ import annotations

import contextlib
import socket

import uvicorn

from callsheet_kit import loop
from callsheet_kit.settings import load
from callsheet_kit.telemetry import configure_logging
from gateway.app import create_app
from gateway.settings import GatewaySettings


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that prints its address once it accepts connections."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Starts listening, then announces where (the real port, when 0 was asked for)."""
        await super().startup(sockets=sockets)
        if not self.started:
            return
        host, port = self.config.host, self.config.port
        for listener in self.servers:
            for sock in listener.sockets:
                host, port = sock.getsockname()[:2]
        print(f"gateway listening on http://{host}:{port}", flush=True)


def main() -> None:
    """Reads the settings (exiting on bad ones) and serves until interrupted."""
    settings = load(GatewaySettings)
    configure_logging(settings.log_level)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        loop="none",  # the process's loop is the kit's (uvloop), set up by loop.run
        http="httptools",
        log_level="warning",
        lifespan="on",
    )
    # uvicorn shuts down gracefully on Ctrl-C, then re-raises the signal; the exit is a clean one.
    with contextlib.suppress(KeyboardInterrupt):
        loop.run(_AnnouncingServer(config).serve())


if __name__ == "__main__":
    main()
