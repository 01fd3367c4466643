"""The run model: what one `hyperlint check` run knows across documents.

Each file contributes a ``Model`` (HyperPod clusters and their instance
groups, other node groups, workloads, facts about add-ons); the engine merges
them and hands the result to run-level rules (``check_run``) and to rules that
refine document findings (``refine``). Everything here is plain, picklable
data with positions already resolved, so files can be read in parallel and
their trees dropped as soon as they are done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Loc


@dataclass
class InstanceGroup:
    """One instance group of a HyperPod cluster."""

    name: str | None
    instance_types: list[str]  # resolved values (flexible groups may list several)
    count: int | None
    loc: Loc  # the group's definition (its name)
    type_locs: list[Loc] = field(default_factory=list)
    count_loc: Loc | None = None
    deep_health_checks: bool = False
    labels: dict = field(default_factory=dict)
    taints: list = field(default_factory=list)
    restricted: bool = False


@dataclass
class HyperPodCluster:
    """A HyperPod cluster: from a template, describe-cluster output or the configuration."""

    name: str | None
    origin: str  # "cloudformation" | "describe-cluster" | "configuration"
    loc: Loc
    groups: list[InstanceGroup] = field(default_factory=list)
    node_recovery: str | None = None  # Automatic | None | unset (None)
    node_recovery_loc: Loc | None = None


@dataclass
class NodeGroup:
    """Capacity of the same EKS cluster that is not HyperPod."""

    name: str | None
    origin: str  # "cloudformation" | "eksctl"
    instance_types: list[str]
    loc: Loc
    count: int | None = None
    labels: dict = field(default_factory=dict)
    taints: list = field(default_factory=list)


@dataclass
class Model:
    """What one run knows across documents."""

    clusters: list[HyperPodCluster] = field(default_factory=list)
    node_groups: list[NodeGroup] = field(default_factory=list)
    workloads: list = field(default_factory=list)
    markers: set = field(default_factory=set)  # ("cni-policy-only", "Cilium"), ...
    manifests_seen: bool = False  # any Kubernetes object in the run

    def merge(self, other: "Model") -> None:
        self.clusters += other.clusters
        self.node_groups += other.node_groups
        self.workloads += other.workloads
        self.markers |= other.markers
        self.manifests_seen = self.manifests_seen or other.manifests_seen

    # -- questions rules ask -------------------------------------------------
    @property
    def instance_groups(self) -> list[InstanceGroup]:
        return [g for c in self.clusters for g in c.groups]

    @property
    def instance_group_names(self) -> set[str]:
        return {g.name for g in self.instance_groups if g.name}

    @property
    def instance_group_labels(self) -> set[tuple[str, str]]:
        return {(str(k), str(v)) for g in self.instance_groups for k, v in g.labels.items()}

    @property
    def non_hyperpod_instance_types(self) -> set[str]:
        return {t for ng in self.node_groups for t in ng.instance_types}
