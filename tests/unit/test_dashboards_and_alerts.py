"""The Grafana dashboards, the Prometheus rules and the runbooks hold together.

Every dashboard is a Grafana JSON model with a stable uid; every alert says how bad it is and
links a runbook heading that exists; every runbook is reached from an alert; and every query uses
only the metrics the observability spec names (observability/metrics.md and
observability/dashboards/orders.md) or a recording rule of the rules file. Whether the services
really export those names is checked against a live scrape elsewhere.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]

from tools.promql import metric_names

REPO = Path(__file__).resolve().parents[2]
DASHBOARDS = REPO / "charts" / "callsheet" / "files" / "dashboards"
RULES = REPO / "charts" / "callsheet" / "files" / "alerts.yaml"
RUNBOOKS = REPO / "ops" / "runbooks"
SPECS = [REPO / "observability" / "metrics.md", REPO / "observability" / "dashboards" / "orders.md"]
DASHBOARD_FILES = sorted(DASHBOARDS.glob("*.json"))
DOCS_WITH_LINKS = sorted(RUNBOOKS.glob("*.md")) + sorted((REPO / "observability").rglob("*.md"))

REQUIRED_ALERTS = {
    "CardsStuck",
    "CardsStuckMany",
    "CardExpiryBacklog",
    "OutboxLag",
    "ConsumerLag",
    "SagaStuck",
    "SagaSweeperBehind",
    "Gateway5xx",
    "Gateway5xxSlow",
    "CardsSLOFastBurn",
    "CardsSLOSlowBurn",
    "SupportSLABreaches",
    "SupportSLABreachesMany",
    "NotificationDeadLetters",
    "PaymentsDisputesOpen",
}
REQUIRED_DASHBOARDS = {"orders-cards", "payments", "support-sla", "notifications", "platform"}
SEVERITIES = {"page", "ticket"}
HISTOGRAM_SERIES = ("_bucket", "_count", "_sum")
DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")


# --- reading the files ---------------------------------------------------------------------------


@cache
def rules_file() -> dict[str, Any]:
    loaded = yaml.safe_load(RULES.read_text())
    assert isinstance(loaded, dict), "the rules file is a mapping with groups"
    return loaded


def rules() -> list[dict[str, Any]]:
    return [rule for group in rules_file()["groups"] for rule in group["rules"]]


def alerts() -> list[dict[str, Any]]:
    return [rule for rule in rules() if "alert" in rule]


def recorded() -> set[str]:
    return {rule["record"] for rule in rules() if "record" in rule}


@cache
def dashboard(path: Path) -> dict[str, Any]:
    loaded = json.loads(path.read_text())
    assert isinstance(loaded, dict)
    return loaded


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every panel, the rows and the panels folded inside collapsed rows included."""
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def queries(board: dict[str, Any]) -> Iterator[str]:
    """Every PromQL expression of a dashboard: its panels' targets."""
    for panel in panels(board["panels"]):
        for target in panel.get("targets", []):
            yield target["expr"]


def variable_metrics(board: dict[str, Any]) -> Iterator[str]:
    """The metrics the template variables read (``label_values(metric, label)``)."""
    for variable in board.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
        found = re.fullmatch(r"\s*label_values\(\s*(?P<series>[^,()]+?)\s*,\s*\w+\s*\)\s*", query)
        assert found, f"{variable['name']}: only label_values(metric, label) queries are expected, got {query!r}"
        yield from metric_names(found["series"])


@cache
def spec_metrics() -> frozenset[str]:
    """The names the spec declares: backticked `callsheet_…` and `process_…` names."""
    names: set[str] = set()
    for spec in SPECS:
        for span in re.findall(r"`([^`\n]+)`", spec.read_text()):
            if re.fullmatch(r"(callsheet|process)_[a-z0-9_]+", span):
                names.add(span)
    return frozenset(names)


@cache
def spec_histograms() -> frozenset[str]:
    """The names the spec's metric tables type as histograms: they exist as `_bucket`, `_count`, `_sum`."""
    names: set[str] = set()
    for spec in SPECS:
        names |= set(re.findall(r"^\| `(\w+)` \| histogram \|", spec.read_text(), flags=re.MULTILINE))
    return frozenset(names)


