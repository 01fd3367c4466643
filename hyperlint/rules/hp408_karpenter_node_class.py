"""HyperPod Karpenter `HyperpodNodeClass` or `NodePool` that autoscaling cannot use.

## What it does
For HyperPod autoscaling (managed Karpenter), reports:

- a `HyperpodNodeClass` (`karpenter.sagemaker.amazonaws.com`) naming more than
  10 instance groups (error, at the 11th);
- when the run holds the HyperPod cluster: a `HyperpodNodeClass` naming an
  instance group the cluster does not have (error, with the closest name),
  or a group it names that has `InstanceCount` above 0 in a template or
  create-cluster request, `OnStartDeepHealthChecks`, or a `TrainingPlanArn`
  (error each, at the group's name in the node class); a group whose subnets
  (its `OverrideVpcConfig`, else the cluster's `VpcConfig`) are subnets of
  the template in more than one Availability Zone, or of a Graviton (arm64)
  instance type (warning each);
- a Karpenter `NodePool` whose `nodeClassRef` is a `HyperpodNodeClass` with
  requirement keys other than `node.kubernetes.io/instance-type`,
  `topology.kubernetes.io/zone` and `kubernetes.io/arch`, or an `arm64`
  architecture (warning).

Counts in describe-cluster output (`CurrentCount`, `TargetCount`) are what
Karpenter scaled to and are not judged. The limits and keys are data (`schemas/scheduling.json`,
`autoscaling`).

## Why is this bad?
The NodeClass guide: "You can specify up to 10 instance groups"; "You must
start with 0 nodes in your instance group and let Karpenter handle the
autoscaling"; "Only on-demand capacity is supported ... Instance groups with
Training plan or reserved capacity are not supported"; "Instance groups with
DeepHealthChecks (DHC) are not supported" (pods would wait 60-90 minutes per
new node); "Subnets used by the instance group should belong to the same
AZ". A group the cluster does not have makes the NodeClass not
`Ready`, so nothing scales. The NodePool guide lists the few requirements
the HyperPod provider supports, amd64 only: other keys are not honoured.

## Example
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
NodeProvisioningMode: Continuous
AutoScaling: {Mode: Enable, AutoScalerType: Karpenter}
InstanceGroups:
  - InstanceGroupName: auto-g5
    InstanceType: ml.g5.8xlarge
    InstanceCount: 0
    ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
---
apiVersion: karpenter.sagemaker.amazonaws.com/v1
kind: HyperpodNodeClass
metadata:
  name: gpu
spec:
  instanceGroups:
    - auto-g5-az1
```

## Use instead
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
NodeProvisioningMode: Continuous
AutoScaling: {Mode: Enable, AutoScalerType: Karpenter}
InstanceGroups:
  - InstanceGroupName: auto-g5
    InstanceType: ml.g5.8xlarge
    InstanceCount: 0
    ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
---
apiVersion: karpenter.sagemaker.amazonaws.com/v1
kind: HyperpodNodeClass
metadata:
  name: gpu
spec:
  instanceGroups:
    - auto-g5
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-autoscaling-nodeclass.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-autoscaling-nodepool.html
"""

from __future__ import annotations

from hyperlint.findings import Hit, RunHit
from hyperlint.k8s_nodes import karpenter_terms
from hyperlint.safe import VALUE_LIMIT, printable

ID = "HP408"
NAME = "karpenter-node-class"
SEVERITY = "error"
EMITS = ("error", "warning")
TIER = "extended"
OBJECT_KINDS = ("HyperpodNodeClass", "NodePool")


