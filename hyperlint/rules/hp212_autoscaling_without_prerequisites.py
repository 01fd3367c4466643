"""HyperPod autoscaling enabled without its prerequisites.

## What it does
For an `AWS::SageMaker::Cluster` with `AutoScaling.Mode: Enable` (Karpenter
autoscaling), reports each missing prerequisite at its own place:

- `NodeProvisioningMode` missing or not `Continuous`;
- `NodeRecovery` not `Automatic` (a cluster created without it gets
  `Automatic`, HyperPod's documented default, so a missing one is fine);
- `ClusterRole` missing; or, when it is an `AWS::IAM::Role` of the template,
  a trust policy that does not let `hyperpod.sagemaker.amazonaws.com` assume
  it (reported at the role). A `ClusterRole` given as an ARN or a parameter
  cannot be judged offline.

Values are followed through `!Ref` (parameter default and allowed values)
and `!If`. The required values are data (`schemas/hyperpod-cluster.json`,
`autoscaling`).

## Why is this bad?
HyperPod's Karpenter-based autoscaling requires `NodeProvisioningMode:
Continuous`, `NodeRecovery: Automatic` and a `ClusterRole` that HyperPod
assumes as `hyperpod.sagemaker.amazonaws.com` to call
`BatchAddClusterNodes`/`BatchDeleteClusterNodes` (the autoscaling and
autoscaling IAM pages). Without one of them autoscaling cannot work as
documented.

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      AutoScaling: {Mode: Enable, AutoScalerType: Karpenter}
      NodeRecovery: Automatic
      ClusterRole: arn:aws:iam::111122223333:role/hyperpod-autoscaling
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 0
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      AutoScaling: {Mode: Enable, AutoScalerType: Karpenter}
      NodeProvisioningMode: Continuous
      NodeRecovery: Automatic
      ClusterRole: arn:aws:iam::111122223333:role/hyperpod-autoscaling
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 0
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-autoscaling.html
  (`NodeProvisioningMode: Continuous`, `NodeRecovery: Automatic`, `ClusterRole`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-autoscaling-iam.html
  (the `ClusterRole` trust and actions)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateCluster.html
  (`AutoScaling`, `ClusterRole`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-resiliency-slurm-auto-resume.html
  ("By default, the clusters are set up with Automatic node recovery")
"""

from __future__ import annotations

from hyperlint.cfn import ResourceRef, presence
from hyperlint.cfn_iam import role_trusts
from hyperlint.findings import Hit

ID = "HP212"
NAME = "autoscaling-without-prerequisites"
SEVERITY = "error"
TIER = "extended"


def check_cfn(template, ctx):
    facts = ctx.data.hyperpod_cluster["autoscaling"]
    service = facts["cluster_role_service"]
    judged_roles = set()
    for name, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        scaling = props.get("AutoScaling")
        if not isinstance(scaling, dict):
            continue
        enabled = [v for v in template.scalars(scaling.get("Mode"), base + ("AutoScaling", "Mode"))
                   if str(v.value).lower() == "enable"]
        if not enabled:
            continue
        mode = enabled[0].path
        for prop, wanted, default in (("NodeProvisioningMode", facts["node_provisioning_mode"], None),
                                      ("NodeRecovery", facts["node_recovery"], facts.get("node_recovery_default"))):
            yield from _require(template, props, base, prop, wanted, name, mode, default)
        role = props.get("ClusterRole")
        if presence(role) is False:
            yield Hit(base + ("ClusterRole",), f"HyperPod cluster {name} enables autoscaling without a ClusterRole; "
                                               f"set ClusterRole to a role that {service} can assume, allowed to "
                                               f"call {' and '.join(facts.get('cluster_role_actions', []))}",
                      related=(mode,))
            continue
        for v in template.values(role, base + ("ClusterRole",)):
            target = v.value.name if isinstance(v.value, ResourceRef) else None
            if target in judged_roles or template.resource_type(target) != "AWS::IAM::Role":
                continue
            judged_roles.add(target)
            if role_trusts(template, target, service) is False:
                yield Hit(("Resources", target, "Properties", "AssumeRolePolicyDocument"),
                          f"role {target} is the ClusterRole of autoscaling HyperPod cluster {name} but its trust "
                          f"policy does not let {service} assume it; add Principal: {{Service: {service}}}",
                          key=True, related=(v.path,))


def _require(template, props, base, prop: str, wanted: str, name, mode, default: str | None):
    value = props.get(prop)
    if presence(value) is False:
        if default == wanted:  # not set: the API's default meets it (NodeRecovery defaults to Automatic)
            return
        yield Hit(base + (prop,), f"HyperPod cluster {name} enables autoscaling (AutoScaling.Mode: Enable) without "
                                  f"{prop}; Karpenter autoscaling requires {prop}: {wanted}", related=(mode,))
        return
    for v in template.scalars(value, base + (prop,)):
        if v.value != wanted:
            yield Hit(v.path, f"{prop} is {v.value}{v.origin()} but HyperPod cluster {name} enables autoscaling, "
                              f"which requires {prop}: {wanted}", related=(mode,))
