"""`NodeRecovery: Automatic` does not cover CPU instance groups.

## What it does
Reports `NodeRecovery: Automatic` on an `AWS::SageMaker::Cluster` that has
instance groups made only of CPU instance types, naming those groups.

## Why is this bad?
Automatic node replacement is not supported for CPU instances, and the
health-monitoring agent only watches GPU and Trainium nodes. A faulty CPU
node (often the system or controller group) stays in the cluster until
someone replaces it by hand; plan for that (alarms, a runbook, or spare
capacity).

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      NodeRecovery: Automatic
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: controllers
          InstanceType: ml.m5.2xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      NodeRecovery: Automatic
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: gpu
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-recovery.html
"""

from __future__ import annotations

from hyperlint.findings import Hit

ID = "HP210"
NAME = "node-recovery-cpu-groups"
SEVERITY = "info"
TIER = "core"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        automatic = [v for v in template.scalars(props.get("NodeRecovery"), base + ("NodeRecovery",))
                     if v.value == "Automatic"]
        if not automatic:
            continue
        cpu_groups = []
        for group, path in template.instance_groups(props, base):
            types = {v.value for v in template.group_instance_types(group, path) if isinstance(v.value, str)}
            if types and all(ctx.data.instance_class(t) == "cpu" for t in types):
                cpu_groups.append(f"{template.group_label(group, path)} ({', '.join(sorted(types))})")
        if cpu_groups:
            for v in automatic:
                yield Hit(v.path, f"NodeRecovery: Automatic does not replace CPU instances; instance groups "
                                  f"{', '.join(cpu_groups)} are not recovered automatically")
