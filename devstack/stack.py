"""The whole system as local processes: what ``make up`` runs and what the tests stand on.

PostgreSQL and NATS are the ones named by ``DATABASE_URL`` / ``NATS_URL``, or embedded ones on
free ports with their data under the state folder. The database is provisioned with a role per
service, every schema is migrated as its owner, the dev data is seeded, and the five services,
the gateway and (unless ``SMTP_HOST`` is set) the SMTP sink run as child processes. Each stack
makes a fresh key set: every process signs its calls with its own key, and every service trusts
the public keys of all the stack's processes.

A service may run as several replicas (``replicas={"orders": 2}``): processes ``orders`` and
``orders-2``, each on its own gRPC port, migrated and seeded once, and every peer is given one
address naming all of them (``ipv4:127.0.0.1:p1,127.0.0.1:p2``), which its round-robin channels
spread calls over.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from callsheet_kit.keys import ServiceKeySet, generate_key_set
from callsheet_kit.provision import create_database, provision
from devstack.nats import EmbeddedNats
from devstack.ports import PORT_RACE_ATTEMPTS, free_port, lost_port_race, wait_for_port
from devstack.postgres import EmbeddedPostgres

SERVICES = ("orders", "cards", "payments", "support", "notify")
SEEDED = ("payments", "support")
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Process:
    """A child process and its log."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``."""
        self.terminate()
        self.wait(timeout)

    def terminate(self) -> None:
        """Asks the process to stop (SIGTERM), without waiting for it."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 10.0) -> None:
        """Waits for the process to end; SIGKILL after ``timeout``."""
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def log_tail(self, lines: int = 30) -> str:
        """The end of the process's log, for error messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def replica_name(service: str, replica: int) -> str:
    """The process name of replica ``replica`` (from 1) of ``service``: ``orders``, ``orders-2``, …"""
    return service if replica == 1 else f"{service}-{replica}"


def _serving(port: int) -> bool:
    """Whether the gRPC server on ``port`` answers the standard health check with SERVING."""
    # The health service needs no credential; the stack's own ports are never behind a proxy.
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.enable_http_proxy", 0)]) as channel:
        try:
            response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1.0)
        except grpc.RpcError:
            return False
    return bool(response.status == health_pb2.HealthCheckResponse.SERVING)


