"""Extract from CloudFormation templates (and the CloudFormation-shaped view of
Terraform): HyperPod clusters and instance groups, EKS clusters and node groups,
add-ons and components, scheduler configs, quotas, the Helm chart deploy step."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import lazy
from ..model import (
    ChartInstall,
    EksCluster,
    HyperPodCluster,
    Installed,
    InstanceGroup,
    Model,
    NodeGroup,
    SchedulerConfig,
)
from ..safe import scalar_text
from ..scopes import names_hyperpod
from .common import (
    _HMA_KEY,
    _autoscaling,
    _int,
    _labels,
    _loc,
    _taints,
    arn_cluster_name,
)

if TYPE_CHECKING:  # CloudFormation support is imported only when a template is read
    from ..cfn import Template


def from_cfn(template: Template, doc, ctx, model: Model) -> None:
    from ..components import cfn_installed

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
    for name, _, _ in template.resources_of_type("AWS::EKS::Cluster"):
        cluster_name = _eks_name(template, name)
        model.eks_clusters.append(EksCluster(
            name=cluster_name,
            origin="cloudformation",
            loc=_loc(doc, ("Resources", name), ctx, key=True),
            named_hyperpod=hyperpod_entry or names_hyperpod(ctx.data, name, cluster_name, scalar_text(description)),
        ))
    _chart_deploy_step(template, doc, ctx, model)
    from ..scopes import NESTED_STACK, nested_stacks

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
        scaling = props.get("ScalingConfig")
        if not isinstance(scaling, dict):
            scaling = {}
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
    return name.value if name and isinstance(name.value, str) else logical_id


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


_HMA_OFF = lazy.pattern(r"health-monitoring-agent\.enabled[\"']?\s*[=:,]\s*[\"']?false", re.IGNORECASE)


_SCAN_BUDGET = 20000


def _chart_deploy_step(template: Template, doc, ctx, model: Model) -> None:
    """A template that installs the HyperPod Helm chart (a custom resource or Lambda
    given the chart's path, a Helm resource type): a deploy step (HP404). It runs the
    health-monitoring agent unless the template sets `health-monitoring-agent.enabled`
    to false."""
    found: tuple | None = None
    off: tuple | None = None
    stack: list[tuple[tuple, object]] = [((key,), template.root.get(key)) for key in ("Parameters", "Resources")]
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
    from ..cfn import ResourceRef

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
    k8s_config = g.get("KubernetesConfig")
    if not isinstance(k8s_config, dict):
        k8s_config = {}
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
