"""Prometheus metrics: every process serves ``GET /metrics``; instruments are OpenTelemetry's.

``expose_metrics`` installs the process's meter provider once, exporting through OpenTelemetry's
Prometheus reader into prometheus_client's default registry (which also carries the process's
``process_*`` metrics), and serves that registry on ``CALLSHEET_METRICS_HOST:CALLSHEET_METRICS_PORT``
from a thread of its own (port 0 takes a free port, which the caller prints). Names are exported
the usual way: dots become underscores, a counter ends in ``_total``, a histogram in seconds in
``_seconds`` (``callsheet.cards.create`` with unit ``s`` is ``callsheet_cards_create_seconds``).

The endpoint always answers in Prometheus's classic text format (0.0.4), whatever the scraper
accepts. In OpenMetrics a counter's family is named without ``_total``, so the counter
``callsheet_cards_stuck_total`` and the gauge ``callsheet_cards_stuck`` would be two families of
one name there, and the scrape would be refused as a whole.

Every module makes its instruments here, the same way:

- ``counter``: counted where the event happens. The label sets known in advance start at 0, so
  ``rate`` and ``increase`` see the first event (Prometheus cannot see the increase of a series
  that appears with its first event).
- ``histogram``: durations in seconds, with the bounds of ``LATENCY_BUCKETS`` (1.5 s, the cards
  SLO, among them) unless it names its own. The bounds travel with the instrument as
  OpenTelemetry's bucket advisory, which the SDK's default aggregation honours, so they hold
  whichever module declares the histogram and whenever.
- ``SampledGauge``: values that are read rather than counted (cards by state, the outbox's
  backlog). A ``GaugeSample`` sets the values of its gauges from one read every
  ``SAMPLE_INTERVAL`` seconds, never per scrape; a service declares a ``GaugeQuery`` (one query
  on its own database) and the kit runs it. With several replicas every replica reads the same
  values, so dashboards take ``max`` over replicas, never ``sum``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from time import perf_counter
from typing import Any

from opentelemetry import metrics
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Counter, Histogram, Meter, Observation
from opentelemetry.sdk.metrics import AlwaysOffExemplarFilter, MeterProvider
from opentelemetry.sdk.resources import Resource
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from callsheet_kit.clock import Clock
from callsheet_kit.db import Database

log = logging.getLogger(__name__)

# The bounds of every latency histogram (seconds): 1.5 s is the createCard/respondToCard SLO.
LATENCY_BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.5, 5.0, 10.0)
# How often sampled gauges are read.
SAMPLE_INTERVAL = 30.0
# A gauge query that takes longer than this is cut short (its gauges keep their last values).
SAMPLE_STATEMENT_TIMEOUT_MS = 5_000
METRICS_PATH = "/metrics"

Labels = Mapping[str, str]
# A label set as gauges keep it: sorted (name, value) pairs.
LabelKey = tuple[tuple[str, str], ...]

_METER = "callsheet"
_provider: MeterProvider | None = None
_server: ThreadingHTTPServer | None = None
# Counters whose label sets start at 0 once the provider is installed (recorded before it, they go nowhere).
_from_zero: list[tuple[Counter, tuple[Labels, ...]]] = []


def _meter(meter: Meter | None) -> Meter:
    return meter if meter is not None else metrics.get_meter(_METER)


def meter_provider(service_name: str, *, registry: CollectorRegistry = REGISTRY) -> MeterProvider:
    """A meter provider whose instruments are read by Prometheus through ``registry``.

    Scope labels are left out (every instrument is Callsheet's own) and no exemplars are kept
    (the text format carries none), so a measurement costs an aggregation and nothing more.
    """
    reader = PrometheusMetricReader(scope_info_enabled=False, registry=registry)
    return MeterProvider(
        metric_readers=[reader],
        resource=Resource.create({"service.name": service_name}),
        exemplar_filter=AlwaysOffExemplarFilter(),
    )


class _MetricsHandler(BaseHTTPRequestHandler):
    """``GET /metrics``: the default registry in the classic text format."""

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] != METRICS_PATH:
            self.send_error(404)
            return
        body = generate_latest(REGISTRY)
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE_PLAIN_0_0_4)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        # A scrape every few seconds is not worth a log line each.
        return


def expose_metrics(service_name: str, *, host: str, port: int) -> int:
    """Installs this process's meter provider and serves ``GET /metrics`` on ``host:port``; returns the port.

    Once per process: a later call changes nothing and returns the port already served. The
    server runs on a daemon thread for the life of the process, so a scrape never waits for the
    event loop and the loop never waits for a scrape.
    """
    global _provider, _server
    if _provider is None:
        _provider = meter_provider(service_name)
        metrics.set_meter_provider(_provider)
        for instrument, label_sets in _from_zero:
            for labels in label_sets:
                instrument.add(0, labels)
        _from_zero.clear()
    if _server is None:
        _server = serve_registry(host, port)
    bound: int = _server.server_address[1]
    return bound


def serve_registry(host: str, port: int) -> ThreadingHTTPServer:
    """Serves the default registry at ``GET /metrics`` on ``host:port`` from a daemon thread.

    Returns the server: its ``server_address`` names the port taken (``port`` 0 takes a free one),
    its ``shutdown`` stops it.
    """
    server = ThreadingHTTPServer((host, port), _MetricsHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server


def count_from_zero(counter: Counter, label_sets: Iterable[Labels]) -> None:
    """Makes each of ``label_sets`` of ``counter`` exported at 0 before its first event."""
    known = tuple(dict(labels) for labels in label_sets)
    for labels in known:
        counter.add(0, labels)
    if _provider is None:
        _from_zero.append((counter, known))


def counter(
    name: str,
    description: str,
    *,
    unit: str = "1",
    from_zero: Iterable[Labels] = (),
    meter: Meter | None = None,
) -> Counter:
    """A counter, exported as ``<name>_total``; ``from_zero`` are the label sets it starts with at 0."""
    made = _meter(meter).create_counter(name, unit=unit, description=description)
    count_from_zero(made, from_zero)
    return made


def histogram(
    name: str, description: str, *, buckets: Sequence[float] = LATENCY_BUCKETS, meter: Meter | None = None
) -> Histogram:
    """A histogram of durations in seconds, exported as ``<name>_seconds`` with ``buckets`` as its bounds."""
    return _meter(meter).create_histogram(
        name, unit="s", description=description, explicit_bucket_boundaries_advisory=list(buckets)
    )


@contextmanager
def timed(histogram: Histogram, **labels: str) -> Iterator[dict[str, str]]:
    """Records how long the block took in ``histogram``, however it ends.

    Yields the labels, which the block may fill in as it learns them (a card's type once the
    card is read); they are recorded as the block leaves them.
    """
    attributes = dict(labels)
    started = perf_counter()
    try:
        yield attributes
    finally:
        histogram.record(perf_counter() - started, attributes)


def label_key(labels: Labels) -> LabelKey:
    """A label set as a gauge keeps it."""
    return tuple(sorted(labels.items()))


@dataclass(frozen=True)
class Reading:
    """One value a sample found for one gauge and label set."""

    gauge: SampledGauge
    value: float
    labels: LabelKey


class SampledGauge:
    """An observable gauge whose values come from the latest sample, not from a query per scrape.

    ``labels`` are the label sets known in advance: they read 0 until a sample finds them. A label
    set a sample no longer finds reads 0 too (an empty backlog, no card of that type left), so a
    value never stays up after what it counted is gone.
    """

    def __init__(
        self,
        name: str,
        description: str,
        *,
        unit: str = "1",
        labels: Iterable[Labels] = (),
        meter: Meter | None = None,
    ) -> None:
        self.name = name
        self._values: dict[LabelKey, float] = {label_key(known): 0.0 for known in labels}
        _meter(meter).create_observable_gauge(name, callbacks=[self._observe], unit=unit, description=description)

    def reading(self, value: float, **labels: str) -> Reading:
        """A value of this gauge for ``labels``, as a sample's read returns it."""
        return Reading(self, float(value), label_key(labels))

    def update(self, readings: Iterable[Reading]) -> None:
        """Takes a sample's readings of this gauge; label sets seen before and not read now become 0."""
        values = dict.fromkeys(self._values, 0.0)
        for found in readings:
            values[found.labels] = found.value
        # One assignment: a scrape on the server's thread sees the old values or the new, never a mix.
        self._values = values

    def values(self) -> dict[LabelKey, float]:
        """The values as the latest sample left them."""
        return dict(self._values)

    def _observe(self, options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(value, dict(labels)) for labels, value in self._values.items()]


@dataclass(frozen=True)
class GaugeSample:
    """One read whose readings set ``gauges``: any of them the read does not mention reads 0."""

    gauges: Sequence[SampledGauge]
    read: Callable[[], Awaitable[Iterable[Reading]]]

    async def take(self) -> None:
        """Reads once and sets the gauges; a failed read is logged and leaves them as they were."""
        try:
            readings = list(await self.read())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("sampling %s failed: %s", ", ".join(g.name for g in self.gauges), exc)
            return
        found: dict[SampledGauge, list[Reading]] = {gauge: [] for gauge in self.gauges}
        for reading in readings:
            found.setdefault(reading.gauge, []).append(reading)
        for gauge, of_gauge in found.items():
            gauge.update(of_gauge)


# A query of a service's own database, given its session and the service clock's "now".
GaugeRead = Callable[[AsyncSession, datetime], Awaitable[Iterable[Reading]]]


@dataclass(frozen=True)
class GaugeQuery:
    """What a service declares for its sampled gauges: the gauges, and the query whose rows set them.

    The query should be one cheap statement, served by the partial indexes of what it counts;
    it runs in a transaction of its own, cut short after ``SAMPLE_STATEMENT_TIMEOUT_MS``.
    """

    gauges: Sequence[SampledGauge]
    read: GaugeRead

    def on(self, db: Database, clock: Clock) -> GaugeSample:
        """The sample that runs this query on ``db`` at ``clock``'s now."""

        async def read() -> Iterable[Reading]:
            async with db.transaction() as session:
                await session.execute(text(f"SET LOCAL statement_timeout = {SAMPLE_STATEMENT_TIMEOUT_MS}"))
                return await self.read(session, clock.now())

        return GaugeSample(self.gauges, read)


async def sample_gauges(samples: Sequence[GaugeSample], *, interval: float = SAMPLE_INTERVAL) -> None:
    """Takes every sample at once, then every ``interval`` seconds, until cancelled."""
    while True:
        for sample in samples:
            await sample.take()
        await asyncio.sleep(interval)


def seconds_since(moment: datetime | None, now: datetime) -> float:
    """How long ago ``moment`` was, in seconds; 0 for none, or for one not yet come."""
    if moment is None:
        return 0.0
    return max((now - moment).total_seconds(), 0.0)
