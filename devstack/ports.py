"""Local TCP port helpers for the embedded dev servers."""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free at the time of the call.

    The kernel picks the port (bind to port 0); the socket is closed before
    returning, so a small race with other processes remains.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(host: str, port: int, timeout: float = 10.0) -> None:
    """Block until a TCP connection to ``host:port`` succeeds.

    Raises ``TimeoutError`` if nothing accepts connections within ``timeout``
    seconds.
    """
    deadline = time.monotonic() + timeout
    last_error: OSError | None = None
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError as exc:
            last_error = exc
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"nothing accepted TCP connections on {host}:{port} within {timeout:.1f}s (last error: {last_error})"
            )
        time.sleep(0.05)


def lost_port_race(error: BaseException) -> bool:
    """True when a server failed to start because another process took its port first.

    ``free_port`` leaves a window between picking a port and the server binding it. The embedded
    servers and uvicorn say "address already in use", gRPC "failed to bind", in the startup
    error (or the log tail it quotes).
    """
    text = str(error).lower()
    return "address already in use" in text or "failed to bind" in text


PORT_RACE_ATTEMPTS = 3
