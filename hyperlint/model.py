"""The run model: what one `hyperlint check` run knows across documents.

Each file contributes a ``Model`` (HyperPod clusters and their instance
groups, other node groups, workloads, facts about add-ons); the engine merges
them and hands the result to run-level rules (``check_run``) and to rules that
refine document findings (``refine``). Everything here is plain, picklable
data with positions already resolved, so files can be read in parallel and
their trees dropped as soon as they are done.
"""

from __future__ import annotations

from .findings import Loc
from .record import Record, Value
from .safe import scalar_text


class InstanceGroup(Record):
    """One instance group of a HyperPod cluster."""

    __slots__ = (
        "name", "instance_types", "count", "loc", "type_locs", "count_loc", "counts", "deep_health_checks",
        "labels", "taints", "restricted", "training_plan", "zones",
    )

    def __init__(
        self,
        name: str | None,
        instance_types: list[str],
        count: int | None,
        loc: Loc,
        type_locs: list[Loc] | None = None,
        count_loc: Loc | None = None,
        counts: tuple = (),
        deep_health_checks: bool = False,
        labels: dict | None = None,
        taints: list | None = None,
        restricted: bool = False,
        training_plan: bool = False,
        zones: tuple | None = None,
    ) -> None:
        self.name = name
        self.instance_types = instance_types  # resolved values (flexible groups may list several)
        self.count = count
        self.loc = loc  # the group's definition (its name)
        self.type_locs = [] if type_locs is None else type_locs
        self.count_loc = count_loc
        self.counts = counts  # every count it can have (a parameter's Default and AllowedValues)
        self.deep_health_checks = deep_health_checks
        self.labels = {} if labels is None else labels
        self.taints = [] if taints is None else taints
        self.restricted = restricted
        self.training_plan = training_plan  # runs on a training plan's reserved capacity (TrainingPlanArn)
        self.zones = zones  # Availability Zones of its subnets, when every one is known offline; else None


class HyperPodCluster(Record):
    """A HyperPod cluster: from a template, describe-cluster output or the configuration."""

    __slots__ = ("name", "origin", "loc", "groups", "node_recovery", "node_recovery_loc", "autoscaling", "eks")

    def __init__(
        self,
        name: str | None,
        origin: str,
        loc: Loc,
        groups: list[InstanceGroup] | None = None,
        node_recovery: str | None = None,
        node_recovery_loc: Loc | None = None,
        autoscaling: bool = False,
        eks: tuple = (),
    ) -> None:
        self.name = name
        self.origin = origin  # "cloudformation" | "terraform" | "describe-cluster" | "configuration"
        self.loc = loc
        self.groups = [] if groups is None else groups
        self.node_recovery = node_recovery  # "Automatic" | "None" | None when not set
        self.node_recovery_loc = node_recovery_loc
        self.autoscaling = autoscaling  # Karpenter scales the groups: counts are not capacity
        self.eks = eks  # names of the EKS clusters it may be attached to (from Orchestrator.Eks.ClusterArn)


class Constraint(Value):
    """One required node-selection constraint: `key op values`."""

    __slots__ = ("key", "op", "values", "locs")

    def __init__(self, key: str, op: str, values: tuple = (), locs: tuple = ()) -> None:
        self.key = key
        self.op = op  # In, NotIn, Exists, DoesNotExist, Gt, Lt
        self.values = values
        # the location of each value (or of the key when there are none); kept only for
        # instance-type and instance-group keys, the only constraints run rules report
        self.locs = locs


class Workload(Record):
    """One pod template, as the scheduler sees it."""

    __slots__ = (
        "identity", "role", "loc", "pods", "pods_loc", "selection", "tolerations", "host_network",
        "one_per_node", "daemonset", "hma", "targets_hyperpod", "component",
    )

    def __init__(
        self,
        identity: tuple,
        role: str | None,
        loc: Loc,
        pods: int | None,
        pods_loc: Loc | None,
        selection: list | None = None,
        tolerations: list | None = None,
        host_network: bool = False,
        one_per_node: bool = False,
        daemonset: bool = False,
        hma: bool = False,
        targets_hyperpod: bool = False,
        component: str | None = None,
    ) -> None:
        self.identity = identity  # (kind, namespace, name)
        self.role = role
        self.loc = loc
        self.pods = pods  # pods at a time (None: one per node for DaemonSets, or unknowable)
        self.pods_loc = pods_loc
        self.selection = [] if selection is None else selection  # OR of AND-lists of Constraint; [] = any node
        self.tolerations = [] if tolerations is None else tolerations
        self.host_network = host_network
        self.one_per_node = one_per_node  # required pod anti-affinity on the hostname against itself
        self.daemonset = daemonset
        self.hma = hma  # the HyperPod health-monitoring agent
        self.targets_hyperpod = targets_hyperpod  # by its own selectors (see hyperlint.targeting)
        self.component = component  # the HyperPod Helm chart component it is (`hyperlint.helmchart`), by id

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


