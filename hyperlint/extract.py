"""Extract: each document's contribution to the run model (``hyperlint.model``).

Called by the engine for every classified unit, while the document's tree and
positions are still at hand; everything kept is plain data with resolved
locations.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .classify import API_ALIASES, api_value, cluster_anchor
from .findings import Loc
from .helmchart import component_of, pod_component
from .k8s import K8sObject, PodTemplate
from .k8s_nodes import karpenter_terms, node_terms, tolerations
from .k8s_workloads import image_parts, instance_type_fields
from .locate import loc_of
from .model import (
    ChartInstall,
    Constraint,
    EksCluster,
    HyperPodCluster,
    Installed,
    InstanceGroup,
    Model,
    NodeClass,
    NodeGroup,
    SchedulerConfig,
    Workload,
)
from .safe import scalar_text
from .targeting import targets_hyperpod

if TYPE_CHECKING:  # CloudFormation support is imported only when a template is read
    from .cfn import Template


def _loc(doc, path, ctx, identity=None, key=False) -> Loc:
    return loc_of(doc, path, ctx.file, identity, key=key)


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _labels(value) -> dict:
    """Node labels as the model keeps them: only scalar keys and values (never a
    nested structure from the input, which may be an alias bomb or 10,000 levels deep)."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and _scalar(v)}


def _taints(value) -> list:
    """Taints as flat mappings of scalars (eksctl also writes them as a mapping of key to `value:effect`)."""
    if isinstance(value, dict):
        value = [{"key": k, "value": str(v).split(":", 1)[0], "effect": str(v).split(":", 1)[-1]}
                 for k, v in value.items() if isinstance(k, str) and isinstance(v, str)]
    if not isinstance(value, list):
        return []
    return [{k: v for k, v in t.items() if isinstance(k, str) and _scalar(v)} for t in value if isinstance(t, dict)]


def _str_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


# -- Kubernetes ---------------------------------------------------------------------

def from_k8s(obj: K8sObject, pods: list[PodTemplate], doc, ctx, model: Model) -> None:
    from .components import k8s_components

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
    if obj.kind == "ClusterConfig" and obj.group == "eksctl.io":
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
    from .kueue import pod_annotations

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
    from .templating import is_placeholder

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


def names_hyperpod(data, *texts) -> bool:
    """Does one of ``texts`` (a name, a path, a description) name HyperPod or SageMaker?"""
    words = data.node_pools["hyperpod_words"]["words"]
    return any(isinstance(t, str) and any(w in t.lower() for w in words) for t in texts)


def _node_pool(obj: K8sObject, doc, ctx, model: Model) -> None:
    """A Karpenter (or EKS Auto Mode) NodePool: HyperPod's when its nodeClassRef is
    HyperPod's node class, else EC2 capacity of the cluster (a non-HyperPod node group)."""
    spec = obj.data.get("spec")
    template = spec.get("template") if isinstance(spec, dict) else None
    tspec = template.get("spec") if isinstance(template, dict) else None
    tspec = tspec if isinstance(tspec, dict) else {}
    ref = tspec.get("nodeClassRef") if isinstance(tspec.get("nodeClassRef"), dict) else {}
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


_HMA_KEY = "health-monitoring-agent"


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


# -- CloudFormation ---------------------------------------------------------------------

def _eks_orchestrated(cluster: dict) -> bool:
    """Only HyperPod clusters orchestrated by EKS run the run's Kubernetes workloads
    (a describe-cluster document without `Orchestrator.Eks` is a Slurm cluster)."""
    orchestrator = cluster.get("Orchestrator")
    return isinstance(orchestrator, dict) and "Eks" in orchestrator


