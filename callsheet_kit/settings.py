"""Typed settings read from the environment; a missing or malformed value stops start-up."""

from __future__ import annotations

from enum import StrEnum
from typing import Self, TypeVar

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from callsheet_kit.keys import ServiceKeyring, ServicePrivateKey
from callsheet_kit.signed_urls import DEV_FILES_SECRET


class Environment(StrEnum):
    """Where the system runs; ``dev`` enables the dev clock and dev data."""

    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class TracesExporter(StrEnum):
    """Where spans go."""

    OTLP = "otlp"
    CONSOLE = "console"
    NONE = "none"


class CommonSettings(BaseSettings):
    """Settings every process shares."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    env: Environment = Field(Environment.PRODUCTION, alias="CALLSHEET_ENV")
    traces_exporter: TracesExporter = Field(TracesExporter.NONE, alias="CALLSHEET_TRACES_EXPORTER")
    log_level: str = Field("INFO", alias="CALLSHEET_LOG_LEVEL")
    # Where this process serves GET /metrics (see ``callsheet_kit.metrics``); port 0 takes a free
    # one, printed at start. Every interface by default: Prometheus scrapes the pod's address.
    metrics_host: str = Field("0.0.0.0", alias="CALLSHEET_METRICS_HOST", min_length=1)
    metrics_port: int = Field(0, alias="CALLSHEET_METRICS_PORT", ge=0, le=65535)
    orders_addr: str = Field("127.0.0.1:50051", alias="CALLSHEET_ORDERS_ADDR")
    cards_addr: str = Field("127.0.0.1:50052", alias="CALLSHEET_CARDS_ADDR")
    payments_addr: str = Field("127.0.0.1:50053", alias="CALLSHEET_PAYMENTS_ADDR")
    support_addr: str = Field("127.0.0.1:50054", alias="CALLSHEET_SUPPORT_ADDR")
    notify_addr: str = Field("127.0.0.1:50055", alias="CALLSHEET_NOTIFY_ADDR")
    rpc_timeout_seconds: float = Field(10.0, alias="CALLSHEET_RPC_TIMEOUT_SECONDS", gt=0)
    # This process's own key: it signs the credential every outgoing call carries.
    service_key: ServicePrivateKey = Field(alias="CALLSHEET_SERVICE_KEY")
    # The file store on a filesystem (dev, one machine): where documents are kept, and the secret
    # that signs the links the gateway serves them by (see ``callsheet_kit.signed_urls``).
    files_dir: str = Field(".devstack/files", alias="CALLSHEET_FILES_DIR")
    files_secret: str = Field(DEV_FILES_SECRET, alias="CALLSHEET_FILES_SECRET", min_length=1)
    # Where links to files point: the gateway as clients reach it.
    files_base_url: str = Field("http://127.0.0.1:8080", alias="CALLSHEET_FILES_BASE_URL")
    # Files in this S3 bucket when set (else in CALLSHEET_FILES_DIR); an S3-compatible server's
    # endpoint and the region, if not AWS's defaults.
    files_bucket: str = Field("", alias="CALLSHEET_FILES_BUCKET")
    s3_endpoint_url: str = Field("", alias="CALLSHEET_S3_ENDPOINT_URL")
    s3_region: str = Field("", alias="CALLSHEET_S3_REGION")
    # How long a download or upload link works.
    download_link_seconds: int = Field(900, alias="CALLSHEET_DOWNLOAD_LINK_SECONDS", gt=0, le=7 * 24 * 3600)

    @property
    def is_dev(self) -> bool:
        """True where dev-only features (the dev clock, dev data) are allowed."""
        return self.env in (Environment.DEV, Environment.TEST)

    def require_files_secret(self) -> None:
        """For the processes that sign or check download links: refuses the dev secret outside dev."""
        if self.files_secret == DEV_FILES_SECRET and not self.is_dev:
            raise ValueError("CALLSHEET_FILES_SECRET is required outside dev and test (it signs download links)")

    def peer_addr(self, service: str) -> str:
        """The gRPC address of a service by name."""
        addr = getattr(self, f"{service}_addr", None)
        if not isinstance(addr, str):
            raise KeyError(f"unknown service {service!r}")
        return addr


class ServiceSettings(CommonSettings):
    """Settings of one back-end service process."""

    database_url: str = Field(alias="CALLSHEET_DATABASE_URL")
    nats_url: str = Field("nats://127.0.0.1:4222", alias="NATS_URL")
    grpc_listen: str = Field("127.0.0.1:0", alias="CALLSHEET_GRPC_LISTEN")
    grpc_max_connection_age_seconds: float = Field(300.0, alias="CALLSHEET_GRPC_MAX_CONNECTION_AGE_SECONDS", gt=0)
    event_prefix: str = Field("callsheet", alias="CALLSHEET_EVENT_PREFIX", pattern=r"^[a-z0-9_]+$")
    db_pool_size: int = Field(10, alias="CALLSHEET_DB_POOL_SIZE", ge=1)
    shutdown_grace_seconds: float = Field(5.0, alias="CALLSHEET_SHUTDOWN_GRACE_SECONDS", ge=0)
    retain_idempotency_days: float = Field(7.0, alias="CALLSHEET_RETAIN_IDEMPOTENCY_DAYS", gt=0)
    retain_inbox_days: float = Field(3.0, alias="CALLSHEET_RETAIN_INBOX_DAYS", gt=0)
    retain_outbox_days: float = Field(3.0, alias="CALLSHEET_RETAIN_OUTBOX_DAYS", gt=0)
    retention_interval_seconds: float = Field(60.0, alias="CALLSHEET_RETENTION_INTERVAL_SECONDS", gt=0)
    # The public keys of the services allowed to call this one; any other caller is refused.
    trusted_service_keys: ServiceKeyring = Field(alias="CALLSHEET_SERVICE_KEYS", min_length=1)

    @model_validator(mode="after")
    def _async_driver(self) -> Self:
        # Every service speaks psycopg 3; a bare postgresql:// URL is taken to mean it.
        if self.database_url.startswith("postgresql://"):
            self.database_url = "postgresql+psycopg://" + self.database_url[len("postgresql://") :]
        if not self.database_url.startswith("postgresql+psycopg://"):
            raise ValueError("CALLSHEET_DATABASE_URL must be a postgresql:// URL")
        return self

    @property
    def stream_name(self) -> str:
        """The JetStream stream that carries every event under the prefix."""
        return self.event_prefix.upper()


T = TypeVar("T", bound=BaseSettings)


def load(kind: type[T]) -> T:
    """Reads settings of the given kind, or exits naming every missing or bad variable."""
    try:
        return kind()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            lines.append(f"  {where}: {error['msg']}")
        raise SystemExit(f"invalid configuration for {kind.__name__}:\n" + "\n".join(lines)) from exc
