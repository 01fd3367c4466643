"""Capacity: which pods land on which HyperPod instance group, and do they fit.

HyperPod gives each instance one network interface, so a node holds only a
few pods (5 on `ml.t3.medium`, 49 on `ml.p5.48xlarge`; `schemas/instance-types.json`).
``plan(model, data)`` places the workloads of one scope (``hyperlint.scopes``)
on the instance groups of its HyperPod clusters (``plan_scopes``: every scope
of a run, side by side):

- a group's nodes carry the labels HyperPod sets (`ml.` instance type,
  `sagemaker.amazonaws.com/instance-group-name`, `compute-type: hyperpod`,
  healthy status, architecture) plus the group's `KubernetesConfig.Labels`;
- a workload is *pinned* to the groups its required node selection matches;
  keys that cannot be known offline leave a match open (never a guess);
- DaemonSets that match a group and tolerate its taints take pod slots on
  every node of it (host-network pods use the node's address, not a slot).

Rules HP401-HP403 and `hyperlint capacity` read the same plan.
"""

from __future__ import annotations

import math

from .model import Constraint, HyperPodCluster, InstanceGroup, Model, Workload
from .record import Record

UNKNOWN = None
_ARCH = {"x86_64": "amd64", "arm64": "arm64"}


class GroupPlan(Record):
    """One instance group's pod slots and what is placed on them."""

    __slots__ = ("cluster", "group", "max_pods", "daemonsets", "workloads", "unplaced", "host_network_daemonsets")

    def __init__(
        self,
        cluster: HyperPodCluster,
        group: InstanceGroup,
        max_pods: int | None,
        daemonsets: list[Workload] | None = None,
        workloads: list[Workload] | None = None,
        unplaced: list[tuple[Workload, str]] | None = None,
        host_network_daemonsets: list[Workload] | None = None,
    ) -> None:
        self.cluster = cluster
        self.group = group
        self.max_pods = max_pods  # per node (the largest of a flexible group's types)
        self.daemonsets = [] if daemonsets is None else daemonsets  # non-hostNetwork DaemonSets landing here
        self.workloads = [] if workloads is None else workloads  # pinned to this group only
        self.unplaced = [] if unplaced is None else unplaced
        self.host_network_daemonsets = [] if host_network_daemonsets is None else host_network_daemonsets

    @property
    def host_network(self) -> list[Workload]:
        """The hostNetwork pods landing here: they use the node's address, not a pod slot."""
        return self.host_network_daemonsets + [w for w in self.workloads if w.host_network]

    @property
    def name(self) -> str:
        return self.group.name or "?"

    @property
    def instance_type(self) -> str:
        return ", ".join(sorted(set(self.group.instance_types))) or "?"

    @property
    def daemonset_pods(self) -> int:
        return len(self.daemonsets)

    @property
    def per_node(self) -> int | None:
        """Pod slots per node left for workloads."""
        return None if self.max_pods is None else self.max_pods - self.daemonset_pods

    @property
    def workload_pods(self) -> int:
        return sum(w.pods or 0 for w in self.workloads if not w.host_network)

    def nodes_for(self, w: Workload) -> int | None:
        """Nodes of this group that workload ``w`` alone needs (None: not knowable)."""
        per = self.per_node
        if not w.pods or w.host_network or per is None or per <= 0:
            return None
        return w.pods if w.one_per_node else math.ceil(w.pods / per)

    @property
    def nodes_needed(self) -> int | None:
        """Nodes all pinned workloads need together."""
        per = self.per_node
        if per is None or per <= 0:
            return None
        need = math.ceil(self.workload_pods / per)
        spread = [w.pods for w in self.workloads if w.one_per_node and w.pods and not w.host_network]
        return max([need] + spread)

    @property
    def free_slots(self) -> int | None:
        per, count = self.per_node, self.group.count
        if per is None or count is None:
            return None
        return count * per - self.workload_pods

    def describe_node(self) -> str:
        """`5 pods each, 1 taken by DaemonSet logging/log-shipper`."""
        text = f"{self.max_pods} pods each"
        if self.daemonsets:
            names = ", ".join(_short(d) for d in self.daemonsets[:3]) + (" ..." if len(self.daemonsets) > 3 else "")
            text += f", {self.daemonset_pods} taken by DaemonSet{'s' if self.daemonset_pods > 1 else ''} {names}"
        return text


class Plan(Record):
    """The placement of a run's workloads on its HyperPod instance groups."""

    __slots__ = ("groups", "homeless")

    def __init__(self, groups: list[GroupPlan], homeless: list[tuple[Workload, list]]) -> None:
        self.groups = groups
        self.homeless = homeless  # HyperPod workloads no group can take, with the constraints to blame

    def unplaced(self) -> list[tuple[Workload, str]]:
        """Every workload that cannot be placed, with the reason."""
        out = []
        for g in self.groups:
            count = g.group.count
            if count is None or g.cluster.autoscaling:
                continue
            for w in g.workloads:
                need = g.nodes_for(w)
                if need is not None and need > count:
                    out.append((w, f"needs {need} nodes of group {g.name}, which has {count}"))
        for w, blame in self.homeless:
            values = sorted({str(c.values[i]) for _, c, i in blame}) or ["its node selection"]
            out.append((w, f"no instance group matches {', '.join(values)}"))
        return out


def _short(w: Workload) -> str:
    _, namespace, name = w.identity
    return f"{namespace}/{name}" if namespace else str(name)


