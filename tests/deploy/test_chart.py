"""The Helm chart, rendered and linted by Helm itself (its Go library through helm_python).

Each values file in ``charts/callsheet/ci/`` is rendered once; every manifest is checked against
Kubernetes' own schemas (kubernetes_validate, strict: unknown fields fail), then against what the
chart promises: probes, resources, the hardened security context, service accounts, the network
policies of the real call graph (read from the services' adapters), the migration hooks, secrets
only by reference, and values.schema.json refusing keys it does not know.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate  # type: ignore[import-untyped]
import kubernetes_validate.utils  # type: ignore[import-untyped]
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "callsheet"
VARIANTS = sorted(path.stem for path in (CHART / "ci").glob("*.yaml"))
RELEASE = "callsheet"
NAMESPACE = "callsheet"
KUBERNETES = "1.37.0"

SERVICES = ("orders", "cards", "payments", "support", "notify")
PROCESSES = ("gateway", *SERVICES)
GRPC_PORT = 50051
METRICS_PORT = 9464
# Custom resources: their schemas come with their operators, not with Kubernetes.
CUSTOM_KINDS = {
    "ServiceMonitor": "monitoring.coreos.com/v1",
    "PrometheusRule": "monitoring.coreos.com/v1",
    "Cluster": "postgresql.cnpg.io/v1",
    "HTTPRoute": "gateway.networking.k8s.io/v1",
}
# Settings that are secrets: never a value in a manifest, always read from a Secret.
SECRET_SETTINGS = {
    "CALLSHEET_JWT_SECRET",
    "CALLSHEET_FILES_SECRET",
    "STRIPE_API_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "CALLSHEET_SERVICE_KEY",
    "CALLSHEET_SERVICE_KEYS",
    "CALLSHEET_USER_DIRECTORY_TOKEN",
    "CALLSHEET_DATABASE_PASSWORD",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
}
COMPONENT = "app.kubernetes.io/component"

Manifest = dict[str, Any]


def call_graph() -> dict[str, set[str]]:
    """Whom each process calls, as the code says: ``channel("…")`` in each service's adapters."""
    graph: dict[str, set[str]] = {"gateway": set(SERVICES)}
    for service in SERVICES:
        calls: set[str] = set()
        for adapter in (ROOT / "services" / service / "adapters").glob("*.py"):
            calls |= set(re.findall(r"""\.channel\(\s*["'](\w+)["']\s*\)""", adapter.read_text()))
        graph[service] = calls
    return graph


def callers_of(service: str) -> set[str]:
    return {caller for caller, callees in call_graph().items() if service in callees}


def values_of(variant: str) -> dict[str, Any]:
    return helm.values_from_yaml((CHART / "ci" / f"{variant}.yaml").read_text())


def split_manifests(rendered: dict[str, str]) -> list[Manifest]:
    """Every object of the rendered templates, parsed by Helm's own YAML reader."""
    manifests: list[Manifest] = []
    for path, text in sorted(rendered.items()):
        if not path.endswith((".yaml", ".yml")):
            continue
        for document in re.split(r"(?m)^---\s*$", text):
            if document.strip() and not all(line.lstrip().startswith("#") for line in document.strip().splitlines()):
                parsed = helm.values_from_yaml(document)
                if parsed:
                    manifests.append(parsed)
    return manifests


@pytest.fixture(scope="module")
def chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(CHART) as loaded:
        yield loaded


def render(chart: helm.Chart, values: dict[str, Any]) -> list[Manifest]:
    """Renders as an install does (Helm checks the values against values.schema.json first)."""
    return split_manifests(chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True))


@pytest.fixture(scope="module")
def rendered(chart: helm.Chart) -> dict[str, list[Manifest]]:
    """Every ci/ values file, rendered once."""
    return {variant: render(chart, values_of(variant)) for variant in VARIANTS}


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [manifest for manifest in manifests if manifest["kind"] == kind]