def from_cfn(template: Template, doc, ctx, model: Model) -> None:
    from .components import cfn_installed

    for name, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        if template.eks_orchestrators(props, base):
            model.clusters.append(_cfn_cluster(template, name, props, base, doc, ctx))
    for kind, what, path, cluster in cfn_installed(template, ctx.data):
        shown = None if cluster is None or cluster.startswith("resource:") else cluster
        installed = Installed(kind, what, _loc(doc, path, ctx), shown)
        if kind == "addon" and path[:1] == ("Resources",):
            props = template.properties(path[1])
            version = _single(template, props.get("AddonVersion"), ("Resources", path[1], "Properties", "AddonVersion"))
            if version is not None and isinstance(version.value, str):
                installed.version, installed.version_loc = version.value, _loc(doc, version.path, ctx)
        model.installed.append(installed)
    for _, props, base in template.resources_of_type("AWS::EKS::Cluster"):
        for v in template.scalars(props.get("Version"), base + ("Version",)):
            if isinstance(v.value, str):
                model.kubernetes_versions.append((v.value, _loc(doc, v.path, ctx)))
    for _, props, base in template.resources_of_type("AWS::SageMaker::ComputeQuota"):
        target = props.get("ComputeQuotaTarget")
        teams = {v.value for v in template.scalars(target.get("TeamName") if isinstance(target, dict) else None,
                                                   base + ("ComputeQuotaTarget", "TeamName"))}
        model.quota_teams.append(teams.pop() if len(teams) == 1 and isinstance(next(iter(teams)), str) else None)
    for name, props, base in template.resources_of_type("AWS::SageMaker::ClusterSchedulerConfig"):
        model.scheduler_configs.append(SchedulerConfig(name, _loc(doc, ("Resources", name), ctx, key=True),
                                                       _priority_classes(template, props, base)))
    description = template.root.get("Description")
    # a HyperPod node access entry of the same stack ties its EKS cluster to HyperPod
    entries = {v.value.upper() for _, props, base in template.resources_of_type("AWS::EKS::AccessEntry")
               for v in template.scalars(props.get("Type"), base + ("Type",)) if isinstance(v.value, str)}
    hyperpod_entry = bool(entries & set(ctx.data.eks["access_entries"]["no_access_policy_types"]))
    for name, props, base in template.resources_of_type("AWS::EKS::Cluster"):
        cluster_name = _eks_name(template, name)
        model.eks_clusters.append(EksCluster(
            name=cluster_name,
            origin="cloudformation",
            loc=_loc(doc, ("Resources", name), ctx, key=True),
            named_hyperpod=hyperpod_entry or names_hyperpod(ctx.data, name, cluster_name, scalar_text(description)),
        ))
    _chart_deploy_step(template, doc, ctx, model)
    from .scopes import NESTED_STACK, nested_stacks

    model.markers |= {(NESTED_STACK, target) for target in nested_stacks(template)}  # one deployment (scopes)
    for name, props, base in template.resources_of_type("AWS::EKS::Nodegroup"):
        listed = props.get("InstanceTypes")
        items = enumerate(listed) if isinstance(listed, list) else [(None, listed)]
        types = []
        for i, item in items:
            path = base + ("InstanceTypes",) + (() if i is None else (i,))
            for v in template.scalars(item, path):
                if isinstance(v.value, str):  # a CommaDelimitedList default is "a,b"
                    types += [t.strip() for t in v.value.split(",") if t.strip()]
        scaling = props.get("ScalingConfig") if isinstance(props.get("ScalingConfig"), dict) else {}
        nodegroup_name = props.get("NodegroupName")
        model.node_groups.append(NodeGroup(
            name=nodegroup_name if isinstance(nodegroup_name, str) else name,
            origin="cloudformation",
            instance_types=types,
            loc=_loc(doc, ("Resources", name), ctx, key=True),
            count=_int(scaling.get("DesiredSize")),
            labels=_labels(props.get("Labels")),
            taints=_taints(props.get("Taints")),
        ))


def _priority_classes(template: Template, props: dict, base: tuple) -> tuple | None:
    """The priority class names of a cluster policy; None when one cannot be read offline."""
    config = props.get("SchedulerConfig")
    if not isinstance(config, dict) or "PriorityClasses" not in config:
        return () if isinstance(config, dict) else None
    classes = config["PriorityClasses"]
    if not isinstance(classes, list):
        return None
    names = []
    for i, item in enumerate(classes):
        values = {v.value for v in template.scalars(item.get("Name") if isinstance(item, dict) else None,
                                                    base + ("SchedulerConfig", "PriorityClasses", i, "Name"))}
        if len(values) != 1 or not isinstance(next(iter(values)), str):
            return None
        names.append(values.pop())
    return tuple(names)


