"""Extract from SageMaker API JSON (a saved `aws sagemaker describe-cluster`
output) and from the configuration file's `cluster:` section: HyperPod clusters
and their instance groups."""

from __future__ import annotations

from ..classify import API_ALIASES, api_value, cluster_anchor
from ..findings import Loc
from ..model import HyperPodCluster, InstanceGroup, Model
from ..safe import scalar_text
from .common import (
    _autoscaling,
    _int,
    _labels,
    _loc,
    _str_list,
    _taints,
    arn_cluster_name,
)


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


def _eks_orchestrated(cluster: dict) -> bool:
    """Only HyperPod clusters orchestrated by EKS run the run's Kubernetes workloads
    (a describe-cluster document without `Orchestrator.Eks` is a Slurm cluster)."""
    orchestrator = cluster.get("Orchestrator")
    return isinstance(orchestrator, dict) and "Eks" in orchestrator


def _api_eks_names(root: dict) -> tuple:
    orchestrator = root.get("Orchestrator")
    eks = orchestrator.get("Eks") if isinstance(orchestrator, dict) else None
    name = arn_cluster_name(eks.get("ClusterArn")) if isinstance(eks, dict) else None
    return (name,) if name else ()


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
