"""Data tables: the facts rules check against, loaded from ``schemas/``.

Every table is JSON with its source URL and as-of date, validated against its
JSON Schema by the test suite. Rules never hard-code these facts; the
configuration file can override them (``data:`` section).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from . import lazy

_HERE = Path(__file__).resolve().parent


def schemas_dir() -> Path:
    """The installed copy (wheel) or the repository's top-level ``schemas/``."""
    installed = _HERE / "schemas"
    return installed if installed.is_dir() else _HERE.parent / "schemas"


def load_table(name: str) -> dict:
    with open(schemas_dir() / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


_VERSION = lazy.pattern(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def parse_version(text) -> tuple[int, int, int] | None:
    """`v1.16.0-eksbuild.1` -> (1, 16, 0); None when there is no version."""
    from .safe import scalar_text

    m = _VERSION.match((scalar_text(text) or "").strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


class Data:
    """All tables, with configuration overrides applied."""

    def __init__(self, overrides: dict | None = None):
        self.overrides = overrides or {}

    # -- raw tables ---------------------------------------------------------
    @cached_property
    def eks(self) -> dict:
        return load_table("eks")

    @cached_property
    def labels(self) -> dict:
        return load_table("labels")

    @cached_property
    def cni(self) -> dict:
        return load_table("cni")

    @cached_property
    def storage(self) -> dict:
        return load_table("storage")

    @cached_property
    def workloads(self) -> dict:
        """Node agents, storage managers, IMDS, system node labels, job conventions."""
        return load_table("workloads")

    @cached_property
    def training_kinds(self) -> frozenset:
        """(API group, kind) of every distributed training job kind."""
        return frozenset((e["group"], kind) for e in self.workloads["training_kinds"]["entries"] for kind in e["kinds"])

    @cached_property
    def helm_chart(self) -> dict:
        return load_table("helm-chart")

    @cached_property
    def subnets(self) -> dict:
        return load_table("subnets")

    @cached_property
    def node_pools(self) -> dict:
        """NodePool requirement keys (family, category), HyperPod's node class, the words that name HyperPod."""
        return load_table("node-pools")

    @cached_property
    def hyperpod_cluster(self) -> dict:
        return load_table("hyperpod-cluster")

    @cached_property
    def addons(self) -> dict:
        """EKS add-ons of HyperPod features and the components they need."""
        return load_table("addons")

    @cached_property
    def scheduling(self) -> dict:
        """Task governance, topology-aware scheduling, GPU partitions, Karpenter autoscaling."""
        return load_table("scheduling")

    @cached_property
    def api_shapes(self) -> dict:
        """The SageMaker API shapes of the cluster operations (generated from botocore's
        model; loaded only by the rules that check API values)."""
        return load_table("api-shapes")

    @cached_property
    def api_shape_map(self) -> dict[str, dict]:
        """Shape name -> shape of `schemas/api-shapes.json` (under `shapes`, or beside
        `operations` at the top level: both layouts of the generated table are read)."""
        table = self.api_shapes
        shapes = table.get("shapes")
        if isinstance(shapes, dict):
            return shapes
        return {k: v for k, v in table.items() if isinstance(v, dict) and "type" in v}

    @cached_property
    def components(self) -> dict[str, dict]:
        """Components by id (`schemas/addons.json`)."""
        return {e["id"]: e for e in self.addons["components"]["entries"]}

    @cached_property
    def addon_components(self) -> dict[str, str]:
        """EKS add-on name -> the id of the component it installs."""
        return {name: e["id"] for e in self.addons["components"]["entries"] for name in e.get("addons", ())}

    @cached_property
    def component_index(self) -> dict[str, dict[str, str]]:
        """Component ids by workload name, image repository (`org/name`), CSI driver name and CRD group."""
        index: dict[str, dict[str, str]] = {key: {} for key in ("workloads", "images", "csi_drivers", "crd_groups")}
        for e in self.addons["components"]["entries"]:
            for key, table in index.items():
                for name in e.get(key, ()):
                    table.setdefault(name, e["id"])
        return index

    @cached_property
    def hyperpod_addons(self) -> frozenset[str]:
        """Names of the EKS add-ons that are HyperPod features (a cluster installing one runs HyperPod)."""
        return frozenset(e["addon"] for e in self.addons["addons"]["entries"] if e["hyperpod_feature"])

    def addon_entries(self, rule_id: str) -> list[dict]:
        """The HyperPod add-ons (`schemas/addons.json`) rule ``rule_id`` checks."""
        return [e for e in self.addons["addons"]["entries"] if e["rule"] == rule_id]

    @cached_property
    def cluster_api(self) -> dict:
        """CreateCluster enums, patterns and limits (generated from the SageMaker API model)."""
        return load_table("cluster-api")

    @cached_property
    def instance_table(self) -> dict:
        """`schemas/instance-types.json` as shipped (entries, rejected types, sources, dates)."""
        return load_table("instance-types")

    @cached_property
    def instance_types(self) -> dict[str, dict]:
        table = {e["type"]: e for e in self.instance_table["entries"]}
        for extra in self.overrides.get("instance_types", []):
            entry = dict(table.get(extra["type"], {}))
            entry.update({"class": "cpu", "arch": "x86_64", "efa": False, "chart": {}} if not entry else {})
            entry.update(extra)
            entry.setdefault("max_pods_basis", "configuration")
            entry["in_api_enum"] = True  # the configuration names it: the user knows their API accepts it
            table[extra["type"]] = entry
        return table

    # -- where a fact comes from (for messages) -------------------------------
    def provenance(self, table: str, section: str | None, override: str | None) -> str:
        """How a finding names the data it used: the table and its as-of date, and the
        configuration key that overrides it (as written in the file: `data.kubernetes-versions`),
        or that the configuration supplied the value."""
        key = override.replace("_", "-") if override else None
        if override and override in self.overrides:
            return f"per data.{key} in the configuration"
        doc = self.instance_table if table == "instance-types" else getattr(self, table.replace("-", "_"))
        part = doc.get(section) if section else None
        date = (part.get("as_of") if isinstance(part, dict) else None) or doc.get("as_of")
        if not key:
            return f"data: {table}.json as of {date}"
        return f"data: {table}.json as of {date}; override with data.{key} in the configuration"

    @cached_property
    def api_enum_as_of(self) -> str:
        """The date of the API's instance-type enum the table was generated from."""
        table = self.instance_table
        return str(table.get("api_enum_as_of") or table.get("as_of"))

    def rejected_type(self, name) -> dict | None:
        """A type some AWS material names but the API does not accept (with the note why)."""
        if not isinstance(name, str):
            return None
        return next((e for e in self.instance_table.get("rejected", ()) if e["type"] == name), None)

    @cached_property
    def deep_health_check_types(self) -> list[str]:
        return list(self.cluster_api["deep_health_checks"]["values"])

    # -- derived facts ------------------------------------------------------
    @cached_property
    def kubernetes_versions(self) -> list[str]:
        return [str(v) for v in self.overrides.get("kubernetes_versions", self.eks["kubernetes_versions"]["supported"])]

    @cached_property
    def vpc_cni_minimum(self) -> tuple[int, int, int]:
        text = self.overrides.get("vpc_cni_minimum_version", self.eks["vpc_cni"]["minimum_version"])
        return parse_version(text) or (0, 0, 0)

    @cached_property
    def ebs_csi_minimum(self) -> tuple[int, int, int]:
        text = self.overrides.get("ebs_csi_minimum_version", self.eks["ebs_csi"]["minimum_version"])
        return parse_version(text) or (0, 0, 0)

    @cached_property
    def instance_type_keys(self) -> frozenset[str]:
        return frozenset(self.labels["instance_type_keys"]["keys"])

    @cached_property
    def hyperpod_prefix(self) -> str:
        return self.labels["hyperpod_prefix"]["prefix"]

    @cached_property
    def instance_group_key(self) -> str:
        return self.labels["hyperpod_prefix"]["instance_group_key"]

    @cached_property
    def placement_keys(self) -> frozenset[str]:
        """The node labels run rules report on (instance type, instance group)."""
        return self.instance_type_keys | {self.instance_group_key}

    @cached_property
    def closed_sets(self) -> dict[str, list[str]]:
        return {e["key"]: e["values"] for e in self.labels["closed_sets"]}

    @cached_property
    def dhc_taint(self) -> dict:
        return self.labels["deep_health_check_taint"]

    @cached_property
    def reserved_prefixes(self) -> tuple[str, ...]:
        return tuple(self.labels["reserved_prefixes"]["prefixes"])

    @cached_property
    def non_hyperpod_node_keys(self) -> frozenset[str]:
        return frozenset(self.labels["non_hyperpod_node_keys"]["keys"])

    def instance(self, name) -> dict | None:
        return self.instance_types.get(name) if isinstance(name, str) else None

    def ml_form(self, value) -> str | None:
        """`p5.48xlarge` -> `ml.p5.48xlarge` when that is a HyperPod type."""
        if not isinstance(value, str) or value.startswith("ml."):
            return None
        candidate = "ml." + value.strip()
        return candidate if candidate in self.instance_types else None

    def suggest(self, value: str) -> str | None:
        """The closest known HyperPod instance type, for "did you mean"."""
        if not isinstance(value, str):
            return None
        lowered = value.lower()
        lowered = lowered if lowered.startswith("ml.") else "ml." + lowered  # `ML.g5.8xlarge` is not `ml.ML...`
        if lowered in self.instance_types:
            return lowered
        family, _, size = lowered[3:].partition(".")
        same_family = [t for t in self.instance_types if t.split(".")[1] == family]
        pool = same_family or list(self.instance_types)
        # a size typed short (`48xl`) usually means the one that starts like it
        by_prefix = [t for t in pool if size and t.split(".", 2)[2].startswith(size)]
        if len(by_prefix) == 1:
            return by_prefix[0]
        import difflib  # only when a suggestion is needed
        best = difflib.get_close_matches(lowered, pool, n=1, cutoff=0.6)
        return best[0] if best else None

    def max_pods(self, name) -> int | None:
        entry = self.instance(name)
        return entry.get("max_pods") if entry else None

    def instance_class(self, name) -> str | None:
        entry = self.instance(name)
        return entry.get("class") if entry else None

    def is_accelerated(self, name) -> bool:
        """A GPU or Trainium type: the accelerators deep health checks test and multi-node
        training runs NCCL/NCCOM over EFA on. Inferentia serves models (the health-monitoring
        agent watches it too, through its non-NVIDIA DaemonSet)."""
        return self.instance_class(name) in ("gpu", "trainium")

    # -- the HyperPod Helm chart and subnet sizing (HP405-HP407) ----------------
    @cached_property
    def chart_components(self) -> list[dict]:
        """The chart's components (`schemas/helm-chart.json`), in table order."""
        return list(self.helm_chart["components"])

    @cached_property
    def chart_namespace(self) -> str:
        """The namespace whose name cannot be changed (`aws-hyperpod`)."""
        return self.helm_chart["namespace"]["name"]

    @cached_property
    def subnet_reserved(self) -> int:
        """Addresses AWS reserves in every subnet."""
        return int(self.subnets["reserved_per_subnet"]["count"])

    @cached_property
    def _documented_ips(self) -> dict[str, dict]:
        return {e["type"]: e for e in self.subnets["ips_per_node"]}

    def ips_per_node(self, name, efa_only: bool = False) -> tuple[int, str] | None:
        """(addresses one node of ``name`` takes from its subnet, basis) or None.

        The documented number (81 for `ml.p5.48xlarge`, counting one address per
        extra EFA network card) unless the group uses EFA-only interfaces;
        otherwise the lower bound max pods + 1 (the node's one pod interface)."""
        entry = self._documented_ips.get(name) if isinstance(name, str) and not efa_only else None
        if entry:
            return entry["ips"], entry["basis"]
        pods = self.max_pods(name)
        return (pods + 1, "max pods + 1") if isinstance(pods, int) else None