class NodeGroup(Record):
    """Capacity of the same EKS cluster that is not HyperPod."""

    __slots__ = ("name", "origin", "instance_types", "loc", "count", "labels", "taints", "families")

    def __init__(
        self,
        name: str | None,
        origin: str,
        instance_types: list[str],
        loc: Loc,
        count: int | None = None,
        labels: dict | None = None,
        taints: list | None = None,
        families: tuple = (),
    ) -> None:
        self.name = name
        self.origin = origin  # "cloudformation" | "terraform" | "eksctl" | "karpenter" (a NodePool on EC2 nodes)
        self.instance_types = instance_types
        self.loc = loc
        self.count = count
        self.labels = {} if labels is None else labels
        self.taints = [] if taints is None else taints
        # NodePools: the families it may launch (`p5`), categories as `p*`, `*` when types are not limited
        self.families = families

    def provides(self, instance_type: str) -> bool:
        """Can this node group launch ``instance_type`` (`p5.48xlarge`)?"""
        if instance_type in self.instance_types:
            return True
        family = instance_type.split(".", 1)[0]
        for f in self.families:
            if f == "*" or f == family:
                return True
            if f.endswith("*") and family.startswith(f[:-1]) and family[len(f) - 1:len(f)].isdigit():
                return True
        return False


class EksCluster(Record):
    """An EKS cluster defined in the run (CloudFormation `AWS::EKS::Cluster`, eksctl `ClusterConfig`)."""

    __slots__ = ("name", "origin", "loc", "named_hyperpod")

    def __init__(self, name: str | None, origin: str, loc: Loc, named_hyperpod: bool = False) -> None:
        self.name = name
        self.origin = origin  # "cloudformation" | "eksctl"
        self.loc = loc
        self.named_hyperpod = named_hyperpod  # its name, logical ID or stack description names HyperPod/SageMaker


class ChartInstall(Record):
    """A sign of how the HyperPod Helm chart is installed (HP404)."""

    __slots__ = ("how", "loc", "hma")

    def __init__(self, how: str, loc: Loc, hma: bool | None = None) -> None:
        self.how = how  # "rendered" (chart output) | "values" (a values file) | "deploy" (a step that installs it)
        self.loc = loc
        # True: this installation runs the health-monitoring agent (chart defaults); False: it disables it;
        # None (rendered output): it does when a health-monitoring agent DaemonSet is among the scope's workloads
        self.hma = hma


class Installed(Value):
    """Something installed in the cluster: an EKS add-on (by its name), a component
    hyperlint recognises (`schemas/addons.json`, by its id, however it is
    installed) or a Pod Identity association (``namespace/service-account``)."""

    __slots__ = ("kind", "name", "loc", "cluster", "version", "version_loc")

    def __init__(self, kind: str, name: str, loc: Loc, cluster: str | None = None, version: str | None = None,
                 version_loc: Loc | None = None) -> None:
        self.kind = kind  # "addon" | "component" | "pod-identity"
        self.name = name
        self.loc = loc
        self.cluster = cluster  # the EKS cluster's name when the source says it (ClusterName), else None
        self.version = version  # an add-on's pinned version (`AddonVersion`), when it is one known value
        self.version_loc = version_loc


class NodeClass(Record):
    """A HyperPod Karpenter `HyperpodNodeClass` and the instance groups it names."""

    __slots__ = ("name", "loc", "groups")

    def __init__(self, name: str | None, loc: Loc, groups: list | None = None) -> None:
        self.name = name
        self.loc = loc
        self.groups = [] if groups is None else groups  # [(instance group name, Loc)]


class SchedulerConfig(Record):
    """A task governance cluster policy (`AWS::SageMaker::ClusterSchedulerConfig`)."""

    __slots__ = ("name", "loc", "priority_classes")

    def __init__(self, name: str | None, loc: Loc, priority_classes: tuple | None = None) -> None:
        self.name = name
        self.loc = loc
        self.priority_classes = priority_classes  # names; None when they cannot be read offline