def named(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    found = [manifest for manifest in of_kind(manifests, kind) if manifest["metadata"]["name"] == name]
    assert len(found) == 1, f"one {kind} {name}, found {len(found)}"
    return found[0]


def component_of(manifest: Manifest) -> str:
    return str(manifest["metadata"].get("labels", {}).get(COMPONENT, ""))


def by_component(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    """The objects of a kind by the part they belong to; each process has at most one of each kind."""
    found: dict[str, Manifest] = {}
    for manifest in of_kind(manifests, kind):
        component = component_of(manifest)
        assert not (component in PROCESSES and component in found), f"two {kind}s of {component}"
        found.setdefault(component, manifest)
    return found


def test_the_variants_are_there() -> None:
    assert {"default-values", "cloudnativepg-values", "with-observability-values"} <= set(VARIANTS)
    assert {"gateway-api-values", "small-values"} <= set(VARIANTS)


def test_chart_metadata(chart: helm.Chart) -> None:
    metadata = chart.metadata
    assert metadata["apiVersion"] == "v2"
    assert not metadata.get("dependencies"), "no chart dependencies: they cannot be fetched offline"


@pytest.mark.parametrize("variant", VARIANTS)
def test_lint(variant: str) -> None:
    report = helm.lint(CHART, values_of(variant), strict=True, namespace=NAMESPACE, kube_version=f"v{KUBERNETES}")
    problems = [message for message in report["messages"] if message["severity"] >= 2]
    assert not report["errors"] and not problems, report


@pytest.fixture(scope="module")
def kubernetes_errors() -> Iterator[Callable[[Manifest], str | None]]:
    """What Kubernetes' schemas say of a manifest (None: valid); each distinct manifest checked once.

    kubernetes_validate reads its schema files again on every call (the shared definitions alone
    are 1.8 MB), so they are read once here for the whole module.
    """
    verdicts: dict[str, str | None] = {}
    with pytest.MonkeyPatch.context() as patch:
        read_once = functools.lru_cache(maxsize=None)(kubernetes_validate.utils.schema_contents)
        patch.setattr(kubernetes_validate.utils, "schema_contents", read_once)

        def errors(manifest: Manifest) -> str | None:
            key = json.dumps(manifest, sort_keys=True)
            if key not in verdicts:
                try:
                    kubernetes_validate.validate(manifest, KUBERNETES, strict=True)
                    verdicts[key] = None
                except kubernetes_validate.ValidationError as error:
                    verdicts[key] = f"{error.message} at {list(error.absolute_path)}"
            return verdicts[key]

        yield errors


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_manifest_is_valid_kubernetes(
    rendered: dict[str, list[Manifest]], kubernetes_errors: Callable[[Manifest], str | None], variant: str
) -> None:
    manifests = rendered[variant]
    assert manifests
    for manifest in manifests:
        kind = manifest["kind"]
        if kind in CUSTOM_KINDS:
            assert manifest["apiVersion"] == CUSTOM_KINDS[kind]
            continue
        errors = kubernetes_errors(manifest)
        assert errors is None, f"{kind} {manifest['metadata']['name']}: {errors}"


def assert_hardened(pod: Manifest, where: str) -> None:
    spec = pod["spec"]
    assert spec["automountServiceAccountToken"] is False, where
    context = spec["securityContext"]
    assert context["runAsNonRoot"] is True, where
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}, where
    for container in [*spec["containers"], *spec.get("initContainers", [])]:
        inner = container["securityContext"]
        assert inner["runAsNonRoot"] is True, where
        assert inner["readOnlyRootFilesystem"] is True, where
        assert inner["allowPrivilegeEscalation"] is False, where
        assert inner["capabilities"]["drop"] == ["ALL"], where
        assert not inner["capabilities"].get("add"), where
        assert inner["seccompProfile"] == {"type": "RuntimeDefault"}, where
        resources = container["resources"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[bound]), f"{where}: {bound}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_pod_is_hardened(rendered: dict[str, list[Manifest]], variant: str) -> None:
    manifests = rendered[variant]
    accounts = {account["metadata"]["name"]: account for account in of_kind(manifests, "ServiceAccount")}
    for workload in [*of_kind(manifests, "Deployment"), *of_kind(manifests, "Job")]:
        where = f"{workload['kind']} {workload['metadata']['name']}"
        pod = workload["spec"]["template"]
        assert_hardened(pod, where)
        account = accounts.get(pod["spec"]["serviceAccountName"])
        assert account is not None, f"{where} runs as a service account of the chart"
        assert account["automountServiceAccountToken"] is False


@pytest.mark.parametrize("variant", VARIANTS)
def test_services_have_grpc_probes_and_their_own_service_account(
    rendered: dict[str, list[Manifest]], variant: str
) -> None:
    deployments = by_component(rendered[variant], "Deployment")
    accounts = by_component(rendered[variant], "ServiceAccount")
    for service in SERVICES:
        pod = deployments[service]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["args"] == ["python", "-m", f"services.{service}", "serve"]
        for probe in ("livenessProbe", "readinessProbe"):
            assert container[probe]["grpc"]["port"] == GRPC_PORT, f"{service} {probe}"
            assert container[probe]["grpc"].get("service", "") == "", "the server's overall health"
        assert pod["serviceAccountName"] == accounts[service]["metadata"]["name"]
        ports = {port["name"]: port["containerPort"] for port in container["ports"]}
        assert ports == {"grpc": GRPC_PORT, "metrics": METRICS_PORT}


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_gateway_has_http_probes(rendered: dict[str, list[Manifest]], variant: str) -> None:
    pod = by_component(rendered[variant], "Deployment")["gateway"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["python", "-m", "gateway"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": 8080, "metrics": METRICS_PORT}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_process_is_configured_for_the_cluster(rendered: dict[str, list[Manifest]], variant: str) -> None:
    configs = by_component(rendered[variant], "ConfigMap")
    for process in PROCESSES:
        data = configs[process]["data"]
        assert data["CALLSHEET_ENV"] == "production"
        assert data["CALLSHEET_METRICS_PORT"] == str(METRICS_PORT)
        for service in SERVICES:
            assert data[f"CALLSHEET_{service.upper()}_ADDR"] == (
                f"dns:///{RELEASE}-{service}.{NAMESPACE}.svc.cluster.local:{GRPC_PORT}"
            )
        if process == "gateway":
            assert data["GATEWAY_HOST"] == "0.0.0.0"
        else:
            assert data["CALLSHEET_GRPC_LISTEN"] == f"0.0.0.0:{GRPC_PORT}"
    services = {service["metadata"]["name"]: service for service in of_kind(rendered[variant], "Service")}
    for service in SERVICES:
        spec = services[f"{RELEASE}-{service}"]["spec"]
        assert spec["clusterIP"] == "None", "headless: peers balance over every replica"
        assert {port["name"] for port in spec["ports"]} == {"grpc", "metrics"}


def test_defaults_run_two_replicas_with_autoscaling_and_budgets(
    chart: helm.Chart, rendered: dict[str, list[Manifest]]
) -> None:
    defaults = chart.values
    for process in PROCESSES:
        settings = defaults["gateway"] if process == "gateway" else defaults["services"][process]
        assert settings["replicas"] == 2
        assert settings["autoscaling"]["minReplicas"] == 2
    manifests = rendered["default-values"]
    autoscalers = by_component(manifests, "HorizontalPodAutoscaler")
    budgets = by_component(manifests, "PodDisruptionBudget")
    for process in PROCESSES:
        assert autoscalers[process]["apiVersion"] == "autoscaling/v2"
        assert autoscalers[process]["spec"]["scaleTargetRef"]["name"] == f"{RELEASE}-{process}"
        assert budgets[process]["spec"]["maxUnavailable"] == 1


def test_a_small_install_runs_one_replica_of_each(rendered: dict[str, list[Manifest]]) -> None:
    manifests = rendered["small-values"]
    assert not of_kind(manifests, "HorizontalPodAutoscaler")
    deployments = by_component(manifests, "Deployment")
    for process in PROCESSES:
        assert deployments[process]["spec"]["replicas"] == 1


def ingress_rules(policy: Manifest) -> list[dict[str, Any]]:
    return list(policy["spec"].get("ingress") or [])


def egress_rules(policy: Manifest) -> list[dict[str, Any]]:
    return list(policy["spec"].get("egress") or [])


def admits_outside_the_namespace(rule: dict[str, Any]) -> bool:
    """A rule admits other namespaces when it names no source, or names a namespace or addresses."""
    peers = rule.get("from") or []
    return not peers or any("namespaceSelector" in peer or "ipBlock" in peer for peer in peers)


def rule_ports(rule: dict[str, Any]) -> set[int]:
    return {port["port"] for port in rule.get("ports") or []}


def peer_components(rule: dict[str, Any], key: str) -> set[str]:
    components: set[str] = set()
    for peer in rule.get(key) or []:
        assert set(peer) == {"podSelector"}, f"callers and callees are pods of this namespace: {peer}"
        labels = peer["podSelector"]["matchLabels"]
        assert labels["app.kubernetes.io/instance"] == RELEASE
        components.add(labels[COMPONENT])
    return components


@pytest.mark.parametrize("variant", VARIANTS)
def test_network_policies_deny_by_default(rendered: dict[str, list[Manifest]], variant: str) -> None:
    policies = of_kind(rendered[variant], "NetworkPolicy")
    deny = named(policies, "NetworkPolicy", f"{RELEASE}-default-deny")
    assert deny["spec"]["podSelector"] == {}, "it selects every pod"
    assert sorted(deny["spec"]["policyTypes"]) == ["Egress", "Ingress"]
    assert not ingress_rules(deny) and not egress_rules(deny)
    covered = {component_of(policy) for policy in policies}
    assert set(PROCESSES) | {"migrate"} <= covered


@pytest.mark.parametrize("variant", VARIANTS)
def test_only_the_gateway_is_reachable_from_outside(rendered: dict[str, list[Manifest]], variant: str) -> None:
    policies = of_kind(rendered[variant], "NetworkPolicy")
    gateway = by_component(policies, "NetworkPolicy")["gateway"]
    assert any(admits_outside_the_namespace(rule) and 8080 in rule_ports(rule) for rule in ingress_rules(gateway))
    for policy in policies:
        if policy is gateway:
            continue
        for rule in ingress_rules(policy):
            if not admits_outside_the_namespace(rule):
                continue
            where = f"{policy['metadata']['name']} admits {rule}"
            if rule_ports(rule) == {METRICS_PORT}:
                continue  # Prometheus scraping
            # The PostgreSQL operator managing its instances, from its own namespace.
            assert component_of(policy) == "postgresql", where
            assert all(set(peer) == {"namespaceSelector"} for peer in rule["from"]), where


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_service_admits_exactly_its_callers(rendered: dict[str, list[Manifest]], variant: str) -> None:
    policies = by_component(of_kind(rendered[variant], "NetworkPolicy"), "NetworkPolicy")
    graph = call_graph()
    assert graph["orders"] and graph["support"], "the call graph is read from the adapters"
    for service in SERVICES:
        grpc_rules = [rule for rule in ingress_rules(policies[service]) if GRPC_PORT in rule_ports(rule)]
        assert len(grpc_rules) == 1, service
        assert rule_ports(grpc_rules[0]) == {GRPC_PORT}
        assert peer_components(grpc_rules[0], "from") == callers_of(service), service
    for process in PROCESSES:
        called: set[str] = set()
        for rule in egress_rules(policies[process]):
            if GRPC_PORT in rule_ports(rule):
                called |= peer_components(rule, "to")
        assert called == graph[process], process


@pytest.mark.parametrize("variant", VARIANTS)
def test_egress_goes_only_where_each_process_needs(
    chart: helm.Chart, rendered: dict[str, list[Manifest]], variant: str
) -> None:
    values = chart.merge_values(values_of(variant))
    policies = by_component(of_kind(rendered[variant], "NetworkPolicy"), "NetworkPolicy")

    def egress_ports(policy: Manifest) -> set[int]:
        ports: set[int] = set()
        for rule in egress_rules(policy):
            ports |= rule_ports(rule)
        return ports

    for process in PROCESSES:
        ports = egress_ports(policies[process])
        assert 53 in ports, f"{process} resolves names"
        if process == "gateway":
            assert ports <= {53, GRPC_PORT, 4317}, "the gateway reaches only the services (and the collector)"
        else:
            assert {values["postgresql"]["port"], values["nats"]["port"]} <= ports, process
    https = [
        rule
        for rule in egress_rules(policies["payments"])
        if rule_ports(rule) == {443} and any("ipBlock" in peer for peer in rule.get("to") or [])
    ]
    assert https, "payments reaches Stripe"
    assert egress_ports(policies["migrate"]) == {53, values["postgresql"]["port"]}


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_service_migrates_as_its_own_role_before_install_and_upgrade(
    chart: helm.Chart, rendered: dict[str, list[Manifest]], variant: str
) -> None:
    values = chart.merge_values(values_of(variant))
    jobs = {job["metadata"]["labels"]["callsheet.io/service"]: job for job in of_kind(rendered[variant], "Job")}
    assert set(jobs) == set(SERVICES)
    secrets_used = set()
    for service, job in jobs.items():
        annotations = job["metadata"]["annotations"]
        assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert "hook-succeeded" in annotations["helm.sh/hook-delete-policy"]
        (container,) = job["spec"]["template"]["spec"]["containers"]
        assert container["args"] == ["python", "-m", f"services.{service}", "migrate"]
        env = {entry["name"]: entry for entry in container["env"]}
        database = values["services"][service]["database"]
        credential = "CALLSHEET_DATABASE_PASSWORD" if "CALLSHEET_DATABASE_PASSWORD" in env else "CALLSHEET_DATABASE_URL"
        assert env[credential]["valueFrom"]["secretKeyRef"]["name"] == database["existingSecret"]
        secrets_used.add(database["existingSecret"])
        account = job["spec"]["template"]["spec"]["serviceAccountName"]
        hook_account = named(rendered[variant], "ServiceAccount", account)
        assert hook_account["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert int(hook_account["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
            annotations["helm.sh/hook-weight"]
        ), "the Jobs' service account exists before them"
    assert len(secrets_used) == len(SERVICES), "one database role per service"


def default_strings(value: Any) -> set[str]:
    """Every non-empty string among the values."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        found: set[str] = set()
        for item in value:
            found |= default_strings(item)
        return found
    return {value} if isinstance(value, str) and value else set()


@pytest.mark.parametrize("variant", VARIANTS)
def test_secrets_are_referenced_never_inlined(
    chart: helm.Chart, rendered: dict[str, list[Manifest]], variant: str
) -> None:
    manifests = rendered[variant]
    defaults = default_strings(chart.values)
    for secret in of_kind(manifests, "Secret"):
        for key, encoded in (secret.get("data") or {}).items():
            assert base64.b64decode(encoded).decode(errors="replace") not in defaults, f"{secret} inlines {key}"
        for key, plain in (secret.get("stringData") or {}).items():
            assert plain not in defaults, f"{secret} inlines {key}"
    for config in of_kind(manifests, "ConfigMap"):
        assert not SECRET_SETTINGS & set(config.get("data") or {}), config["metadata"]["name"]
    for workload in [*of_kind(manifests, "Deployment"), *of_kind(manifests, "Job")]:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for entry in container.get("env") or []:
                name = entry["name"]
                if name in SECRET_SETTINGS:
                    assert "secretKeyRef" in entry.get("valueFrom", {}), f"{workload['metadata']['name']}: {name}"
                if name == "CALLSHEET_DATABASE_URL" and "value" in entry:
                    assert "$(CALLSHEET_DATABASE_PASSWORD)" in entry["value"], "the password comes from a Secret"
                    assert entry["value"].startswith("postgresql://$(CALLSHEET_DATABASE_USER):")
    service_keys = chart.values["secrets"]["serviceKeys"]["existingSecret"]
    deployments = by_component(manifests, "Deployment")
    for process in PROCESSES:
        (container,) = deployments[process]["spec"]["template"]["spec"]["containers"]
        key = next(entry for entry in container["env"] if entry["name"] == "CALLSHEET_SERVICE_KEY")
        assert key["valueFrom"]["secretKeyRef"] == {"name": service_keys, "key": f"{process}.key"}


@pytest.mark.parametrize(
    "values",
    [
        {"replicaCount": 3},
        {"gateway": {"replicaCount": 3}},
        {"services": {"orders": {"database": {"password": "hunter2"}}}},
        {"networkPolicy": {"externalHttps": {"cidrs": ["0.0.0.0/0"]}}},
        {"observability": {"jaeger": {"storage": "badger"}}},
    ],
    ids=["top-level", "gateway", "nested-database", "nested-network", "nested-observability"],
)
def test_unknown_values_are_refused(chart: helm.Chart, values: dict[str, Any]) -> None:
    merged = helm.values_from_yaml((CHART / "ci" / "default-values.yaml").read_text())
    merged = json.loads(json.dumps(merged))
    deep_merge(merged, values)
    with pytest.raises(helm.HelmValuesError, match=r"additional propert(y|ies) '.+' not allowed"):
        render(chart, merged)
    report = helm.lint(CHART, merged, namespace=NAMESPACE)
    assert report["errors"] or any(message["severity"] == 3 for message in report["messages"])


def deep_merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value


def test_the_schema_closes_every_object() -> None:
    """additionalProperties is false on every object of ours; only maps of free names take strings."""
    schema = json.loads((CHART / "values.schema.json").read_text())

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and where != "properties.global":
                assert "additionalProperties" in node, where
                extra = node["additionalProperties"]
                assert extra is False or extra == {"type": "string"}, where
            for key, child in node.items():
                walk(child, f"{where}.{key}" if where else key)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{where}[{index}]")

    walk(schema, "")
    assert schema["additionalProperties"] is False


def test_the_gateway_is_exposed_by_ingress_or_route(rendered: dict[str, list[Manifest]]) -> None:
    default = rendered["default-values"]
    (ingress,) = of_kind(default, "Ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == f"{RELEASE}-gateway"
    assert not of_kind(default, "HTTPRoute")
    routed = rendered["gateway-api-values"]
    assert not of_kind(routed, "Ingress")
    (route,) = of_kind(routed, "HTTPRoute")
    assert route["spec"]["rules"][0]["backendRefs"] == [{"name": f"{RELEASE}-gateway", "port": 8080}]


def test_observability_wires_traces_metrics_alerts_and_dashboards(rendered: dict[str, list[Manifest]]) -> None:
    manifests = rendered["with-observability-values"]
    collector = named(manifests, "Service", f"{RELEASE}-otel-collector")
    assert {port["port"] for port in collector["spec"]["ports"]} == {4317, 4318}
    configs = by_component(manifests, "ConfigMap")
    for process in PROCESSES:
        data = configs[process]["data"]
        assert data["CALLSHEET_TRACES_EXPORTER"] == "otlp"
        assert data["OTEL_EXPORTER_OTLP_ENDPOINT"] == f"http://{RELEASE}-otel-collector:4317"
    pipeline = helm.values_from_yaml(configs["otel-collector"]["data"]["config.yaml"])
    assert set(pipeline["receivers"]["otlp"]["protocols"]) == {"grpc", "http"}
    assert "batch" in pipeline["service"]["pipelines"]["traces"]["processors"]
    assert pipeline["exporters"]["otlp"]["endpoint"] == f"{RELEASE}-jaeger:4317"
    jaeger = by_component(manifests, "Deployment")["jaeger"]
    assert jaeger["spec"]["template"]["spec"]["containers"][0]["image"].startswith("jaegertracing/all-in-one:")
    (monitor,) = of_kind(manifests, "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert monitor["spec"]["jobLabel"] == COMPONENT, "job is the process's name"
    alerts = CHART / "files" / "alerts.yaml"
    assert len(of_kind(manifests, "PrometheusRule")) == (1 if alerts.exists() else 0)
    dashboards = sorted((CHART / "files" / "dashboards").glob("*.json"))
    found = [
        config for config in of_kind(manifests, "ConfigMap") if "grafana_dashboard" in config["metadata"]["labels"]
    ]
    assert len(found) == len(dashboards)
    for config in found:
        assert config["metadata"]["labels"]["grafana_dashboard"] == "1"
        (text,) = config["data"].values()
        json.loads(text)
    for variant in ("default-values", "small-values"):
        assert not of_kind(rendered[variant], "ServiceMonitor")


def test_rules_and_dashboards_render_nothing_while_their_files_are_absent(tmp_path: Path) -> None:
    bare = tmp_path / "callsheet"
    shutil.copytree(CHART, bare, ignore=shutil.ignore_patterns("files"))
    with helm.Chart.load(bare) as chart:
        manifests = render(chart, values_of("with-observability-values"))
    assert not of_kind(manifests, "PrometheusRule")
    assert not [
        config for config in of_kind(manifests, "ConfigMap") if "grafana_dashboard" in config["metadata"]["labels"]
    ]
    assert of_kind(manifests, "ServiceMonitor"), "the monitor needs no files"


def test_cloudnativepg_makes_the_cluster_and_a_role_per_service(rendered: dict[str, list[Manifest]]) -> None:
    manifests = rendered["cloudnativepg-values"]
    (cluster,) = of_kind(manifests, "Cluster")
    assert cluster["metadata"]["annotations"]["helm.sh/hook"] == "pre-install"
    assert int(cluster["metadata"]["annotations"]["helm.sh/hook-weight"]) < 0, "before the migrations"
    roles = {role["name"]: role for role in cluster["spec"]["managed"]["roles"]}
    assert set(roles) == {f"callsheet_{service}" for service in SERVICES}
    assert len({role["passwordSecret"]["name"] for role in roles.values()}) == len(SERVICES)
    for variant in VARIANTS:
        if variant != "cloudnativepg-values":
            assert not of_kind(rendered[variant], "Cluster")