def known(name: str) -> bool:
    """A series the spec names: a metric, a histogram's series, or a recording rule."""
    if name in recorded() or (name in spec_metrics() and name not in spec_histograms()):
        return True
    return any(name.endswith(suffix) and name[: -len(suffix)] in spec_histograms() for suffix in HISTOGRAM_SERIES)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text lower-cased, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").replace("*", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors of a Markdown file's headings (fenced code skipped, repeats numbered)."""
    seen: Counter[str] = Counter()
    found: set[str] = set()
    fenced = False
    for line in path.read_text().splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        heading = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            base = slug(heading.group(1))
            found.add(base if not seen[base] else f"{base}-{seen[base]}")
            seen[base] += 1
    return frozenset(found)


def runbook_of(alert: dict[str, Any]) -> tuple[Path, str]:
    url = alert["annotations"]["runbook_url"]
    path, _, anchor = url.partition("#")
    return REPO / path, anchor


# --- the rules file ------------------------------------------------------------------------------


def test_the_rules_file_is_groups_of_rules() -> None:
    groups = rules_file()["groups"]
    assert isinstance(groups, list) and groups
    names = [group["name"] for group in groups]
    assert len(names) == len(set(names)), "group names are unique"
    for group in groups:
        assert set(group) <= {"name", "interval", "rules", "limit"}, group["name"]
        assert isinstance(group["rules"], list) and group["rules"], group["name"]
        if "interval" in group:
            assert DURATION.match(group["interval"]), group["name"]
        for rule in group["rules"]:
            assert ("alert" in rule) != ("record" in rule), f"{group['name']}: a rule either records or alerts"
            assert isinstance(rule.get("expr"), str) and rule["expr"].strip(), rule
            if "record" in rule:
                assert set(rule) <= {"record", "expr", "labels"}, rule["record"]
                assert re.fullmatch(r"[a-zA-Z_:][\w:]*", rule["record"]), rule["record"]
            else:
                assert set(rule) <= {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}, rule["alert"]
                assert DURATION.match(str(rule.get("for", "0m"))), rule["alert"]
    recorded_names = [rule["record"] for rule in rules() if "record" in rule]
    assert len(recorded_names) == len(set(recorded_names)), "each series is recorded once"


def test_the_rules_file_has_no_helm_templating() -> None:
    # Prometheus' own templates ({{ $labels.x }}, {{ $value }}) are fine; Helm's ({{ .Values }}) are not.
    for found in re.finditer(r"\{\{-?\s*(.*?)\s*-?\}\}", RULES.read_text()):
        assert found.group(1).startswith("$"), f"not a Prometheus template: {found.group(0)}"


def test_the_slo_is_recorded_for_every_window() -> None:
    assert {f"slo:cards_bad:ratio_rate{window}" for window in ("5m", "30m", "1h", "6h", "30d")} <= recorded()


def test_every_required_alert_is_defined() -> None:
    assert {alert["alert"] for alert in alerts()} >= REQUIRED_ALERTS


@pytest.mark.parametrize("alert", alerts(), ids=lambda alert: f"{alert['alert']}-{alert['labels']['severity']}")
def test_an_alert_has_severity_summary_and_runbook(alert: dict[str, Any]) -> None:
    assert alert["labels"]["severity"] in SEVERITIES
    annotations = alert["annotations"]
    for key in ("summary", "description", "runbook_url"):
        assert isinstance(annotations.get(key), str) and annotations[key].strip(), key
    url = annotations["runbook_url"]
    assert re.fullmatch(r"ops/runbooks/[\w./-]+\.md#[\w-]+", url), f"a repository path with an anchor: {url}"
    path, anchor = runbook_of(alert)
    assert path.is_file(), f"{url}: no such runbook"
    assert anchor in anchors(path), f"{url}: no heading with that anchor in {path.name}"


def test_an_alert_name_and_severity_appear_once() -> None:
    pairs = Counter((alert["alert"], alert["labels"]["severity"]) for alert in alerts())
    assert [pair for pair, count in pairs.items() if count > 1] == []


def test_every_runbook_is_linked_from_an_alert() -> None:
    linked = {runbook_of(alert)[0].resolve() for alert in alerts()}
    runbooks = {path.resolve() for path in RUNBOOKS.rglob("*.md")}
    assert runbooks, "there are runbooks"
    assert sorted(str(path.relative_to(REPO)) for path in runbooks - linked) == []


