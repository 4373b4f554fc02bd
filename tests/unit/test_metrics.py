"""The kit's metrics: sampled gauges read what their latest sample found, latency histograms carry the
SLO's bound, counters start at zero, and the endpoint answers in the classic text format."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from opentelemetry.metrics import Meter
from prometheus_client import CollectorRegistry

from callsheet_kit.metrics import (
    LATENCY_BUCKETS,
    GaugeSample,
    Reading,
    SampledGauge,
    counter,
    histogram,
    meter_provider,
    seconds_since,
    serve_registry,
    timed,
)


def private_meter() -> tuple[Meter, CollectorRegistry]:
    """A meter whose instruments are read through a registry of this test alone."""
    registry = CollectorRegistry()
    return meter_provider("callsheet-test", registry=registry).get_meter("test"), registry


@pytest.mark.asyncio
async def test_a_sampled_gauge_reports_what_its_latest_sample_found() -> None:
    meter, registry = private_meter()
    live = SampledGauge("test.cards.live", "Live cards", labels=[{"state": "open"}, {"state": "accepted"}], meter=meter)
    reads: list[Iterable[Reading] | Exception] = [
        [live.reading(3, state="open"), live.reading(2, state="accepted")],
        [live.reading(1, state="open")],
        RuntimeError("the database is away"),
        [],
    ]

    async def read() -> Iterable[Reading]:
        found = reads.pop(0)
        if isinstance(found, Exception):
            raise found
        return found

    def value(state: str) -> float | None:
        return registry.get_sample_value("test_cards_live", {"state": state})

    sample = GaugeSample([live], read)
    # The label sets known in advance are exported before any sample.
    assert (value("open"), value("accepted")) == (0.0, 0.0)
    await sample.take()
    assert (value("open"), value("accepted")) == (3.0, 2.0)
    await sample.take()
    # What a sample no longer finds reads 0: the backlog is gone, not stuck at its last value.
    assert (value("open"), value("accepted")) == (1.0, 0.0)
    await sample.take()
    # A failed read leaves the gauges as the last good one did.
    assert (value("open"), value("accepted")) == (1.0, 0.0)
    await sample.take()
    assert (value("open"), value("accepted")) == (0.0, 0.0)


def test_latency_histograms_have_the_slo_bound_and_others_their_own() -> None:
    meter, registry = private_meter()
    latency = histogram("test.request", "Requests", meter=meter)
    latency.record(1.2, {"operation": "createCard"})
    latency.record(0.003, {"operation": "createCard"})

    def bucket(le: str) -> float | None:
        return registry.get_sample_value("test_request_seconds_bucket", {"operation": "createCard", "le": le})

    assert [bucket(str(bound)) for bound in LATENCY_BUCKETS] == [1.0] * 8 + [2.0] * 4
    assert bucket("1.0") == 1.0 and bucket("1.5") == 2.0 and bucket("+Inf") == 2.0
    assert registry.get_sample_value("test_request_seconds_count", {"operation": "createCard"}) == 2.0

    # A timed block is recorded with the labels it filled in, however it ends.
    served = histogram("test.served", "Calls", meter=meter)
    with pytest.raises(LookupError), timed(served, method="Get", code="OK") as labels:
        labels["code"] = "NOT_FOUND"
        raise LookupError("no such thing")
    assert registry.get_sample_value("test_served_seconds_count", {"method": "Get", "code": "NOT_FOUND"}) == 1.0

    decision = histogram("test.decision", "Decisions", buckets=(60.0, 300.0), meter=meter)
    decision.record(120.0)
    assert registry.get_sample_value("test_decision_seconds_bucket", {"le": "60.0"}) == 0.0
    assert registry.get_sample_value("test_decision_seconds_bucket", {"le": "300.0"}) == 1.0
    assert registry.get_sample_value("test_decision_seconds_bucket", {"le": "0.005"}) is None


def test_counters_start_at_zero_for_the_label_sets_known_in_advance() -> None:
    meter, registry = private_meter()
    closed = counter("test.cards.closed", "Cards closed", from_zero=[{"state": "expired"}], meter=meter)
    assert registry.get_sample_value("test_cards_closed_total", {"state": "expired"}) == 0.0
    closed.add(1, {"state": "expired"})
    closed.add(1, {"state": "declined"})
    assert registry.get_sample_value("test_cards_closed_total", {"state": "expired"}) == 1.0
    assert registry.get_sample_value("test_cards_closed_total", {"state": "declined"}) == 1.0


def test_ages_are_never_negative() -> None:
    now = datetime(2030, 3, 1, 12, tzinfo=UTC)
    assert seconds_since(now - timedelta(minutes=2), now) == 120.0
    assert seconds_since(now + timedelta(seconds=5), now) == 0.0
    assert seconds_since(None, now) == 0.0


def test_the_endpoint_serves_the_classic_text_format_at_metrics_alone() -> None:
    server = serve_registry("127.0.0.1", 0)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        # Asked for OpenMetrics (as Prometheus asks), it still answers in the text format 0.0.4.
        scraped = httpx.get(f"{base}/metrics", headers={"Accept": "application/openmetrics-text"}, trust_env=False)
        assert scraped.status_code == 200
        assert scraped.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert "process_resident_memory_bytes" in scraped.text
        assert httpx.get(f"{base}/other", trust_env=False).status_code == 404
    finally:
        server.shutdown()
        server.server_close()