class Model(Record):
    """What one run knows across documents."""

    __slots__ = ("clusters", "node_groups", "workloads", "markers", "manifests_seen", "eks_clusters",
                 "chart_installs", "place", "installed", "kubernetes_versions", "node_classes", "scheduler_configs",
                 "quota_teams")

    def __init__(
        self,
        clusters: list[HyperPodCluster] | None = None,
        node_groups: list[NodeGroup] | None = None,
        workloads: list | None = None,
        markers: set | None = None,
        manifests_seen: bool = False,
        eks_clusters: list[EksCluster] | None = None,
        chart_installs: list[ChartInstall] | None = None,
        place: str | None = None,
        installed: list[Installed] | None = None,
        kubernetes_versions: list | None = None,
        node_classes: list[NodeClass] | None = None,
        scheduler_configs: list[SchedulerConfig] | None = None,
        quota_teams: list | None = None,
    ) -> None:
        self.clusters = [] if clusters is None else clusters
        self.node_groups = [] if node_groups is None else node_groups
        self.workloads = [] if workloads is None else workloads
        self.markers = set() if markers is None else markers  # ("cni-policy-only", "Cilium"), ...
        self.manifests_seen = manifests_seen  # any Kubernetes object in the run
        self.eks_clusters = [] if eks_clusters is None else eks_clusters
        self.chart_installs = [] if chart_installs is None else chart_installs
        # where a file's contribution sits for grouping (`hyperlint.scopes`): a folder for a Terraform
        # module or a chart render; None: the file itself
        self.place = place
        self.installed = [] if installed is None else installed  # add-ons and components of the EKS cluster
        self.kubernetes_versions = [] if kubernetes_versions is None else kubernetes_versions  # [(version, Loc)]
        self.node_classes = [] if node_classes is None else node_classes
        self.scheduler_configs = [] if scheduler_configs is None else scheduler_configs
        # task governance teams of the run's compute allocations (ComputeQuota TeamName); None for one
        # whose team cannot be read offline
        self.quota_teams = [] if quota_teams is None else quota_teams

    def merge(self, other: "Model") -> None:
        self.clusters += other.clusters
        self.node_groups += other.node_groups
        self.workloads += other.workloads
        self.markers |= other.markers
        self.manifests_seen = self.manifests_seen or other.manifests_seen
        self.eks_clusters += other.eks_clusters
        self.chart_installs += other.chart_installs
        self.installed += other.installed
        self.kubernetes_versions += other.kubernetes_versions
        self.node_classes += other.node_classes
        self.scheduler_configs += other.scheduler_configs
        self.quota_teams += other.quota_teams

    @property
    def is_cluster_source(self) -> bool:
        """Does this contribution define a cluster (HyperPod or EKS) or its node groups?
        NodePools are manifests applied to a cluster, not a definition of one."""
        return bool(self.clusters or self.eks_clusters or any(ng.origin != "karpenter" for ng in self.node_groups))

    @property
    def empty(self) -> bool:
        return not (self.clusters or self.node_groups or self.workloads or self.markers or self.eks_clusters
                    or self.chart_installs or self.installed or self.kubernetes_versions or self.node_classes
                    or self.scheduler_configs or self.quota_teams)

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

    def installed_names(self, kind: str, cluster: str | None = None) -> set[str]:
        """Names of what the run installs of ``kind`` ("addon", "component", "pod-identity"),
        in the EKS cluster named ``cluster`` when it is given (an installation whose
        cluster is not known counts for every cluster)."""
        return {i.name for i in self.installed if i.kind == kind
                and (cluster is None or i.cluster is None or i.cluster == cluster)}

    @property
    def non_hyperpod_instance_types(self) -> set[str]:
        return {t for ng in self.node_groups for t in ng.instance_types}

    def non_hyperpod_provides(self, instance_type: str) -> bool:
        """Does a non-HyperPod node group (EKS, eksctl, an EC2 NodePool) launch ``instance_type``?"""
        return any(ng.provides(instance_type) for ng in self.node_groups)

    @property
    def shows_hyperpod(self) -> bool:
        """HyperPod clusters, HyperPod NodePools or HyperPod-targeting workloads (the scope HP301 weighs)."""
        return bool(self.clusters) or ("hyperpod-nodepool",) in self.markers or \
            any(w.targets_hyperpod for w in self.workloads)
