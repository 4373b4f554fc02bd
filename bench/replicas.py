"""``python -m bench.replicas [--smoke] [--json PATH]``: one orders replica against two.

For each count of orders replicas (1, then 2) a fresh stack runs, and ``bench.run.Bench``
measures ``checkout`` and ``order (with timeline)`` at 32 concurrent clients: throughput, p50 and
p95. Beside them stands the CPU each process used while the load ran (utime + stime from
``/proc/<pid>/stat``): every process of the stack, the embedded PostgreSQL (its server and
backends) and NATS, and this load client. Processes that exit during a phase are not counted;
a PostgreSQL named by ``DATABASE_URL`` is not a child of ours and is not counted either.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.client import Connection
from bench.cpu import cpu_snapshot, cpu_used
from bench.run import CHECKOUT, ORDER, Bench, Counts, Figures, Request, publish
from devstack.stack import ROOT, Stack

REPLICAS = (1, 2)
FULL = Counts(sequential=0, clients=32, per_client=25)
SMOKE = Counts(sequential=0, clients=4, per_client=2)
# Enough requests per client to open every pool connection and touch every code path once.
WARM_UP_PER_CLIENT = 3
# Events of a phase (emails, timeline entries) settle before the next phase is charged for CPU.
SETTLE_SECONDS = 1.0
CHECKOUT_NAME, READ_NAME = "checkout", "order (with timeline)"


@dataclass
class Phase:
    """One operation under load with one count of orders replicas."""

    figures: Figures
    loaded_seconds: float
    cpu_seconds: dict[str, float]


@dataclass
class Run:
    """Everything measured on one stack."""

    orders_replicas: int
    phases: list[Phase] = field(default_factory=list)


@dataclass
class ReplicaReport:
    """Both runs and what they ran on."""

    machine: dict[str, Any]
    counts: dict[str, int]
    runs: list[Run] = field(default_factory=list)


async def _loaded(bench: Bench, name: str, request: Request) -> Phase:
    """``bench.measure`` of one operation, with the CPU every process used while it ran."""
    before = cpu_snapshot(bench.stack)
    started = time.perf_counter()
    figures = await bench.measure(name, request)
    elapsed = time.perf_counter() - started
    return Phase(figures, round(elapsed, 3), cpu_used(before, cpu_snapshot(bench.stack)))


async def measure_stack(stack: Stack, counts: Counts) -> Run:
    """Checkout, then reads of the orders it made, each at ``counts.clients`` concurrent clients."""
    measured = Run(orders_replicas=stack.replica_count("orders"))
    bench = Bench(stack, 0, counts)  # no bare chain here: port 0 is never used

    warm_orders = [order["id"] for order in await bench.prepare("authorized", counts.clients)]

    def read(ids: Sequence[str]) -> Request:
        async def request(conn: Connection, index: int) -> None:
            await conn.graphql(bench.buyer, ORDER, {"id": ids[index % len(ids)]})

        return request

    # Reads only, so this second bench books no slot the first one could book too.
    warm_up = Bench(stack, 0, Counts(sequential=0, clients=counts.clients, per_client=WARM_UP_PER_CLIENT))
    await warm_up.measure("warm-up", read(warm_orders))

    quotes = await bench.prepare("quote", bench.per_operation)
    made: list[str] = []

    async def checkout(conn: Connection, index: int) -> None:
        variables = {
            "quoteId": quotes[index]["id"],
            "paymentMethodId": "pm_card_visa",
            "idempotencyKey": uuid.uuid4().hex,
        }
        made.append((await conn.graphql(bench.buyer, CHECKOUT, {"i": variables}))["checkout"]["id"])

    await asyncio.sleep(SETTLE_SECONDS)
    measured.phases.append(await _loaded(bench, CHECKOUT_NAME, checkout))
    await asyncio.sleep(SETTLE_SECONDS)
    measured.phases.append(await _loaded(bench, READ_NAME, read(made)))
    return measured


def _stack(state_dir: Path, orders_replicas: int) -> Stack:
    # As bench.run's stack: the dev environment, a database and an event prefix of its own.
    return Stack.from_environment(
        state_dir,
        database_name=f"callsheet_bench_{uuid.uuid4().hex[:8]}",
        event_prefix=f"csbench{uuid.uuid4().hex[:8]}",
        env_name="dev",
        replicas={"orders": orders_replicas},
    )


async def _main(counts: Counts) -> ReplicaReport:
    report = ReplicaReport(
        machine={"cpus": os.cpu_count() or 0, "python": sys.version.split()[0], "at": datetime.now(UTC).isoformat()},
        counts=asdict(counts),
    )
    for replicas in REPLICAS:
        stack = _stack(ROOT / ".devstack" / "bench-replicas" / f"orders-{replicas}", replicas)
        await asyncio.to_thread(stack.start)
        try:
            report.runs.append(await measure_stack(stack, counts))
        finally:
            await asyncio.to_thread(stack.stop)
            if stack.postgres is None and stack.admin_url:
                from callsheet_kit.provision import drop_database

                drop_database(stack.admin_url, stack.database_name)
    return report


def table(report: ReplicaReport) -> str:
    """Operation × replicas (req/s, p50, p95 in ms), then the CPU seconds of every process in each phase."""
    clients = report.counts["clients"]
    lines = [f"{'operation':24} {'orders×':>7} {'req/s@' + str(clients):>10} {'p50':>8} {'p95':>8}"]
    columns: list[tuple[str, dict[str, float]]] = []
    for name in (CHECKOUT_NAME, READ_NAME):
        for stack_run in report.runs:
            for phase in stack_run.phases:
                if phase.figures.name == name:
                    figures = phase.figures
                    lines.append(
                        f"{name:24} {stack_run.orders_replicas:7} {figures.concurrent_rps:10.1f} "
                        f"{figures.concurrent_p50:8.2f} {figures.concurrent_p95:8.2f}"
                    )
                    columns.append((f"{name.split()[0]}×{stack_run.orders_replicas}", phase.cpu_seconds))
    processes = sorted({label for _, cpu in columns for label in cpu})
    lines += ["", "CPU seconds while loaded:", f"{'process':14}" + "".join(f"{title:>13}" for title, _ in columns)]
    for label in processes:
        lines.append(
            f"{label:14}" + "".join(f"{cpu[label]:13.2f}" if label in cpu else f"{'-':>13}" for _, cpu in columns)
        )
    return "\n".join(lines)


def summary_json(report: ReplicaReport) -> dict[str, Any]:
    """The report as JSON: only the concurrent figures (the sequential ones are not measured here)."""
    return {
        "machine": report.machine,
        "counts": report.counts,
        "runs": [
            {
                "orders_replicas": stack_run.orders_replicas,
                "operations": [
                    {
                        "name": phase.figures.name,
                        "concurrent_rps": phase.figures.concurrent_rps,
                        "concurrent_p50": phase.figures.concurrent_p50,
                        "concurrent_p95": phase.figures.concurrent_p95,
                        "concurrent_p99": phase.figures.concurrent_p99,
                        "loaded_seconds": phase.loaded_seconds,
                        "cpu_seconds": phase.cpu_seconds,
                    }
                    for phase in stack_run.phases
                ],
            }
            for stack_run in report.runs
        ],
    }


def run(counts: Counts, output: Path | None) -> ReplicaReport:
    """Measures with one and two orders replicas, prints the table and writes the JSON."""
    report = asyncio.run(_main(counts))
    publish(table(report), summary_json(report), output)
    return report


def main() -> None:
    """Parses the command line and runs the measurement."""
    parser = argparse.ArgumentParser(prog="python -m bench.replicas")
    parser.add_argument("--smoke", action="store_true", help="tiny counts: checks the harness, measures nothing")
    parser.add_argument("--json", type=Path, default=None, help="where to write the figures as JSON")
    args = parser.parse_args()
    run(SMOKE if args.smoke else FULL, args.json)


if __name__ == "__main__":
    main()
