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
from .safe import scalar_text


@dataclass(slots=True)
class InstanceGroup:
    """One instance group of a HyperPod cluster."""

    name: str | None
    instance_types: list[str]  # resolved values (flexible groups may list several)
    count: int | None
    loc: Loc  # the group's definition (its name)
    type_locs: list[Loc] = field(default_factory=list)
    count_loc: Loc | None = None
    counts: tuple = ()  # every count it can have (a parameter's Default and AllowedValues)
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
    node_recovery: str | None = None  # "Automatic" | "None" | None when not set
    node_recovery_loc: Loc | None = None
    autoscaling: bool = False  # Karpenter scales the groups: counts are not capacity


@dataclass(frozen=True, slots=True)
class Constraint:
    """One required node-selection constraint: `key op values`."""

    key: str
    op: str  # In, NotIn, Exists, DoesNotExist, Gt, Lt
    values: tuple = ()
    locs: tuple = ()  # the location of each value (or of the key when there are none); kept only for
    #                   instance-type and instance-group keys, the only constraints run rules report


@dataclass(slots=True)
class Workload:
    """One pod template, as the scheduler sees it."""

    identity: tuple  # (kind, namespace, name)
    role: str | None
    loc: Loc
    pods: int | None  # pods at a time (None: one per node for DaemonSets, or unknowable)
    pods_loc: Loc | None
    selection: list = field(default_factory=list)  # OR of AND-lists of Constraint; [] = any node
    tolerations: list = field(default_factory=list)
    host_network: bool = False
    one_per_node: bool = False  # required pod anti-affinity on the hostname against itself
    daemonset: bool = False
    hma: bool = False  # the HyperPod health-monitoring agent
    targets_hyperpod: bool = False  # by its own selectors (RULES.md)
    component: str | None = None  # the HyperPod Helm chart component it is (`hyperlint.helmchart`), by id

    # -- node-affinity instance-type lists (HP406) ----------------------------------
    def instance_type_constraints(self, keys) -> list[Constraint]:
        """The required `In` constraints on an instance-type label (``keys``), in order:
        the lists a node agent's instance types are written in."""
        return [c for alternative in self.selection for c in alternative if c.key in keys and c.op == "In"]

    def admits_instance_type(self, instance_type: str, keys) -> bool:
        """Do the instance-type constraints of the required selection let nodes of
        ``instance_type`` through? Constraints on other keys are not judged here
        (they count as met), nor are lists holding unrendered template text."""
        from .templating import is_placeholder

        if not self.selection:
            return True
        for alternative in self.selection:
            ok = True
            for c in alternative:
                if c.key not in keys or any(is_placeholder(v) for v in c.values):
                    continue
                if (c.op == "In" and instance_type not in c.values) or \
                        (c.op == "NotIn" and instance_type in c.values) or c.op == "DoesNotExist":
                    ok = False
                    break
            if ok:
                return True
        return False

    @property
    def label(self) -> str:
        kind, namespace, name = self.identity
        ident = f"{namespace}/{name}" if namespace else (name or "?")
        return f"{kind} {ident}" + (f" ({self.role})" if self.role else "")


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
        # scalars only: a label value read from a file may be a mapping shared a billion times
        return {(scalar_text(k), scalar_text(v)) for g in self.instance_groups for k, v in g.labels.items()
                if scalar_text(v) is not None and scalar_text(k) is not None}

    @property
    def non_hyperpod_instance_types(self) -> set[str]:
        return {t for ng in self.node_groups for t in ng.instance_types}
