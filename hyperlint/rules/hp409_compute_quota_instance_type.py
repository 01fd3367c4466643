"""Task governance `ComputeQuota` for an instance type its cluster lacks, or MIG on a non-MIG type.

## What it does
Checks each `ComputeQuotaConfig.ComputeQuotaResources` entry of an
`AWS::SageMaker::ComputeQuota` (a team's compute allocation in HyperPod task
governance):

- an `InstanceType` that no instance group of the referenced cluster has,
  when `ClusterArn` refers to an `AWS::SageMaker::Cluster` of the same
  template whose instance types are all known: warning;
- an `AcceleratorPartition` (a Multi-Instance GPU profile) on an instance
  type whose GPUs have no MIG support: error.

The MIG-capable families are data (`schemas/scheduling.json`,
`gpu_partitions`): the NodeClass guide names ml.p4d, ml.p5, ml.p5e and
ml.p5en; the HyperPod CLI's MIG profile table adds the Blackwell families.

## Why is this bad?
A quota allocates a share of the cluster's instances of that type to the
team. For a type the cluster does not have, the team gets nothing it can
use: its jobs queue forever, or borrow idle capacity only. MIG partitions
exist only on GPUs that support MIG: "Service rejects MIG profiles that the
chosen InstanceType does not support", and the stack fails.

## Example
```yaml
Resources:
  Cluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: gpu
          InstanceType: ml.g5.12xlarge
          InstanceCount: 4
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
  ResearchQuota:
    Type: AWS::SageMaker::ComputeQuota
    Properties:
      Name: research
      ClusterArn: !GetAtt Cluster.ClusterArn
      ComputeQuotaTarget: {TeamName: research, FairShareWeight: 50}
      ComputeQuotaConfig:
        ComputeQuotaResources:
          - InstanceType: ml.g5.12xlarge
            AcceleratorPartition: {Type: mig-1g.10gb, Count: 4}
```

## Use instead
```yaml
Resources:
  Cluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: gpu
          InstanceType: ml.g5.12xlarge
          InstanceCount: 4
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
  ResearchQuota:
    Type: AWS::SageMaker::ComputeQuota
    Properties:
      Name: research
      ClusterArn: !GetAtt Cluster.ClusterArn
      ComputeQuotaTarget: {TeamName: research, FairShareWeight: 50}
      ComputeQuotaConfig:
        ComputeQuotaResources:
          - InstanceType: ml.g5.12xlarge
            Accelerators: 4
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-policies.html
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ComputeQuotaResourceConfig.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-autoscaling-nodeclass.html
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.safe import VALUE_LIMIT, printable
from hyperlint.templating import is_placeholder, unrendered

ID = "HP409"
NAME = "compute-quota-instance-type"
SEVERITY = "warning"
EMITS = ("warning", "error")
TIER = "extended"


def check_cfn(template, ctx):
    mig = set(ctx.data.scheduling["gpu_partitions"]["mig_families"])
    for name, props, base in template.resources_of_type("AWS::SageMaker::ComputeQuota"):
        config = props.get("ComputeQuotaConfig")
        resources = config.get("ComputeQuotaResources") if isinstance(config, dict) else None
        if not isinstance(resources, list):
            continue
        provided = _cluster_types(template, props.get("ClusterArn"))
        rpath = base + ("ComputeQuotaConfig", "ComputeQuotaResources")
        for i, item in enumerate(resources):
            if not isinstance(item, dict):
                continue
            for v in template.scalars(item.get("InstanceType"), rpath + (i, "InstanceType")):
                if not isinstance(v.value, str):
                    continue
                if is_placeholder(v.value):
                    yield unrendered(v.path, v.value, "compute quota instance type")
                    continue
                shown = printable(v.value, VALUE_LIMIT)
                if provided is not None and v.value not in provided[1]:
                    yield Hit(v.path, f"compute quota {name} allocates {shown}{v.origin()}, which no instance group of "
                                      f"cluster {provided[0]} has ({', '.join(sorted(provided[1]))}); the team gets no "
                                      f"capacity it can use", related=(("Resources", provided[0]),))
                if "AcceleratorPartition" in item and ctx.data.instance(v.value) is not None \
                        and v.value.split(".")[1] not in mig:
                    yield Hit(rpath + (i, "AcceleratorPartition"),
                              f"compute quota {name} allocates MIG partitions of {shown}{v.origin()}, whose GPUs do "
                              f"not support Multi-Instance GPU (MIG-capable: ml.{', ml.'.join(sorted(mig))}); the "
                              f"service rejects the quota: allocate whole Accelerators instead",
                              severity="error", key=True)


def _cluster_types(template, arn) -> tuple[str, set[str]] | None:
    """(logical ID, instance types) of the cluster of this template ``arn`` refers to,
    when every type of every group is known; else None (not judged)."""
    target = template.ref_target(arn)
    if target is None or template.resource_type(target) != "AWS::SageMaker::Cluster":
        return None
    props = template.properties(target)
    base = ("Resources", target, "Properties")
    types: set[str] = set()
    for group, path in template.instance_groups(props, base):
        places = [(group.get("InstanceType"), path + ("InstanceType",))] if "InstanceType" in group else []
        req = group.get("InstanceRequirements")
        listed = req.get("InstanceTypes") if isinstance(req, dict) else None
        if isinstance(listed, list):
            places += [(t, path + ("InstanceRequirements", "InstanceTypes", j)) for j, t in enumerate(listed)]
        elif req is not None:
            return None
        if not places:
            return None
        for value, where in places:
            values = [v.value for v in template.scalars(value, where)]
            if not values or any(not isinstance(t, str) or is_placeholder(t) for t in values):
                return None  # a type that cannot be read offline may be the one the quota names
            types |= set(values)
    return (target, types) if types else None
