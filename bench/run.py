"""The bench: every public operation and the bare chain, sequential and at 32 clients, in one run;
the action cards (``bench.cards``: an EXTRAS card opened, then declined); then the money commands
the cards engine and support send payments (``bench.money``).

Inputs each mutation consumes (a quote to check out, an authorized order to confirm, a confirmed
one to cancel) are made before its measurement starts, so only the operation itself is timed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from nats import connect as nats_connect

from bench.cards import CardCalls
from bench.client import Connection
from bench.cpu import cpu_snapshot, cpu_used
from bench.money import MoneyCalls
from bench.notifications import NotificationCalls
from bench.support import SupportCalls
from callsheet_kit.paging import encode_cursor
from devstack.ports import free_port, wait_for_port
from devstack.stack import ROOT, Stack
from devstack.tokens import mint

BUYER, PROVIDER, AGENT = "u_buyer_1", "u_provider_1", "u_agent_1"
QUOTE = """mutation($i: CreateQuoteInput!) { createQuote(input: $i) { id total { amountCents } } }"""
CHECKOUT = "mutation($i: CheckoutInput!) { checkout(input: $i) { id version } }"
CONFIRM = "mutation($i: OrderCommandInput!) { confirmOrder(input: $i) { id version } }"
CANCEL = "mutation($i: OrderCommandInput!) { cancelOrder(input: $i) { id version } }"
ORDER = """query($id: ID!) { order(id: $id) { id state version startUtc
  payment { captured { amountCents } } timeline(first: 50) { edges { node { subtype createdAt } } } } }"""
ORDERS = "{ orders(first: 20) { edges { node { id state } } } }"
LEDGER = """query($id: ID!) { orderLedger(orderId: $id) { entries { kind postings { account amount { amountCents } } }
  balances { account posted { amountCents } pending { amountCents } } } }"""
TIMELINE_PAGE = """query($id: ID!, $after: String) { order(id: $id) {
  timeline(first: 50, after: $after) { edges { node { id subtype } } } } }"""


@dataclass(frozen=True)
class Counts:
    """How much to measure: ``sequential`` requests one after the other, then ``clients`` × ``per_client``."""

    sequential: int = 200
    clients: int = 32
    per_client: int = 15
    timeline_events: int = 100_000
    # How long to wait for the system to settle before each part; past it, the part runs anyway.
    settle_seconds: float = 180.0


SMOKE = Counts(sequential=3, clients=4, per_client=2, timeline_events=300, settle_seconds=10.0)


@dataclass
class Figures:
    """Latencies in milliseconds (and throughput) of one operation."""

    name: str
    sequential_p50: float = 0.0
    sequential_p95: float = 0.0
    sequential_p99: float = 0.0
    concurrent_rps: float = 0.0
    concurrent_p50: float = 0.0
    concurrent_p95: float = 0.0
    concurrent_p99: float = 0.0
    # CPU milliseconds each process spent per request of the sequential run, its effects
    # (events, emails, background sagas) included: what one request costs the machine.
    cpu_ms_per_request: dict[str, float] = field(default_factory=dict)


@dataclass
class Report:
    """Everything one run measured."""

    machine: dict[str, Any]
    counts: dict[str, int]
    operations: list[Figures] = field(default_factory=list)
    timeline_pages: dict[str, float] = field(default_factory=dict)
    event_lag_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    client_cpu_percent: float = 0.0
    # Parts that began before the system had settled from the one before (0 in a clean run).
    unsettled: int = 0


def _percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# One request of an operation: given a connection and the index of the input to use.
Request = Callable[[Connection, int], Awaitable[None]]


class Bench:
    """Measures operations against a running stack and its bare chain."""

    def __init__(self, stack: Stack, bare_port: int, counts: Counts) -> None:
        self.stack = stack
        self.counts = counts
        self.host, self.port = "127.0.0.1", stack.ports["gateway"]
        self.bare_port = bare_port
        self.buyer = mint(BUYER, [], secret=stack.jwt_secret)
        self.provider = mint(PROVIDER, [], secret=stack.jwt_secret)
        self.admin = mint("u_admin", ["admin"], secret=stack.jwt_secret)
        self.agent = mint(AGENT, ["support_agent"], secret=stack.jwt_secret)
        self._slots = itertools.count()
        self._base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=20)
        self.client_cpu = 0.0
        self.loaded_seconds = 0.0
        self.unsettled = 0
        # When requests ran, one client at a time and many at once: event lag is told apart by these.
        self.windows: dict[str, list[tuple[datetime, datetime]]] = {"sequential": [], f"{counts.clients} clients": []}

    @property
    def per_operation(self) -> int:
        """How many inputs one operation consumes in a run."""
        return self.counts.sequential + self.counts.clients * self.counts.per_client

    def slot(self) -> tuple[str, str]:
        """A one-hour slot no other request of the run books."""
        start = self._base + timedelta(hours=next(self._slots) * 2)
        end = start + timedelta(hours=1)
        return start.isoformat().replace("+00:00", "Z"), end.isoformat().replace("+00:00", "Z")

    def quote_input(self) -> dict[str, Any]:
        start, end = self.slot()
        return {
            "providerId": PROVIDER,
            "roleCode": "photographer",
            "startUtc": start,
            "endUtc": end,
            "timezone": "America/New_York",
            "location": {"country": "US", "region": "NY"},
        }

    async def connect(self, port: int | None = None) -> Connection:
        return await Connection.open(self.host, port or self.port)

    async def measure(self, name: str, request: Request) -> Figures:
        """Sequential latencies, then throughput and latencies at ``clients`` concurrent clients.

        Each part starts on a settled system (nothing left to publish, consume, send or drive
        from what came before), so it is charged only for its own work.
        """
        figures = Figures(name)
        await self.settle()
        conn = await self.connect(self.bare_port if name == "bare chain" else None)
        samples = []
        cpu_before = cpu_snapshot(self.stack)
        window = [_utc_now()]
        for index in range(self.counts.sequential):
            started = time.perf_counter()
            await request(conn, index)
            samples.append((time.perf_counter() - started) * 1000)
        window.append(_utc_now())
        await conn.close()
        await self.settle()
        if self.counts.sequential:
            used = cpu_used(cpu_before, cpu_snapshot(self.stack))
            figures.cpu_ms_per_request = {
                label: round(1000 * seconds / self.counts.sequential, 2)
                for label, seconds in used.items()
                if label != "bench client"
            }
        self.windows["sequential"].append((window[0], window[1]))
        figures.sequential_p50 = _percentile(samples, 0.5)
        figures.sequential_p95 = _percentile(samples, 0.95)
        figures.sequential_p99 = _percentile(samples, 0.99)

        offset = self.counts.sequential
        latencies: list[float] = []

        async def client(number: int) -> None:
            connection = await self.connect(self.bare_port if name == "bare chain" else None)
            try:
                for step in range(self.counts.per_client):
                    started = time.perf_counter()
                    await request(connection, offset + number * self.counts.per_client + step)
                    latencies.append((time.perf_counter() - started) * 1000)
            finally:
                await connection.close()

        cpu_before_load = _cpu_seconds()
        loaded_from = _utc_now()
        started = time.perf_counter()
        await asyncio.gather(*(client(number) for number in range(self.counts.clients)))
        elapsed = time.perf_counter() - started
        self.windows[f"{self.counts.clients} clients"].append((loaded_from, _utc_now()))
        self.client_cpu += _cpu_seconds() - cpu_before_load
        self.loaded_seconds += elapsed
        figures.concurrent_rps = len(latencies) / elapsed
        figures.concurrent_p50 = _percentile(latencies, 0.5)
        figures.concurrent_p95 = _percentile(latencies, 0.95)
        figures.concurrent_p99 = _percentile(latencies, 0.99)
        return figures

    async def prepare(self, what: str, count: int) -> list[dict[str, Any]]:
        """Inputs for ``count`` requests: quotes, authorized orders or confirmed orders."""
        conn = await self.connect()
        made: list[dict[str, Any]] = []
        try:
            for _ in range(count):
                quote = (await conn.graphql(self.buyer, QUOTE, {"i": self.quote_input()}))["createQuote"]
                if what == "quote":
                    made.append(quote)
                    continue
                checkout = {
                    "quoteId": quote["id"],
                    "paymentMethodId": "pm_card_visa",
                    "idempotencyKey": uuid.uuid4().hex,
                }
                order = (await conn.graphql(self.buyer, CHECKOUT, {"i": checkout}))["checkout"]
                if what == "confirmed":
                    command = {"orderId": order["id"], "expectedVersion": 1, "idempotencyKey": uuid.uuid4().hex}
                    order = (await conn.graphql(self.provider, CONFIRM, {"i": command}))["confirmOrder"]
                made.append(order)
        finally:
            await conn.close()
        return made

    async def run_operations(self) -> list[Figures]:
        """The bare chain, every public mutation and the main reads, the card engine, the money
        commands, notifications and support."""
        results = []

        async def bare(conn: Connection, _: int) -> None:
            status, _body = await conn.request("GET", "/")
            assert status == 200

        results.append(await self.measure("bare chain", bare))

        async def create_quote(conn: Connection, _: int) -> None:
            await conn.graphql(self.buyer, QUOTE, {"i": self.quote_input()})

        results.append(await self.measure("createQuote", create_quote))

        quotes = await self.prepare("quote", self.per_operation)

        async def checkout(conn: Connection, index: int) -> None:
            variables = {
                "quoteId": quotes[index]["id"],
                "paymentMethodId": "pm_card_visa",
                "idempotencyKey": uuid.uuid4().hex,
            }
            await conn.graphql(self.buyer, CHECKOUT, {"i": variables})

        results.append(await self.measure("checkout", checkout))

        authorized = await self.prepare("authorized", self.per_operation)

        async def confirm(conn: Connection, index: int) -> None:
            command = {"orderId": authorized[index]["id"], "expectedVersion": 1, "idempotencyKey": uuid.uuid4().hex}
            await conn.graphql(self.provider, CONFIRM, {"i": command})

        results.append(await self.measure("confirmOrder", confirm))

        confirmed = await self.prepare("confirmed", self.per_operation)

        async def cancel(conn: Connection, index: int) -> None:
            command = {"orderId": confirmed[index]["id"], "expectedVersion": 2, "idempotencyKey": uuid.uuid4().hex}
            await conn.graphql(self.buyer, CANCEL, {"i": command})

        results.append(await self.measure("cancelOrder", cancel))

        async def read_order(conn: Connection, index: int) -> None:
            await conn.graphql(self.buyer, ORDER, {"id": authorized[index % len(authorized)]["id"]})

        results.append(await self.measure("order (with timeline)", read_order))

        async def read_orders(conn: Connection, _: int) -> None:
            await conn.graphql(self.buyer, ORDERS, {})

        results.append(await self.measure("orders(first: 20)", read_orders))

        async def read_ledger(conn: Connection, index: int) -> None:
            await conn.graphql(self.admin, LEDGER, {"id": confirmed[index % len(confirmed)]["id"]})

        results.append(await self.measure("orderLedger (admin)", read_ledger))

        # The card engine: EXTRAS cards opened by the provider, one per confirmed order of their
        # own, then declined by the buyer (no money moves).
        cards = CardCalls(await self.prepare("confirmed", self.per_operation), provider=self.provider, buyer=self.buyer)
        for name, send in cards.requests().items():
            results.append(await self.measure(name, send))

        # The money commands of the cards engine and support, on confirmed orders of their own.
        money = MoneyCalls(self.stack, await self.prepare("confirmed", self.per_operation))
        try:
            for name, send in money.requests().items():
                results.append(await self.measure(name, send))
        finally:
            await money.close()

        # Notifications: the buyer's feed, preferences and devices; the delivery log for admins.
        notes = NotificationCalls(self.stack, user=BUYER, token=self.buyer, admin=self.admin)
        await self.settle()
        await notes.prepare(self.per_operation)
        for name, send in notes.requests().items():
            results.append(await self.measure(name, send))

        # Support: the help centre, a buyer's case, and an agent working cases of their own.
        support = SupportCalls(buyer=self.buyer, agent=self.agent)
        conn = await self.connect()
        try:
            await support.prepare(conn, self.per_operation)
        finally:
            await conn.close()
        for name, send in support.requests().items():
            results.append(await self.measure(name, send))
        return results

    async def timeline_pages(self) -> dict[str, float]:
        """p95 of a 50-event page in the middle of a 100-event and of a long timeline."""
        (short, long) = await self.prepare("authorized", 2)
        with psycopg.connect(self.stack.database_url, autocommit=True) as conn:
            for order, events in ((short, 100), (long, self.counts.timeline_events)):
                conn.execute(
                    """INSERT INTO ord.timeline_event (event_id, order_id, kind, subtype, payload, created_at)
                       SELECT 'tev_bench_' || %s || '_' || g, %s, 'note', 'bench.note', '{}'::jsonb, now()
                       FROM generate_series(1, %s) g""",
                    (order["id"], order["id"], events),
                )
            middles = {}
            for order in (short, long):
                row = conn.execute(
                    "SELECT seq FROM ord.timeline_event WHERE order_id = %s ORDER BY seq OFFSET %s LIMIT 1",
                    (order["id"], (100 if order is short else self.counts.timeline_events) // 2),
                ).fetchone()
                assert row is not None
                middles[order["id"]] = encode_cursor("timeline", int(row[0]))
        figures = {}
        conn2 = await self.connect()
        try:
            for label, order in (("100 events", short), (f"{self.counts.timeline_events} events", long)):
                samples = []
                for _ in range(max(self.counts.sequential, 5)):
                    started = time.perf_counter()
                    await conn2.graphql(self.buyer, TIMELINE_PAGE, {"id": order["id"], "after": middles[order["id"]]})
                    samples.append((time.perf_counter() - started) * 1000)
                figures[f"p95 ms, page of 50 in {label}"] = _percentile(samples, 0.95)
        finally:
            await conn2.close()
        return figures

    def event_lag(self) -> dict[str, dict[str, float]]:
        """Commit of an order event in orders → its effect applied by notify, while one client and while many wrote.

        From both tables' own timestamps: the outbox row's ``created_at`` (the commit's time)
        and notify's inbox row's ``processed_at`` (the effect's commit).
        """
        with psycopg.connect(self.stack.database_url, autocommit=True) as conn:
            rows = conn.execute(
                """SELECT o.created_at, extract(epoch FROM (i.processed_at - o.created_at)) * 1000
                   FROM ord.outbox o JOIN ntf.inbox i ON i.event_id = o.event_id
                   WHERE i.consumer = 'notify-orders'"""
            ).fetchall()
        lags: dict[str, dict[str, float]] = {}
        for load, windows in self.windows.items():
            during = [float(lag) for at, lag in rows if any(start <= at <= end for start, end in windows)]
            lags[load] = {
                "events": float(len(during)),
                "p50": _percentile(during, 0.5),
                "p95": _percentile(during, 0.95),
            }
        return lags

    async def settle(self) -> None:
        """Waits until the system has done everything the requests so far caused.

        Nothing unpublished in any outbox, no saga due within a minute unfinished, no email
        waiting, and every JetStream consumer with nothing pending or unacknowledged, twice in a
        row. Past ``counts.settle_seconds`` the wait ends with a warning (and is counted).
        """
        deadline = time.monotonic() + self.counts.settle_seconds
        quiet = 0
        async with await psycopg.AsyncConnection.connect(self.stack.database_url, autocommit=True) as db:
            schemas = [
                str(row[0])
                for row in await (
                    await db.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'")
                ).fetchall()
            ]
            busy_sql = " + ".join(
                f"(SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL)"
                f" + (SELECT count(*) FROM {schema}.saga WHERE status IN ('running', 'compensating')"
                " AND next_attempt_at < now() + interval '1 minute')"
                for schema in schemas
            )
            busy_sql += " + (SELECT count(*) FROM ntf.notification WHERE status = 'pending')"
            assert self.stack.nats_url is not None
            nats = await nats_connect(self.stack.nats_url, connect_timeout=5)
            try:
                js = nats.jetstream()
                while quiet < 2:
                    row = await (await db.execute(f"SELECT {busy_sql}")).fetchone()
                    pending = int(row[0]) if row else 0
                    for consumer in await js.consumers_info(self.stream):
                        pending += (consumer.num_pending or 0) + (consumer.num_ack_pending or 0)
                    quiet = quiet + 1 if pending == 0 else 0
                    if time.monotonic() > deadline:
                        self.unsettled += 1
                        print(
                            f"warning: {pending} things still pending after {self.counts.settle_seconds:.0f} s",
                            flush=True,
                        )
                        return
                    await asyncio.sleep(0.1)
            finally:
                await nats.close()

    @property
    def stream(self) -> str:
        """The JetStream stream of the stack's events."""
        return self.stack.event_prefix.upper()

    def peak_rss(self) -> dict[str, float]:
        """The peak resident memory of every process of the stack, in MB."""
        peaks = {}
        for name, process in self.stack.processes.items():
            try:
                status = Path(f"/proc/{process.popen.pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks[name] = int(line.split()[1]) / 1024
        return peaks


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class BareChain:
    """The two bare processes, on the stack's PostgreSQL."""

    def __init__(self, dsn: str, state_dir: Path) -> None:
        self.dsn = dsn
        self.grpc_port, self.http_port = free_port(), free_port()
        self._logs = state_dir
        self._processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        for argv, port in (
            (["grpc", "--port", str(self.grpc_port), "--dsn", self.dsn], self.grpc_port),
            (["http", "--port", str(self.http_port), "--grpc-port", str(self.grpc_port)], self.http_port),
        ):
            log = (self._logs / f"bare-{argv[0]}.log").open("ab")
            self._processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.bare", *argv], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
                )
            )
            log.close()
            wait_for_port("127.0.0.1", port, timeout=30)

    def stop(self) -> None:
        for process in self._processes:
            process.terminate()
            process.wait(10)


async def measure_all(stack: Stack, counts: Counts) -> Report:
    """Runs every measurement against a running stack; returns the report."""
    bare = BareChain(stack.database_url, stack.state_dir / "logs")
    bare.start()
    try:
        bench = Bench(stack, bare.http_port, counts)
        report = Report(
            machine={
                "cpus": os.cpu_count() or 0,
                "python": sys.version.split()[0],
                "at": datetime.now(UTC).isoformat(),
            },
            counts=asdict(counts),
        )
        report.operations = await bench.run_operations()
        report.timeline_pages = await bench.timeline_pages()
        await bench.settle()
        report.event_lag_ms = bench.event_lag()
        report.peak_rss_mb = bench.peak_rss()
        report.client_cpu_percent = 100 * bench.client_cpu / bench.loaded_seconds if bench.loaded_seconds else 0.0
        report.unsettled = bench.unsettled
        return report
    finally:
        bare.stop()


def table(report: Report) -> str:
    """The report as text: each operation beside the bare chain, and the ratios."""
    bare = report.operations[0]
    lines = [
        f"{'operation':26} {'p50':>7} {'p95':>7} {'p99':>7} {'×bare':>6} | {'req/s@' + str(report.counts['clients']):>10} {'×bare':>6} {'p50':>7} {'p95':>7} {'p99':>7}",
    ]
    for figures in report.operations:
        ratio = figures.sequential_p50 / bare.sequential_p50 if bare.sequential_p50 else 0.0
        throughput = figures.concurrent_rps / bare.concurrent_rps if bare.concurrent_rps else 0.0
        lines.append(
            f"{figures.name:26} {figures.sequential_p50:7.2f} {figures.sequential_p95:7.2f} {figures.sequential_p99:7.2f} "
            f"{ratio:6.2f} | {figures.concurrent_rps:10.1f} {throughput:6.2f} {figures.concurrent_p50:7.2f} "
            f"{figures.concurrent_p95:7.2f} {figures.concurrent_p99:7.2f}"
        )
    lines.append("")
    lines.extend(f"{label}: {value:.2f}" for label, value in report.timeline_pages.items())
    for load, lag in report.event_lag_ms.items():
        lines.append(
            f"event lag ms (order event committed → notify applied), {load}: "
            f"p50 {lag['p50']:.1f}, p95 {lag['p95']:.1f} over {lag['events']:.0f} events"
        )
    lines.append("CPU ms per request (sequential, effects included):")
    for figures in report.operations:
        per = ", ".join(f"{name} {ms:.1f}" for name, ms in figures.cpu_ms_per_request.items() if ms >= 0.05)
        total = sum(figures.cpu_ms_per_request.values())
        lines.append(f"  {figures.name:26} {total:6.1f}  ({per})")
    lines.append("peak RSS MB: " + ", ".join(f"{name} {mb:.0f}" for name, mb in sorted(report.peak_rss_mb.items())))
    lines.append(f"load client CPU: {report.client_cpu_percent:.0f} % of one core while loaded")
    return "\n".join(lines)


def summary_json(report: Report) -> dict[str, Any]:
    """The report as JSON."""
    document = asdict(report)
    bare = report.operations[0]
    for figures in document["operations"]:
        figures["p50_ratio_to_bare"] = figures["sequential_p50"] / bare.sequential_p50 if bare.sequential_p50 else 0.0
        figures["throughput_ratio_to_bare"] = (
            figures["concurrent_rps"] / bare.concurrent_rps if bare.concurrent_rps else 0.0
        )
    return document


def _stack(state_dir: Path) -> Stack:
    return Stack.from_environment(
        state_dir,
        database_name=f"callsheet_bench_{uuid.uuid4().hex[:8]}",
        event_prefix=f"csbench{uuid.uuid4().hex[:8]}",
        env_name="dev",
    )


async def _main(counts: Counts) -> Report:
    stack = _stack(ROOT / ".devstack" / "bench")
    await asyncio.to_thread(stack.start)
    try:
        return await measure_all(stack, counts)
    finally:
        await asyncio.to_thread(stack.stop)


def run(counts: Counts, output: Path | None) -> Report:
    """Starts a stack, measures, prints the table and writes the JSON."""
    report = asyncio.run(_main(counts))
    publish(table(report), summary_json(report), output)
    return report


def publish(text: str, document: dict[str, Any], output: Path | None) -> None:
    """Prints a bench's table and writes its JSON to ``output``, if given."""
    print(text)
    if output is not None:
        output.write_text(json.dumps(document, indent=2) + "\n")