@dataclass
class Stack:
    """The running system.

    ``replicas`` says how many processes of a service run (a service it leaves out runs one).
    ``ports`` and ``processes`` are keyed by process name, so ``ports["orders"]`` and
    ``processes["orders"]`` are always the first replica.
    """

    state_dir: Path
    database_name: str = "callsheet"
    event_prefix: str = "callsheet"
    env_name: str = "dev"
    admin_url: str | None = None
    nats_url: str | None = None
    smtp: tuple[str, int] | None = None
    gateway_port: int = 0
    jwt_secret: str = "dev-secret-change-me"
    files_secret: str = field(default_factory=lambda: secrets.token_hex(32))
    extra_env: Mapping[str, str] = field(default_factory=dict)
    replicas: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(SERVICES, 1))
    keys: ServiceKeySet = field(default_factory=lambda: generate_key_set([*SERVICES, "gateway"]))
    postgres: EmbeddedPostgres | None = None
    nats: EmbeddedNats | None = None
    mail_http_url: str = ""
    push_url: str = ""
    database_url: str = ""
    service_urls: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    # Where each process (every replica, and the gateway) serves GET /metrics, by process name.
    metrics_ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, state_dir: Path, **overrides: object) -> Stack:
        """A stack that honours DATABASE_URL, NATS_URL, SMTP_HOST/SMTP_PORT, GATEWAY_PORT, CALLSHEET_JWT_SECRET."""
        smtp = None
        if os.environ.get("SMTP_HOST"):
            smtp = (os.environ["SMTP_HOST"], int(os.environ.get("SMTP_PORT", "25")))
        stack = cls(
            state_dir=state_dir,
            admin_url=os.environ.get("DATABASE_URL") or None,
            nats_url=os.environ.get("NATS_URL") or None,
            smtp=smtp,
            gateway_port=int(os.environ.get("GATEWAY_PORT", "0") or 0),
            jwt_secret=os.environ.get("CALLSHEET_JWT_SECRET", "dev-secret-change-me"),
        )
        for key, value in overrides.items():
            setattr(stack, key, value)
        return stack

    @property
    def gateway_url(self) -> str:
        """The gateway's base URL."""
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def metrics_urls(self) -> dict[str, str]:
        """The Prometheus endpoint of every process, by process name (``orders``, ``orders-2``, ``gateway``)."""
        return {name: f"http://127.0.0.1:{port}/metrics" for name, port in self.metrics_ports.items()}

    def replica_count(self, service: str) -> int:
        """How many processes of ``service`` the stack runs."""
        return self.replicas.get(service, 1)

    def replica_names(self, service: str) -> list[str]:
        """The process names of every replica of ``service``, the first one first."""
        return [replica_name(service, replica) for replica in range(1, self.replica_count(service) + 1)]

    def address(self, service: str) -> str:
        """The gRPC target that names every replica of ``service``, as its peers are given it."""
        ports = [self.ports[name] for name in self.replica_names(service)]
        if len(ports) == 1:
            return f"127.0.0.1:{ports[0]}"
        return "ipv4:" + ",".join(f"127.0.0.1:{port}" for port in ports)

    def _check_replicas(self) -> None:
        unknown = sorted(set(self.replicas) - set(SERVICES))
        if unknown:
            raise ValueError(f"replicas names unknown services {unknown}; the services are {list(SERVICES)}")
        fewer = {name: count for name, count in self.replicas.items() if count < 1}
        if fewer:
            raise ValueError(f"every service runs at least one replica, not {fewer}")

    def start(self) -> None:
        """Starts everything and waits until the gateway reports ready.

        Ports are picked free, then bound by the processes a moment later; if another process
        took one meanwhile, everything started is stopped and started again on fresh ports.
        """
        self._check_replicas()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "logs").mkdir(exist_ok=True)
        given = (self.admin_url, self.nats_url, self.smtp, self.mail_http_url, self.push_url)
        for attempt in range(1, PORT_RACE_ATTEMPTS + 1):
            try:
                self._start_infrastructure()
                self._provision()
                self._start_services()
                return
            except BaseException as error:
                self.stop()
                if not (isinstance(error, Exception) and lost_port_race(error) and attempt < PORT_RACE_ATTEMPTS):
                    raise
                self.admin_url, self.nats_url, self.smtp, self.mail_http_url, self.push_url = given
                self.postgres = self.nats = None
                self.ports.clear()

    def _start_infrastructure(self) -> None:
        if self.admin_url is None:
            self.postgres = EmbeddedPostgres(self.state_dir / "postgres")
            self.postgres.start()
            self.admin_url = self.postgres.url
        if self.nats_url is None:
            self.nats = EmbeddedNats(self.state_dir / "nats" / "jetstream")
            self.nats.start()
            self.nats_url = self.nats.url
        if self.smtp is None:
            smtp_port, http_port = free_port(), free_port()
            self._spawn(
                "mailsink",
                [
                    sys.executable,
                    "-m",
                    "devstack.mailsink",
                    "--smtp-port",
                    str(smtp_port),
                    "--http-port",
                    str(http_port),
                ],
                self._common_env(),
            )
            wait_for_port("127.0.0.1", http_port, timeout=20)
            self.smtp = ("127.0.0.1", smtp_port)
            self.mail_http_url = f"http://127.0.0.1:{http_port}"
        if not self.push_url and "CALLSHEET_FCM_CREDENTIALS_FILE" not in self.extra_env:
            # Push through the real FCM adapter to the dev FCM, read at /messages like the mailbox.
            push_port = free_port()
            self._spawn(
                "pushsink",
                [
                    sys.executable,
                    "-m",
                    "devstack.pushsink",
                    "--port",
                    str(push_port),
                    "--service-account",
                    str(self.push_service_account),
                ],
                self._common_env(),
            )
            wait_for_port("127.0.0.1", push_port, timeout=20)
            self.push_url = f"http://127.0.0.1:{push_port}"

    def _provision(self) -> None:
        assert self.admin_url is not None
        self.database_url = create_database(self.admin_url, self.database_name)
        self.service_urls = provision(self.database_url, secret=self.jwt_secret)
        for service in SERVICES:
            for name in self.replica_names(service):
                self.ports[name] = free_port()
        self.ports["gateway"] = self.gateway_port or free_port()
        self.metrics_ports = {name: free_port() for name in self.ports}
        migrations = [
            subprocess.Popen(
                [sys.executable, "-m", f"services.{name}", "migrate"],
                env=self.env_for(name),
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for name in SERVICES
        ]
        for name, migration in zip(SERVICES, migrations, strict=True):
            output, _ = migration.communicate(timeout=120)
            if migration.returncode:
                raise RuntimeError(f"migrating {name} failed:\n{output.decode(errors='replace')}")
        if self.env_name in ("dev", "test"):
            for name in SEEDED:
                result = subprocess.run(
                    [sys.executable, "-m", f"services.{name}", "seed-dev"],
                    env=self.env_for(name),
                    cwd=ROOT,
                    capture_output=True,
                    timeout=120,
                )
                if result.returncode:
                    raise RuntimeError(f"seeding {name} failed:\n{result.stdout.decode()}{result.stderr.decode()}")

    def _common_env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("CALLSHEET_", "OTEL_"))}
        env.update(
            {
                "CALLSHEET_ENV": self.env_name,
                "CALLSHEET_JWT_SECRET": self.jwt_secret,
                "CALLSHEET_EVENT_PREFIX": self.event_prefix,
                # The file store: receipts' PDFs, served by the gateway through signed links.
                "CALLSHEET_FILES_DIR": str(self.state_dir / "files"),
                "CALLSHEET_FILES_SECRET": self.files_secret,
                "PYTHONUNBUFFERED": "1",
            }
        )
        if "gateway" in self.ports:
            env["CALLSHEET_FILES_BASE_URL"] = f"http://127.0.0.1:{self.ports['gateway']}"
            # The Stripe simulator delivers its webhook events to the gateway, as Stripe would.
            env["STRIPE_SIMULATOR_WEBHOOK_URL"] = f"http://127.0.0.1:{self.ports['gateway']}/webhooks/stripe"
        for name in SERVICES:
            if name in self.ports:
                env[f"CALLSHEET_{name.upper()}_ADDR"] = self.address(name)
        env.update(self.extra_env)
        return env

    def env_for(self, name: str, replica: int = 1) -> dict[str, str]:
        """The environment of a service process (of its replica ``replica``, from 1)."""
        env = self._common_env()
        assert self.nats_url is not None
        env.update(
            {
                "CALLSHEET_DATABASE_URL": self.service_urls[name],
                "NATS_URL": self.nats_url,
                "CALLSHEET_GRPC_LISTEN": f"127.0.0.1:{self.ports[replica_name(name, replica)]}",
                "CALLSHEET_METRICS_HOST": "127.0.0.1",
                "CALLSHEET_METRICS_PORT": str(self.metrics_ports[replica_name(name, replica)]),
                "CALLSHEET_SERVICE_KEY": self.keys.private_keys[name],
                "CALLSHEET_SERVICE_KEYS": self.keys.keyring(),
            }
        )
        if name == "notify" and self.smtp is not None:
            env["SMTP_HOST"], env["SMTP_PORT"] = self.smtp[0], str(self.smtp[1])
        if name == "notify" and self.push_url:
            env["CALLSHEET_FCM_CREDENTIALS_FILE"] = str(self.push_service_account)
            env["CALLSHEET_FCM_ENDPOINT"] = self.push_url
        return env

    @property
    def push_service_account(self) -> Path:
        """The dev FCM's service-account file (written by the push sink when it starts)."""
        return self.state_dir / "push-service-account.json"

    def _spawn(self, name: str, argv: list[str], env: Mapping[str, str]) -> Process:
        log_path = self.state_dir / "logs" / f"{name}.log"
        log = log_path.open("ab")
        popen = subprocess.Popen(argv, env=dict(env), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        process = Process(name, popen, log_path)
        self.processes[name] = process
        return process

    def start_service(self, name: str, replica: int = 1) -> None:
        """Starts (or restarts) one service process: replica ``replica`` (from 1) of ``name``."""
        if not 1 <= replica <= self.replica_count(name):
            raise ValueError(f"{name} runs {self.replica_count(name)} replica(s), there is no replica {replica}")
        self._spawn(
            replica_name(name, replica),
            [sys.executable, "-m", f"services.{name}", "serve"],
            self.env_for(name, replica),
        )

    def _start_services(self) -> None:
        for name in SERVICES:
            for replica in range(1, self.replica_count(name) + 1):
                self.start_service(name, replica)
        gateway_env = self._common_env()
        gateway_env["GATEWAY_PORT"] = str(self.ports["gateway"])
        gateway_env["CALLSHEET_METRICS_HOST"] = "127.0.0.1"
        gateway_env["CALLSHEET_METRICS_PORT"] = str(self.metrics_ports["gateway"])
        gateway_env["CALLSHEET_SERVICE_KEY"] = self.keys.private_keys["gateway"]
        self._spawn("gateway", [sys.executable, "-m", "gateway"], gateway_env)
        self.wait_ready()

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Waits until every service process reports SERVING, then until the gateway's /readyz does.

        Each replica is asked first, directly: the gateway's round-robin channel checks only one
        of them, and a replica it found not yet listening would wait out a reconnect backoff
        before it took any call.
        """
        deadline = time.monotonic() + timeout
        last = ""
        pending = [name for service in SERVICES for name in self.replica_names(service) if name in self.processes]
        while time.monotonic() < deadline:
            for process in self.processes.values():
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} exited with {process.popen.returncode}:\n{process.log_tail()}")
            pending = [name for name in pending if not _serving(self.ports[name])]
            if pending:
                last = f"not serving yet: {', '.join(pending)}"
                time.sleep(0.2)
                continue
            try:
                response = httpx.get(f"{self.gateway_url}/readyz", timeout=2, trust_env=False)
                if response.status_code == 200:
                    return
                last = response.text
            except httpx.HTTPError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise TimeoutError(f"the system did not become ready: {last}")

    def stop(self) -> None:
        """Stops the processes, all at once, then the embedded servers."""
        processes = list(reversed(self.processes.values()))
        # Told together, as an orchestrator stops a release: one after the other, two replicas of
        # every service take half a minute to wind down.
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
        self.processes.clear()
        if self.nats is not None:
            self.nats.stop()
        if self.postgres is not None:
            self.postgres.stop()


def random_suffix() -> str:
    """A short random suffix that keeps parallel stacks apart on shared servers."""
    return secrets.token_hex(4)