def check_object(obj, ctx):
    conf = ctx.data.scheduling["autoscaling"]
    if obj.kind == conf["node_class_kind"] and obj.group == conf["node_class_group"]:
        spec = obj.data.get("spec")
        groups = spec.get("instanceGroups") if isinstance(spec, dict) else None
        limit = conf["max_instance_groups"]
        if isinstance(groups, list) and len(groups) > limit:
            yield Hit(obj.at("spec", "instanceGroups", limit),
                      f"HyperpodNodeClass {obj.name} names {len(groups)} instance groups; a NodeClass takes at most "
                      f"{limit}: split it into several NodeClasses")
    elif obj.kind == "NodePool" and obj.group.startswith("karpenter") and _on_hyperpod(obj, conf):
        allowed = conf["node_pool_keys"]
        for term in karpenter_terms(obj):
            if term.key not in allowed:
                yield Hit(term.path, f"NodePool {obj.name} on a HyperpodNodeClass requires '{printable(term.key, VALUE_LIMIT)}'; "
                                     f"the HyperPod provider supports only {', '.join(allowed)}, so it is not honoured",
                          severity="warning")
            elif term.key == "kubernetes.io/arch":
                for value, path in term.values:
                    if isinstance(value, str) and value not in conf["node_pool_arch"] and term.operator == "In":
                        yield Hit(path, f"NodePool {obj.name} on a HyperpodNodeClass asks for architecture "
                                        f"'{printable(value, VALUE_LIMIT)}'; HyperPod autoscaling supports only "
                                        f"{', '.join(conf['node_pool_arch'])}", severity="warning")


def _on_hyperpod(obj, conf) -> bool:
    spec = obj.data.get("spec")
    tpl = spec.get("template") if isinstance(spec, dict) else None
    tspec = tpl.get("spec") if isinstance(tpl, dict) else None
    ref = tspec.get("nodeClassRef") if isinstance(tspec, dict) else None
    return isinstance(ref, dict) and ref.get("kind") == conf["node_class_kind"] and \
        ref.get("group") == conf["node_class_group"]


def check_run(model, ctx):
    if not model.node_classes or not model.clusters:
        return
    groups = {}
    for cluster in model.clusters:
        for group in cluster.groups:
            if group.name:
                groups.setdefault(group.name, (cluster, group))
    if not groups or any(g.name is None for c in model.clusters for g in c.groups):
        return  # a group whose name cannot be known offline may be the one named
    for node_class in model.node_classes:
        for name, loc in node_class.groups:
            if name not in groups:
                import difflib  # only for a name the cluster does not have

                close = difflib.get_close_matches(name, list(groups), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else f" (it has {', '.join(sorted(groups))})"
                yield RunHit(loc, f"HyperpodNodeClass {node_class.name} names instance group '{name}', which the "
                                  f"HyperPod cluster does not have: the NodeClass is not Ready and nothing scales{hint}")
                continue
            _, group = groups[name]
            for problem in _unsupported(group):
                yield RunHit(loc, f"HyperpodNodeClass {node_class.name} names instance group {name}, which "
                                  f"{problem}", related=(group.loc,))
            arm = sorted({t for t in group.instance_types if (ctx.data.instance(t) or {}).get("arch") == "arm64"})
            if arm:
                yield RunHit(loc, f"HyperpodNodeClass {node_class.name} names instance group {name} of Graviton (arm64) "
                                  f"type {', '.join(arm)}; HyperPod autoscaling supports only "
                                  f"{', '.join(ctx.data.scheduling['autoscaling']['node_pool_arch'])}",
                             severity="warning", related=(group.loc,))
            if group.zones and len(group.zones) > 1:
                yield RunHit(loc, f"HyperpodNodeClass {node_class.name} names instance group {name}, whose subnets "
                                  f"are in {len(group.zones)} Availability Zones ({', '.join(group.zones)}); the "
                                  f"autoscaling guide asks for one zone per group (a group per zone), so Karpenter "
                                  f"can place nodes where pods need them", severity="warning", related=(group.loc,))


def _unsupported(group) -> list[str]:
    found = []
    requested = group.count_loc is not None and group.count_loc.pointer.endswith("/InstanceCount")
    if requested and group.count is not None and group.count > 0:
        found.append(f"starts with InstanceCount {group.count}; autoscaled groups must start at 0 and let Karpenter "
                     f"add nodes (it scales them down to 0 otherwise)")
    if group.deep_health_checks:
        found.append("runs deep health checks (OnStartDeepHealthChecks), which autoscaling does not support: each new "
                     "node would keep pods pending for 60-90 minutes")
    if group.training_plan:
        found.append("runs on a training plan (TrainingPlanArn); autoscaling supports only on-demand capacity")
    return found
