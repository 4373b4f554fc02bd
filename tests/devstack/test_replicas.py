"""A stack with two orders replicas: the gateway's round-robin channel gives each of them calls,
and the replica bench runs on it end to end on tiny counts (it measures nothing here)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import httpx
import pytest

from bench.replicas import SMOKE, ReplicaReport, measure_stack, summary_json, table
from devstack.stack import Stack, random_suffix
from devstack.tokens import mint

ORDERS = "{ orders(first: 5) { edges { node { id } } } }"
LIST_ORDERS_SPAN = '"name": "/callsheet.orders.v1.OrdersService/ListOrders"'
REQUESTS = 12


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Two orders replicas, one of every other service; every process prints its spans to its log."""
    suffix = random_suffix()
    stack = Stack.from_environment(
        tmp_path_factory.mktemp("replicas") / "stack",
        database_name=f"callsheet_test_{suffix}",
        event_prefix=f"cstest{suffix}",
        env_name="test",
        gateway_port=0,
        replicas={"orders": 2},
        # The console exporter is how a replica shows, in its own log, which calls it served.
        extra_env={"CALLSHEET_TRACES_EXPORTER": "console", "OTEL_BSP_SCHEDULE_DELAY": "100"},
    )
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
        if stack.postgres is not None:
            stack.postgres.purge()
        elif stack.admin_url:
            from callsheet_kit.provision import drop_database

            drop_database(stack.admin_url, stack.database_name)


def _served(stack: Stack, name: str) -> int:
    """How many ListOrders calls the process ``name`` has traced so far."""
    return stack.processes[name].log_path.read_text(errors="replace").count(LIST_ORDERS_SPAN)


def test_two_orders_replicas_both_serve_the_gateways_calls(stack: Stack) -> None:
    assert stack.replica_names("orders") == ["orders", "orders-2"]
    ports = (stack.ports["orders"], stack.ports["orders-2"])
    assert ports[0] != ports[1]
    assert stack.address("orders") == f"ipv4:127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}"
    assert stack.address("payments") == f"127.0.0.1:{stack.ports['payments']}"
    assert stack.processes["orders-2"].log_path.name == "orders-2.log"
    assert "payments-2" not in stack.processes
    with pytest.raises(ValueError, match="no replica 3"):
        stack.start_service("orders", replica=3)

    before = {name: _served(stack, name) for name in ("orders", "orders-2")}
    token = mint("u_buyer_1", [], secret=stack.jwt_secret)
    with httpx.Client(base_url=stack.gateway_url, trust_env=False, timeout=10) as http:
        for _ in range(REQUESTS):
            response = http.post("/graphql", json={"query": ORDERS}, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200, response.text
            assert "errors" not in response.json(), response.text

    # Spans reach the logs in batches; wait until every call's server span is there.
    deadline = time.monotonic() + 15
    served = {name: _served(stack, name) - before[name] for name in before}
    while sum(served.values()) < REQUESTS and time.monotonic() < deadline:
        time.sleep(0.2)
        served = {name: _served(stack, name) - before[name] for name in before}
    assert sum(served.values()) == REQUESTS, served
    assert all(count > 0 for count in served.values()), served


def test_replicas_of_unknown_services_or_none_at_all_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown services"):
        Stack(tmp_path, replicas={"ordres": 2}).start()
    with pytest.raises(ValueError, match="at least one replica"):
        Stack(tmp_path, replicas={"orders": 0}).start()


def test_the_replica_bench_measures_checkout_and_reads_with_each_replicas_cpu(stack: Stack) -> None:
    run = asyncio.run(measure_stack(stack, SMOKE))
    assert run.orders_replicas == 2
    assert [phase.figures.name for phase in run.phases] == ["checkout", "order (with timeline)"]
    for phase in run.phases:
        assert phase.figures.concurrent_rps > 0 and phase.figures.concurrent_p95 >= phase.figures.concurrent_p50 > 0
        assert {"orders", "orders-2", "payments", "gateway", "bench client"} <= set(phase.cpu_seconds)
        assert all(seconds >= 0 for seconds in phase.cpu_seconds.values())
    report = ReplicaReport(machine={}, counts=asdict(SMOKE), runs=[run])
    document = summary_json(report)
    assert [operation["name"] for operation in document["runs"][0]["operations"]] == [
        "checkout",
        "order (with timeline)",
    ]
    assert "orders-2" in table(report)
