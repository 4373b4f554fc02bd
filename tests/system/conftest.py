"""The whole system as separate processes on real PostgreSQL and NATS, for cross-service tests.

Uses DATABASE_URL / NATS_URL when set (e.g. the machine's own servers), embedded ones otherwise.
Each run gets its own database and its own event subject prefix, so runs never see each other.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from otlp_collector import Collector, start_collector
from system_client import System

from devstack.ports import free_port
from devstack.stack import ROOT, Stack, random_suffix


@pytest.fixture(scope="session")
def collector() -> Iterator[Collector]:
    """The OTLP receiver every process of the system exports its spans to."""
    server, collector = start_collector(port := free_port())
    collector.port = port  # type: ignore[attr-defined]
    yield collector
    server.stop(0)


@pytest.fixture(scope="session")
def system(collector: Collector) -> Iterator[System]:
    """The running system: five services, the gateway and the SMTP sink."""
    suffix = random_suffix()
    stack = Stack.from_environment(
        ROOT / ".devstack" / f"test-{os.getpid()}",
        database_name=f"callsheet_test_{suffix}",
        event_prefix=f"cstest{suffix}",
        env_name="test",
        gateway_port=0,
        extra_env={
            "CALLSHEET_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.port}",  # type: ignore[attr-defined]
            "OTEL_EXPORTER_OTLP_INSECURE": "true",
            "OTEL_BSP_SCHEDULE_DELAY": "200",
        },
    )
    stack.start()
    try:
        yield System(stack)
    finally:
        stack.stop()
        if stack.admin_url and stack.postgres is None:
            from callsheet_kit.provision import drop_database

            drop_database(stack.admin_url, stack.database_name)