def _eks_name(template: Template, logical_id: str) -> str:
    """The name of an AWS::EKS::Cluster resource: its one known `Name`, else its logical ID."""
    name = _single(template, template.properties(logical_id).get("Name"), ("Resources", logical_id, "Properties", "Name"))
    return scalar_text(name.value) if name and isinstance(name.value, str) else logical_id


def arn_cluster_name(value) -> str | None:
    """`arn:aws:eks:<region>:<account>:cluster/<name>` -> `<name>`."""
    if isinstance(value, str) and value.startswith("arn:") and ":cluster/" in value:
        return value.rsplit(":cluster/", 1)[1] or None
    return None


def _eks_names(template: Template, props: dict, base: tuple) -> tuple:
    """Names of the EKS clusters an AWS::SageMaker::Cluster's `Orchestrator.Eks.ClusterArn` may name."""
    names = []
    for eks, path in template.eks_orchestrators(props, base):
        arn = eks.get("ClusterArn")
        target = template.ref_target(arn)
        if target is not None and template.resource_type(target) == "AWS::EKS::Cluster":
            names.append(_eks_name(template, target))
            continue
        names += [n for v in template.scalars(arn, path + ("ClusterArn",)) if (n := arn_cluster_name(v.value))]
    return tuple(dict.fromkeys(names))


_CHART_PATHS = ("HyperPodHelmChart", "hyperpod-helm-chart")
_HMA_OFF = re.compile(r"health-monitoring-agent\.enabled[\"']?\s*[=:,]\s*[\"']?false", re.IGNORECASE)
_SCAN_BUDGET = 20000


def _chart_deploy_step(template: Template, doc, ctx, model: Model) -> None:
    """A template that installs the HyperPod Helm chart (a custom resource or Lambda
    given the chart's path, a Helm resource type): a deploy step (HP404). It runs the
    health-monitoring agent unless the template sets `health-monitoring-agent.enabled`
    to false."""
    found, off = None, None
    stack = [((key,), template.root.get(key)) for key in ("Parameters", "Resources")]
    budget = _SCAN_BUDGET
    while stack and budget > 0:
        budget -= 1
        path, value = stack.pop()
        if isinstance(value, dict):
            if value.get(_HMA_KEY) is not None and isinstance(value[_HMA_KEY], dict) and \
                    str(value[_HMA_KEY].get("enabled", "")).lower() == "false":
                off = off or path + (_HMA_KEY, "enabled")
            stack += [(path + (k,), v) for k, v in value.items() if isinstance(k, str)]
        elif isinstance(value, list):
            stack += [(path + (i,), v) for i, v in enumerate(value)]
        elif isinstance(value, str):
            if found is None and any(p in value for p in _CHART_PATHS):
                found = path
            if off is None and _HMA_OFF.search(value):
                off = path
    if found is not None:
        model.chart_installs.append(ChartInstall("deploy", _loc(doc, off or found, ctx), hma=off is None))


def _autoscaling(value) -> bool:
    return isinstance(value, dict) and str(value.get("Mode", "")).lower() == "enable"


def _single(template: Template, value, path):
    """The one concrete value of a property, or None when it is not knowable or ambiguous."""
    found = {repr(v.value): v for v in template.scalars(value, path)}
    return next(iter(found.values())) if len(found) == 1 else None


def _cfn_cluster(template: Template, name: str, props: dict, base: tuple, doc, ctx) -> HyperPodCluster:
    cluster_name = _single(template, props.get("ClusterName"), base + ("ClusterName",))
    recovery, recovery_path = _node_recovery(template, props, base)
    cluster = HyperPodCluster(
        name=scalar_text(cluster_name.value) if cluster_name else name,
        origin="cloudformation",
        loc=_loc(doc, ("Resources", name), ctx, key=True),
        node_recovery=recovery,
        node_recovery_loc=_loc(doc, recovery_path, ctx, key=recovery is None),
        autoscaling=_autoscaling(props.get("AutoScaling")),
        eks=_eks_names(template, props, base),
    )
    for g, path in template.instance_groups(props, base):
        group = _cfn_group(template, g, path, "RestrictedInstanceGroups" in path, doc, ctx)
        override = g.get("OverrideVpcConfig")
        config, cpath = (override, path + ("OverrideVpcConfig",)) if isinstance(override, dict) else \
            (props.get("VpcConfig"), base + ("VpcConfig",))
        group.zones = _subnet_zones(template, config, cpath)
        cluster.groups.append(group)
    return cluster


