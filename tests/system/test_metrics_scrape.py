"""Every metric the catalogue, the dashboards and the alerts name is exported by some process of the
running system, and the gateway's histogram labels requests the way the SLO rules read them.

The names are read from ``observability/metrics.md`` and ``observability/dashboards/orders.md``,
and from every expression of the chart's dashboards (``charts/callsheet/files/dashboards/*.json``,
each ``expr``) and alerts (``charts/callsheet/files/alerts.yaml``, each rule's ``expr``), as far as
those files exist. A histogram's ``_bucket``, ``_sum`` and ``_count`` name the histogram; names a
``record:`` rule defines are Prometheus's own, and so are the series it makes about every scrape.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml  # type: ignore[import-untyped]
from prometheus_client.parser import text_string_to_metric_families
from saga_tools import BUYER, PROVIDER, key, refunds_of_order, wait_for
from system_client import CANCEL, GraphQLError, System
from test_cards import EXTRAS, confirmed, create, respond

from devstack.stack import ROOT
from tools.promql import metric_names

CATALOGUES = (ROOT / "observability" / "metrics.md", ROOT / "observability" / "dashboards" / "orders.md")
CHART_FILES = ROOT / "charts" / "callsheet" / "files"
DASHBOARDS = CHART_FILES / "dashboards"
ALERTS = CHART_FILES / "alerts.yaml"

# A metric name in prose: ``callsheet_…`` or ``process_…``, not a path (``callsheet_kit/…``).
_PROSE_NAME = re.compile(r"\b(?:callsheet|process)_[a-z0-9_]+\b(?![/.])")
_HISTOGRAM_PARTS = ("_bucket", "_sum", "_count")
# Series Prometheus makes itself, about its targets and its alerts: no process exports them.
PROMETHEUS_OWN = frozenset(
    {
        "up",
        "scrape_duration_seconds",
        "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling",
        "scrape_series_added",
        "ALERTS",
        "ALERTS_FOR_STATE",
    }
)


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every mapping inside a parsed JSON or YAML document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def required_names() -> dict[str, set[str]]:
    """Every metric name that must be exported, with where it was found."""
    found: dict[str, set[str]] = {}

    def need(name: str, where: Path) -> None:
        found.setdefault(name, set()).add(str(where.relative_to(ROOT)))

    for catalogue in CATALOGUES:
        for name in _PROSE_NAME.findall(catalogue.read_text()):
            need(name, catalogue)
    recorded: set[str] = set()
    expressions: list[tuple[str, Path]] = []
    for dashboard in sorted(DASHBOARDS.glob("*.json")) if DASHBOARDS.is_dir() else []:
        for node in _walk(json.loads(dashboard.read_text())):
            if isinstance(node.get("expr"), str):
                expressions.append((node["expr"], dashboard))
    if ALERTS.is_file():
        for node in _walk(yaml.safe_load(ALERTS.read_text())):
            if isinstance(node.get("record"), str):
                recorded.add(node["record"])
            if isinstance(node.get("expr"), str):
                expressions.append((node["expr"], ALERTS))
    for expression, where in expressions:
        for name in metric_names(expression) - recorded - PROMETHEUS_OWN:
            need(name, where)
    return found


def exported_name(name: str) -> str:
    """The name a process exports for ``name``: a histogram's parts are the histogram."""
    for part in _HISTOGRAM_PARTS:
        if name.endswith(part):
            return name[: -len(part)]
    return name


def scrape(system: System) -> dict[str, set[str]]:
    """The metric names each process exports now (families and samples), by process."""
    exported: dict[str, set[str]] = {}
    for process, url in system.stack.metrics_urls.items():
        response = httpx.get(url, timeout=10, trust_env=False)
        assert response.status_code == 200, f"{process} answered {response.status_code} at {url}"
        names: set[str] = set()
        for family in text_string_to_metric_families(response.text):
            names.add(family.name)
            names.update(sample.name for sample in family.samples)
        exported[process] = names
    return exported


