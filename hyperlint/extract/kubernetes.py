"""Extract from Kubernetes objects: workloads and their node selection, installed
components, eksctl clusters and node groups, Karpenter NodePools, HyperPod node
classes, the HyperPod Helm chart rendered or configured by a values file."""

from __future__ import annotations

from ..helmchart import component_of, pod_component
from ..k8s import K8sObject, PodTemplate
from ..k8s_nodes import karpenter_terms, node_terms, tolerations
from ..k8s_workloads import image_parts, instance_type_fields
from ..model import (
    ChartInstall,
    Constraint,
    EksCluster,
    Installed,
    Model,
    NodeClass,
    NodeGroup,
    Workload,
)
from ..safe import scalar_text
from ..scopes import names_hyperpod
from ..targeting import targets_hyperpod
from .common import _HMA_KEY, _int, _labels, _loc, _scalar, _str_list, _taints


def from_k8s(obj: K8sObject, pods: list[PodTemplate], doc, ctx, model: Model) -> None:
    from ..components import k8s_components

    for pod in pods:
        model.workloads.append(_workload(pod, doc, ctx))
    field_workload = _instance_type_field_workload(obj, doc, ctx)
    if field_workload is not None:
        model.workloads.append(field_workload)
    if pods and _requests_topology(obj, pods, ctx.data):
        model.markers.add((ctx.data.scheduling["topology"]["marker"],))
    for component, path in k8s_components(obj, pods, ctx.data):
        model.installed.append(Installed("component", component, _loc(doc, path, ctx, obj.identity)))
    _rendered_chart(obj, pods, doc, ctx, model)
    if obj.is_eksctl_cluster:
        _eksctl_node_groups(obj, doc, ctx, model)
        _eksctl_cluster(obj, doc, ctx, model)
        name = obj.name
        model.eks_clusters.append(EksCluster(
            name=scalar_text(name) if name is not None else None,
            origin="eksctl",
            loc=_loc(doc, obj.at("metadata", "name") if name is not None else obj.path, ctx, obj.identity),
            named_hyperpod=names_hyperpod(ctx.data, scalar_text(name)),
        ))
    elif obj.kind == "NodePool" and obj.group.startswith("karpenter"):
        _node_pool(obj, doc, ctx, model)
    elif obj.kind == ctx.data.scheduling["autoscaling"]["node_class_kind"] and \
            obj.group == ctx.data.scheduling["autoscaling"]["node_class_group"]:
        _node_class(obj, doc, ctx, model)
    elif obj.kind == "ConfigMap":
        _cni_policy_only(obj, ctx, model)
    elif obj.kind == "Installation" and obj.group == "operator.tigera.io":
        spec = obj.data.get("spec")
        cni = spec.get("cni") if isinstance(spec, dict) else None
        if isinstance(cni, dict) and cni.get("type") == "AmazonVPC":
            model.markers.add(("cni-policy-only", "Calico"))


_HMA_IMAGE = "hyperpod-health-monitoring-agent"


def _workload(pod: PodTemplate, doc, ctx) -> Workload:
    obj = pod.obj
    terms = node_terms(pod)

    reported = ctx.data.placement_keys

    def constraint(term) -> Constraint:
        values = [(v, p) for v, p in term.values if _scalar(v)]  # a list or mapping here matches nothing
        if term.key not in reported:  # run rules report only instance types and groups: no positions needed
            return Constraint(term.key, term.operator, tuple(v for v, _ in values))
        if values:
            locs = tuple(_loc(doc, p, ctx, obj.identity) for _, p in values)
            return Constraint(term.key, term.operator, tuple(v for v, _ in values), locs)
        return Constraint(term.key, term.operator, (), (_loc(doc, term.path, ctx, obj.identity),))

    always = [constraint(t) for t in terms if t.place == "nodeSelector"]
    alternatives: dict = {}
    for t in terms:
        if t.place == "required":
            index = t.path[t.path.index("nodeSelectorTerms") + 1]
            alternatives.setdefault(index, []).append(constraint(t))
    selection = [always + alt for alt in alternatives.values()] or ([always] if always else [])
    _, host_network = pod.field("hostNetwork")
    hma = pod.is_daemonset and (
        str(obj.name or "").startswith("health-monitoring-agent")
        or any(isinstance(i, str) and image_parts(i)[0].endswith("/" + _HMA_IMAGE)
               for i in (c.get("image") for _, c in pod.containers()))
    )
    replicas_known = pod.replicas is not None and pod.replicas_path is not None
    component = pod_component(pod, ctx.data, doc.source)
    return Workload(
        identity=obj.identity,
        role=pod.role,
        loc=_loc(doc, obj.at("metadata", "name") if obj.name else obj.path, ctx, obj.identity),
        pods=pod.replicas,
        pods_loc=_loc(doc, pod.replicas_path, ctx, obj.identity) if replicas_known else None,
        selection=selection,
        tolerations=_taints([t for _, t in tolerations(pod)]),  # flat mappings of scalars, like taints
        host_network=host_network is True,
        one_per_node=pod.one_per_node(),
        daemonset=pod.is_daemonset,
        hma=hma,
        targets_hyperpod=ctx.config.assume_hyperpod or targets_hyperpod(terms, ctx.data.hyperpod_prefix),
        component=component["id"] if component else None,
    )