def _node_recovery(template: Template, props: dict, base: tuple) -> tuple[str | None, tuple]:
    """(mode, path of the value): "Automatic" when it can be (a parameter's Default or
    AllowedValue), the value when there is one, "?" when set but not knowable, None when unset."""
    path = base + ("NodeRecovery",)
    if not any(True for _ in template.branches(props.get("NodeRecovery"), path)) or "NodeRecovery" not in props:
        return None, path
    values = [v for v in template.scalars(props["NodeRecovery"], path) if isinstance(v.value, str)]
    chosen = next((v for v in values if v.value == "Automatic"), values[0] if values else None)
    return (chosen.value, chosen.path) if chosen else ("?", path)


def _subnet_zones(template: Template, config, path: tuple) -> tuple | None:
    """The Availability Zones of the subnets a VpcConfig lists, when each is an
    `AWS::EC2::Subnet` of the template with a known zone: a literal
    `AvailabilityZone`/`AvailabilityZoneId`, or `!Select [i, !GetAZs ...]` (the i-th
    zone of the region: distinct indexes are distinct zones). None otherwise."""
    from .cfn import ResourceRef

    entries = template.vpc_config_subnets(config, path)
    if not entries:
        return None
    zones = []
    for values in entries:
        refs = {v.value.name for v in values if isinstance(v.value, ResourceRef)}
        if len(values) != 1 or len(refs) != 1:
            return None
        subnet = refs.pop()
        if template.resource_type(subnet) != "AWS::EC2::Subnet":
            return None
        props = template.properties(subnet)
        zone = _zone(template, props.get("AvailabilityZone"), ("Resources", subnet, "Properties", "AvailabilityZone"))
        if zone is None:
            zone = _zone(template, props.get("AvailabilityZoneId"), ("Resources", subnet, "Properties", "AvailabilityZoneId"))
        if zone is None:
            return None
        zones.append(zone)
    return tuple(dict.fromkeys(zones))


def _zone(template: Template, value, path: tuple) -> str | None:
    select = value.get("Fn::Select") if isinstance(value, dict) and len(value) == 1 else None
    if isinstance(select, list) and len(select) == 2 and isinstance(select[1], dict) and "Fn::GetAZs" in select[1]:
        index = select[0]
        return f"zone #{index} of the region" if isinstance(index, (int, str)) and str(index).isdigit() else None
    found = {v.value for v in template.scalars(value, path) if isinstance(v.value, str)}
    return found.pop() if len(found) == 1 else None


def _cfn_group(template: Template, g: dict, path: tuple, restricted: bool, doc, ctx) -> InstanceGroup:
    types, type_locs = [], []
    candidates = [(g.get("InstanceType"), path + ("InstanceType",))]
    req = g.get("InstanceRequirements")
    if isinstance(req, dict) and isinstance(req.get("InstanceTypes"), list):
        candidates += [(t, path + ("InstanceRequirements", "InstanceTypes", j)) for j, t in enumerate(req["InstanceTypes"])]
    for value, vpath in candidates:
        for v in template.scalars(value, vpath):
            if isinstance(v.value, str):
                types.append(v.value)
                type_locs.append(_loc(doc, v.path, ctx))
    group_name = _single(template, g.get("InstanceGroupName"), path + ("InstanceGroupName",))
    count = _single(template, g.get("InstanceCount"), path + ("InstanceCount",))
    counts = sorted({v.value for v in template.scalars(g.get("InstanceCount"), path + ("InstanceCount",))
                     if _int(v.value) is not None})
    k8s_config = g.get("KubernetesConfig") if isinstance(g.get("KubernetesConfig"), dict) else {}
    return InstanceGroup(
        name=str(group_name.value) if group_name else None,
        instance_types=types,
        count=_int(count.value) if count else None,
        loc=_loc(doc, path + ("InstanceGroupName",), ctx),
        type_locs=type_locs,
        count_loc=_loc(doc, count.path if count else path + ("InstanceCount",), ctx),
        counts=tuple(counts),
        deep_health_checks=bool(g.get("OnStartDeepHealthChecks")),
        labels=_labels(k8s_config.get("Labels")),
        taints=_taints(k8s_config.get("Taints")),
        restricted=restricted,
        training_plan=g.get("TrainingPlanArn") not in (None, ""),
    )