@pytest.mark.parametrize("rule", rules(), ids=lambda rule: rule.get("alert") or rule.get("record"))
def test_a_rule_uses_only_specified_metrics(rule: dict[str, Any]) -> None:
    names = metric_names(rule["expr"])
    assert names, "the expression selects some series"
    assert sorted(name for name in names if not known(name)) == []


# --- the dashboards ------------------------------------------------------------------------------


def test_every_dashboard_is_there() -> None:
    assert {path.stem for path in DASHBOARD_FILES} >= REQUIRED_DASHBOARDS


def test_dashboard_uids_and_titles_are_unique() -> None:
    uids = [dashboard(path)["uid"] for path in DASHBOARD_FILES]
    titles = [dashboard(path)["title"] for path in DASHBOARD_FILES]
    assert len(uids) == len(set(uids))
    assert len(titles) == len(set(titles))


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda path: path.stem)
def test_a_dashboard_is_a_grafana_model(path: Path) -> None:
    board = dashboard(path)
    assert isinstance(board.get("uid"), str) and re.fullmatch(r"[\w-]{1,40}", board["uid"])
    assert isinstance(board.get("title"), str) and board["title"].strip()
    assert board.get("schemaVersion", 0) >= 39
    variables = {variable["name"]: variable for variable in board["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    ids = [panel["id"] for panel in panels(board["panels"])]
    assert all(isinstance(panel_id, int) for panel_id in ids)
    assert [panel_id for panel_id, count in Counter(ids).items() if count > 1] == [], "panel ids are unique"


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda path: path.stem)
def test_a_dashboard_panel_queries_prometheus(path: Path) -> None:
    board = dashboard(path)
    shown = [panel for panel in panels(board["panels"]) if panel["type"] != "row"]
    assert shown, "the dashboard shows something"
    for panel in shown:
        where = f"{path.stem}: {panel['title']}"
        assert panel["type"] in {"timeseries", "stat"}, where
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, where
        position = panel["gridPos"]
        assert position["x"] + position["w"] <= 24 and position["h"] > 0, where
        assert panel["targets"], where
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), where
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}", where
            assert isinstance(target.get("expr"), str) and target["expr"].strip(), where
            assert target["expr"].count("(") == target["expr"].count(")"), where


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda path: path.stem)
def test_a_dashboard_uses_only_specified_metrics(path: Path) -> None:
    board = dashboard(path)
    used: set[str] = set(variable_metrics(board))
    for expr in queries(board):
        names = metric_names(expr)
        assert names, f"{path.stem}: {expr} selects no series"
        used |= names
    assert sorted(name for name in used if not known(name)) == []


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda path: path.stem)
def test_a_dashboard_uses_only_variables_it_defines(path: Path) -> None:
    board = dashboard(path)
    defined = {variable["name"] for variable in board["templating"]["list"]}
    for expr in queries(board):
        for name in re.findall(r"\$\{?(\w+)\}?", expr):
            assert name in defined or name.startswith("__"), f"{path.stem}: ${name} in {expr}"


# --- the documents -------------------------------------------------------------------------------


def test_the_spec_names_the_metrics() -> None:
    # The parse of the spec itself: if it found nothing, every query above would look unknown.
    assert {"callsheet_gateway_request_seconds", "callsheet_rpc_server_seconds", "process_open_fds"} <= spec_metrics()
    assert {"callsheet_gateway_request_seconds", "callsheet_rpc_server_seconds", "callsheet_consumer_lag_seconds"} <= (
        spec_histograms()
    )


def test_the_orders_spec_alerts_are_the_rules() -> None:
    spec = (REPO / "observability" / "dashboards" / "orders.md").read_text()
    table = spec[spec.index("## Alerts") :]
    named = set(re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE))
    assert named, "the spec's alert table lists alerts"
    assert named <= {alert["alert"] for alert in alerts()}
    assert "none yet" not in table


@pytest.mark.parametrize("path", DOCS_WITH_LINKS, ids=lambda path: str(path.relative_to(REPO)))
def test_links_between_runbooks_and_specs_resolve(path: Path) -> None:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.DOTALL)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{target}: no such file"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{target}: no such heading"
