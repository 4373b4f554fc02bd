"""The bench harness runs end to end on tiny counts, so it never rots (it measures nothing here)."""

from __future__ import annotations

import asyncio

from system_client import System

from bench.money import MONEY_OPERATIONS
from bench.notifications import NOTIFICATION_OPERATIONS
from bench.run import SMOKE, measure_all, summary_json, table
from bench.sql_cost import measure as sql_costs
from bench.support import SUPPORT_OPERATIONS


def test_the_bench_measures_every_operation_beside_the_bare_chain(system: System) -> None:
    report = asyncio.run(measure_all(system.stack, SMOKE))
    names = [figures.name for figures in report.operations]
    assert names == [
        "bare chain",
        "createQuote",
        "checkout",
        "confirmOrder",
        "cancelOrder",
        "order (with timeline)",
        "orders(first: 20)",
        "orderLedger (admin)",
        "createCard (EXTRAS)",
        "respondToCard (DECLINE)",
        *MONEY_OPERATIONS,
        *NOTIFICATION_OPERATIONS,
        *SUPPORT_OPERATIONS,
    ]
    assert all(f.sequential_p50 > 0 and f.concurrent_rps > 0 for f in report.operations)
    assert len(report.timeline_pages) == 2 and all(value > 0 for value in report.timeline_pages.values())
    assert report.event_lag_ms["sequential"]["events"] > 0 and "4 clients" in report.event_lag_ms
    assert all(sum(f.cpu_ms_per_request.values()) > 0 for f in report.operations)
    assert report.operations[2].cpu_ms_per_request["orders"] > 0  # checkout's own service did work
    assert {"orders", "payments", "notify", "gateway"} <= set(report.peak_rss_mb)
    document = summary_json(report)
    assert document["operations"][0]["p50_ratio_to_bare"] == 1.0
    assert "bare chain" in table(report)


def test_the_per_statement_costs_are_measured_for_every_layer(system: System) -> None:
    costs = asyncio.run(sql_costs(system.stack.database_url, transactions=2))
    assert len(costs) == 5 and all(cpu > 0 and wall > 0 for cpu, wall in costs.values())