def node_labels(group: InstanceGroup, data, instance_type: str) -> dict:
    labels = {key: instance_type for key in data.instance_type_keys}
    if group.name:
        labels[data.instance_group_key] = group.name
    for entry in data.labels["closed_sets"]:  # a node ready for work: healthy, checked, HyperPod's
        if "healthy" in entry and (group.deep_health_checks or not entry.get("only_with_deep_health_checks")):
            labels[entry["key"]] = entry["healthy"]
    arch = (data.instance(instance_type) or {}).get("arch")
    if arch in _ARCH:
        labels["kubernetes.io/arch"] = labels["beta.kubernetes.io/arch"] = _ARCH[arch]
    labels["kubernetes.io/os"] = labels["beta.kubernetes.io/os"] = "linux"
    labels.update({str(k): str(v) for k, v in group.labels.items()})
    return labels


def _known_keys(group: InstanceGroup, data) -> set[str]:
    """Keys whose full value set on this group's nodes is known offline."""
    keys = set(data.instance_type_keys) | {data.instance_group_key} | \
        {e["key"] for e in data.labels["closed_sets"] if len(e["values"]) == 1}  # compute-type: always hyperpod
    keys |= {str(k) for k in group.labels}
    keys |= set(data.non_hyperpod_node_keys)
    return keys


def _check(c: Constraint, labels: dict, known: set[str]):
    """True / False / UNKNOWN for one constraint on one node."""
    if c.key not in labels and c.key not in known:
        return UNKNOWN
    value = labels.get(c.key)
    if c.op == "In":
        return value in c.values
    if c.op == "NotIn":
        return value not in c.values
    if c.op == "Exists":
        return c.key in labels
    if c.op == "DoesNotExist":
        return c.key not in labels
    return UNKNOWN  # Gt / Lt


def matches(selection: list, group: InstanceGroup, data):
    """Does a required selection (OR of AND-lists) accept this group's nodes?"""
    if not selection:
        return True
    known = _known_keys(group, data)
    answer: bool | None = False  # None: UNKNOWN
    for instance_type in group.instance_types or ["?"]:
        labels = node_labels(group, data, instance_type)
        for alternative in selection:
            results = [_check(c, labels, known) for c in alternative]
            if all(r is True for r in results):
                return True
            if all(r is not False for r in results):
                answer = UNKNOWN
    return answer


def tolerates_group(w: Workload, group: InstanceGroup) -> bool:
    from .k8s_nodes import tolerates

    for taint in group.taints:
        if not isinstance(taint, dict):
            continue
        key = taint.get("Key", taint.get("key"))
        effect = taint.get("Effect", taint.get("effect"))
        if effect not in ("NoSchedule", "NoExecute") or key is None:
            continue
        value = str(taint.get("Value", taint.get("value", "")))
        if not any(tolerates(t, key, value, effect) for t in w.tolerations):
            return False
    return True


def plan(model: Model, data) -> Plan:
    groups = []
    for cluster in model.clusters:
        for group in cluster.groups:
            pods = [data.max_pods(t) for t in group.instance_types]
            known_pods = [p for p in pods if p is not None]
            max_pods = max(known_pods) if known_pods and len(known_pods) == len(pods) else None
            groups.append(GroupPlan(cluster, group, max_pods))
    homeless = []
    for w in model.workloads:
        hits = [g for g in groups if matches(w.selection, g.group, data) is True]
        if w.daemonset:
            for g in hits:
                if tolerates_group(w, g.group):
                    (g.host_network_daemonsets if w.host_network else g.daemonsets).append(w)
            continue
        if not w.selection or not hits:
            if w.targets_hyperpod and groups and not _may_select_ec2(w, data) \
                    and not any(matches(w.selection, g.group, data) is not False for g in groups):
                homeless.append((w, _blame(w, groups, data)))
            continue
        if len(hits) == 1:
            hits[0].workloads.append(w)
    return Plan(groups, homeless)


def plan_scopes(scopes, data) -> Plan:
    """The plans of each scope (``hyperlint.scopes``) side by side: workloads are
    placed only on the instance groups of their own scope."""
    groups, homeless = [], []
    for scope in scopes:
        p = plan(scope.model, data)
        groups += p.groups
        homeless += p.homeless
    return Plan(groups, homeless)


def _may_select_ec2(w: Workload, data) -> bool:
    """Some alternative of the selection also accepts EC2 nodes: no HyperPod
    label is required and each instance-type list names an EC2 type beside
    its `ml.` ones (a workload meant for both kinds of node)."""
    for alternative in w.selection:
        if any(c.key.startswith(data.hyperpod_prefix) and c.op in ("In", "Exists") for c in alternative):
            continue
        lists = [c.values for c in alternative if c.op == "In" and c.key in data.instance_type_keys]
        if lists and all(any(isinstance(v, str) and not v.startswith("ml.") for v in values) for values in lists):
            return True
    return False


def _blame(w: Workload, groups: list[GroupPlan], data) -> list[tuple[str, Constraint, int]]:
    """(kind, constraint, value index) to report: an undefined group name, else an absent `ml.` type."""
    names = {g.group.name for g in groups if g.group.name}
    types = {t for g in groups for t in g.group.instance_types}
    found = []
    for alternative in w.selection:
        for c in alternative:
            if c.op != "In":
                continue
            for i, value in enumerate(c.values):
                if c.key == data.instance_group_key and value not in names:
                    found.append(("group", c, i))
                elif c.key in data.instance_type_keys and isinstance(value, str) and value.startswith("ml.") \
                        and value not in types:
                    found.append(("type", c, i))
    if not found:  # each value exists somewhere, but never together: blame the instance types
        for alternative in w.selection:
            for c in alternative:
                if c.op == "In" and c.key in data.instance_type_keys:
                    found += [("combination", c, i) for i, v in enumerate(c.values) if str(v).startswith("ml.")]
    return found