def sample_value(system: System, process: str, name: str, labels: dict[str, str]) -> float:
    """The value of one sample of one process (0 when it is not there)."""
    response = httpx.get(system.stack.metrics_urls[process], timeout=10, trust_env=False)
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def some_traffic(system: System) -> str:
    """Books, opens and answers cards, refuses one, cancels a booking with its refund; returns the refunded order."""
    order_id = confirmed(system)
    declined = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    respond(system, BUYER, declined, "DECLINE")
    accepted = create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    with pytest.raises(GraphQLError):
        create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    respond(system, BUYER, accepted, "ACCEPT")
    assert system.rest(BUYER, "GET", f"/v1/orders/{order_id}").status_code == 200

    cancelled = confirmed(system)
    system.gql(BUYER, CANCEL, {"i": {"orderId": cancelled, "expectedVersion": 2, "idempotencyKey": key()}})
    wait_for(lambda: refunds_of_order(system, cancelled), bool, what="the cancellation's refund")
    return cancelled


def test_every_metric_the_catalogue_dashboards_and_alerts_name_is_exported(system: System) -> None:
    some_traffic(system)
    required = required_names()
    assert "callsheet_gateway_request_seconds" in {exported_name(name) for name in required}

    # Histograms and counters of events still in flight (event lag, refunds) appear within seconds.
    deadline = time.monotonic() + 60
    while True:
        exported = scrape(system)
        everywhere = set().union(*exported.values())
        missing = {
            name: sorted(where)
            for name, where in sorted(required.items())
            if name not in everywhere and exported_name(name) not in everywhere
        }
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    assert not missing, "metrics named but exported by no process:\n" + "\n".join(
        f"  {name} (named in {', '.join(where)})" for name, where in missing.items()
    )
    for process, names in exported.items():
        assert "process_resident_memory_bytes" in names, f"{process} exports no process metrics"
    services = [process for process in exported if process != "gateway"]
    assert all("callsheet_rpc_server_seconds" in exported[process] for process in services)


def test_the_gateway_labels_requests_by_face_operation_and_contract_code(system: System) -> None:
    histogram = "callsheet_gateway_request_seconds_count"
    created = {"face": "graphql", "operation": "createCard", "code": "OK"}
    refused = {"face": "graphql", "operation": "createCard", "code": "FAILED_PRECONDITION"}
    rest = {"face": "rest", "operation": "order", "code": "OK"}
    served = {"method": "/callsheet.cards.v1.CardsService/CreateCard", "code": "FAILED_PRECONDITION"}
    opened = {"type": "extras"}

    def counts() -> tuple[float, ...]:
        return (
            sample_value(system, "gateway", histogram, created),
            sample_value(system, "gateway", histogram, refused),
            sample_value(system, "gateway", histogram, rest),
            sample_value(system, "cards", "callsheet_rpc_server_seconds_count", served),
            sample_value(system, "cards", "callsheet_cards_created_total", opened),
        )

    order_id = confirmed(system)
    before = counts()
    create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    # A GraphQL error is answered with a 200, and counted under its code.
    with pytest.raises(GraphQLError) as second:
        create(system, PROVIDER, order_id, "EXTRAS", EXTRAS)
    assert second.value.code == "FAILED_PRECONDITION"
    assert system.rest(BUYER, "GET", f"/v1/orders/{order_id}").status_code == 200
    # Each request once at the gateway, the refusal under its gRPC code in cards too, and one card opened.
    expected = tuple(count + 1 for count in before)
    # Recorded once the response is out, so a moment after the client has it.
    wait_for(counts, lambda now: now == expected, timeout=5, what="the requests and the card counted")
    # The SLO's bound is a bucket of its own.
    bucket = {**created, "le": "1.5"}
    assert sample_value(system, "gateway", "callsheet_gateway_request_seconds_bucket", bucket) >= 1.0