def _requests_topology(obj: K8sObject, pods: list[PodTemplate], data) -> bool:
    """A Kueue topology-aware scheduling request on the object or one of its pod templates."""
    from ..kueue import pod_annotations

    keys = data.scheduling["topology"]["exclusive_annotations"]
    own = obj.metadata.get("annotations")
    if isinstance(own, dict) and any(k in own for k in keys):
        return True
    for pod in pods:
        annotations = pod_annotations(pod)[1]
        if annotations and any(k in annotations for k in keys):
            return True
    return False


def _instance_type_field_workload(obj: K8sObject, doc, ctx) -> Workload | None:
    """An inference resource that names its instance types in plain fields
    (`workloads.json` `instance_type_fields`) as a workload that requires one of
    them: HP402 then knows where it can run. A list field (`instanceTypes`) is one
    requirement: any of its types will do."""
    from ..templating import is_placeholder

    found = [(v, p) for v, p in instance_type_fields(obj, ctx.data) if isinstance(v, str) and not is_placeholder(v)]
    if not found:
        return None
    key = sorted(ctx.data.instance_type_keys)[0]
    constraint = Constraint(key, "In", tuple(v for v, _ in found), tuple(_loc(doc, p, ctx, obj.identity) for _, p in found))
    return Workload(
        identity=obj.identity,
        role=None,
        loc=_loc(doc, obj.at("metadata", "name") if obj.name else obj.path, ctx, obj.identity),
        pods=None,  # the operator creates the pods
        pods_loc=None,
        selection=[[constraint]],
        targets_hyperpod=True,  # these resources always run on HyperPod nodes
    )


def _eksctl_cluster(obj: K8sObject, doc, ctx, model: Model) -> None:
    """The Kubernetes version and the add-ons of an eksctl ClusterConfig."""
    version = obj.metadata.get("version")
    if isinstance(version, str):
        model.kubernetes_versions.append((version, _loc(doc, obj.at("metadata", "version"), ctx, obj.identity)))
    addons = obj.data.get("addons")
    cluster = obj.name
    for i, item in enumerate(addons if isinstance(addons, list) else ()):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str):
            loc = _loc(doc, obj.at("addons", i, "name"), ctx, obj.identity)
            version = item.get("version")
            model.installed.append(Installed("addon", name, loc, cluster, version if isinstance(version, str) else None,
                                             _loc(doc, obj.at("addons", i, "version"), ctx, obj.identity)
                                             if isinstance(version, str) else None))
            if name in ctx.data.addon_components:
                model.installed.append(Installed("component", ctx.data.addon_components[name], loc, cluster))
    iam = obj.data.get("iam")
    associations = iam.get("podIdentityAssociations") if isinstance(iam, dict) else None
    for i, item in enumerate(associations if isinstance(associations, list) else ()):
        if isinstance(item, dict) and isinstance(item.get("namespace"), str) and isinstance(item.get("serviceAccountName"), str):
            loc = _loc(doc, obj.at("iam", "podIdentityAssociations", i), ctx, obj.identity)
            model.installed.append(Installed("pod-identity", f"{item['namespace']}/{item['serviceAccountName']}", loc, cluster))


def _node_class(obj: K8sObject, doc, ctx, model: Model) -> None:
    spec = obj.data.get("spec")
    groups = spec.get("instanceGroups") if isinstance(spec, dict) else None
    node_class = NodeClass(obj.name, _loc(doc, obj.at("metadata", "name") if obj.name else obj.path, ctx, obj.identity))
    for i, name in enumerate(groups if isinstance(groups, list) else ()):
        if isinstance(name, str):
            node_class.groups.append((name, _loc(doc, obj.at("spec", "instanceGroups", i), ctx, obj.identity)))
    model.node_classes.append(node_class)