# -- saved `aws sagemaker describe-cluster` output --------------------------------------------

def from_describe_cluster(doc, ctx, model: Model) -> None:
    root = doc.root
    if not _eks_orchestrated(root):
        return
    name = root.get("ClusterName")
    recovery = root.get("NodeRecovery")
    anchor = cluster_anchor(root)
    cluster = HyperPodCluster(
        name=scalar_text(name) if name is not None else None,
        origin="describe-cluster",
        loc=_loc(doc, anchor, ctx),
        node_recovery=recovery if isinstance(recovery, str) else None,
        # the value to change, or the cluster's name when it is not set (not the document's first line)
        node_recovery_loc=_loc(doc, ("NodeRecovery",) if "NodeRecovery" in root else anchor, ctx),
        autoscaling=_autoscaling(root.get("AutoScaling")),
        eks=_api_eks_names(root),
    )
    for section, restricted in (("InstanceGroups", False), ("RestrictedInstanceGroups", True)):
        groups = root.get(section)
        if not isinstance(groups, list):
            continue
        for i, g in enumerate(groups):
            if not isinstance(g, dict):
                continue
            path = (section, i)
            types = _str_list(g.get("InstanceType"))
            type_paths = [path + ("InstanceType",)] if types else []
            req = g.get("InstanceRequirements")
            if isinstance(req, dict):
                key, listed = api_value(req, API_ALIASES[("InstanceRequirements", "InstanceTypes")])
                for j, t in enumerate(listed if isinstance(listed, list) else ()):
                    if isinstance(t, str):
                        types.append(t)
                        type_paths.append(path + ("InstanceRequirements", key, j))
            count_key = next((k for k in ("TargetCount", "CurrentCount", "InstanceCount") if _int(g.get(k)) is not None), None)
            k8s_config = g.get("KubernetesConfig") if isinstance(g.get("KubernetesConfig"), dict) else {}
            _, labels = api_value(k8s_config, API_ALIASES[("KubernetesConfig", "Labels")])
            _, taints = api_value(k8s_config, API_ALIASES[("KubernetesConfig", "Taints")])
            group_name = g.get("InstanceGroupName")
            cluster.groups.append(InstanceGroup(
                name=scalar_text(group_name) if group_name is not None else None,
                instance_types=types,
                count=_int(g.get(count_key)) if count_key else None,
                loc=_loc(doc, path + ("InstanceGroupName",), ctx),
                type_locs=[_loc(doc, p, ctx) for p in type_paths],
                count_loc=_loc(doc, path + (count_key,), ctx) if count_key else None,
                deep_health_checks=bool(g.get("OnStartDeepHealthChecks")),
                labels=_labels(labels),
                taints=_taints(taints),
                restricted=restricted,
                training_plan=g.get("TrainingPlanArn") not in (None, ""),
            ))
    model.clusters.append(cluster)


def _api_eks_names(root: dict) -> tuple:
    orchestrator = root.get("Orchestrator")
    eks = orchestrator.get("Eks") if isinstance(orchestrator, dict) else None
    name = arn_cluster_name(eks.get("ClusterArn")) if isinstance(eks, dict) else None
    return (name,) if name else ()


# -- the configuration file's `cluster:` section ------------------------------------------------

def from_configuration(config, ctx, model: Model) -> None:
    spec = config.cluster
    if not isinstance(spec, dict):
        return
    where = Loc(config.source or "<configuration>", 1, 1)
    cluster = HyperPodCluster(
        name=spec.get("name"),
        origin="configuration",
        loc=where,
        node_recovery=spec.get("node_recovery"),
        node_recovery_loc=where,
    )
    for g in spec.get("instance_groups", []):
        types = _str_list(g.get("instance_type")) + _str_list(g.get("instance_types"))
        cluster.groups.append(InstanceGroup(
            name=g.get("name"),
            instance_types=types,
            count=_int(g.get("count")),
            loc=where,
            type_locs=[where for _ in types],
            count_loc=where,
            deep_health_checks=bool(g.get("deep_health_checks")),
            labels=_labels(g.get("labels")),
            taints=_taints(g.get("taints")),
        ))
    model.clusters.append(cluster)