def _eksctl_node_groups(obj: K8sObject, doc, ctx, model: Model) -> None:
    for section in ("nodeGroups", "managedNodeGroups"):
        groups = obj.data.get(section)
        if not isinstance(groups, list):
            continue
        for i, ng in enumerate(groups):
            if not isinstance(ng, dict):
                continue
            types = _str_list(ng.get("instanceType")) + _str_list(ng.get("instanceTypes"))
            dist = ng.get("instancesDistribution")
            if isinstance(dist, dict):
                types += _str_list(dist.get("instanceTypes"))
            name = ng.get("name")
            model.node_groups.append(NodeGroup(
                name=scalar_text(name) if name is not None else None,  # never str() a nested value
                origin="eksctl",
                instance_types=types,
                loc=_loc(doc, obj.at(section, i, "name"), ctx, obj.identity),
                count=_int(ng.get("desiredCapacity")),
                labels=_labels(ng.get("labels")),
                taints=_taints(ng.get("taints")),
            ))


def _node_pool(obj: K8sObject, doc, ctx, model: Model) -> None:
    """A Karpenter (or EKS Auto Mode) NodePool: HyperPod's when its nodeClassRef is
    HyperPod's node class, else EC2 capacity of the cluster (a non-HyperPod node group)."""
    spec = obj.data.get("spec")
    template = spec.get("template") if isinstance(spec, dict) else None
    tspec = template.get("spec") if isinstance(template, dict) else None
    tspec = tspec if isinstance(tspec, dict) else {}
    ref = tspec.get("nodeClassRef")
    if not isinstance(ref, dict):
        ref = {}
    hyperpod = ctx.data.node_pools["hyperpod_node_class"]
    if ref.get("group") == hyperpod["group"] or ref.get("kind") == hyperpod["kind"]:
        model.markers.add(("hyperpod-nodepool",))
        return
    tables = ctx.data.node_pools
    types, families, limited = [], [], False
    for term in karpenter_terms(obj):
        if term.operator != "In":
            continue
        values = [v for v, _ in term.values if isinstance(v, str)]
        if term.key in ctx.data.instance_type_keys:
            types += values
        elif term.key in tables["family_keys"]["keys"]:
            families += values
        elif term.key in tables["category_keys"]["keys"]:
            families += [v + "*" for v in values]
        else:
            continue
        limited = True
    metadata = template.get("metadata") if isinstance(template, dict) else None
    model.node_groups.append(NodeGroup(
        name=obj.name,
        origin="karpenter",
        instance_types=types,
        loc=_loc(doc, obj.at("metadata", "name") if obj.name else obj.path, ctx, obj.identity),
        labels=_labels(metadata.get("labels") if isinstance(metadata, dict) else None),
        taints=_taints(tspec.get("taints")),
        families=tuple(families) if limited else ("*",),
    ))


def _rendered_chart(obj: K8sObject, pods, doc, ctx, model: Model) -> None:
    """Rendered HyperPod Helm chart output (its `# Source:` names the chart), or one of the
    chart's own components (health-monitoring agent, deep-health-check or job-auto-restart
    service account): a sign of how the chart is installed (HP404). Once per file."""
    if any(i.how == "rendered" for i in model.chart_installs):
        return
    chart = ctx.data.helm_chart["chart"]["name"]
    source = doc.source
    found = isinstance(source, str) and source.startswith(chart + "/")
    if not found:
        component = pod_component(pods[0], ctx.data, source) if pods else \
            component_of(obj.kind, obj.name, ctx.data, source=source) if obj.kind == "ServiceAccount" else None
        found = bool(component and component["namespace_fixed"])
    if found:
        where = obj.at("metadata", "name") if obj.name else obj.path
        model.chart_installs.append(ChartInstall("rendered", _loc(doc, where, ctx, obj.identity)))


def from_values(doc, ctx, model: Model) -> bool:
    """A values file of the HyperPod Helm chart (a mapping with the chart's
    `health-monitoring-agent` key): how the chart is installed (HP404). Whether it is one."""
    root = doc.root
    section = root.get(_HMA_KEY) if isinstance(root, dict) else None
    if not isinstance(section, dict):
        return False
    enabled = section.get("enabled", True)
    off = enabled is False or (isinstance(enabled, str) and enabled.strip().lower() == "false")
    where = (_HMA_KEY, "enabled") if "enabled" in section else (_HMA_KEY,)
    model.chart_installs.append(ChartInstall("values", _loc(doc, where, ctx, key=where == (_HMA_KEY,)), hma=not off))
    return True


def _cni_policy_only(obj: K8sObject, ctx, model: Model) -> None:
    data = obj.data.get("data")
    if not isinstance(data, dict):
        return
    for entry in ctx.data.cni["entries"]:
        rule = entry.get("policy_only_config")
        if not rule or obj.name != rule["configmap"]:
            continue
        value = data.get(rule["key"])
        if not isinstance(value, str):
            continue
        if value in rule.get("values", ()) or (rule.get("contains") and rule["contains"] in value):
            model.markers.add(("cni-policy-only", entry["name"]))
