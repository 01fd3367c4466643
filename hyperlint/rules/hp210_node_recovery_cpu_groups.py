"""`NodeRecovery: Automatic` does not cover CPU instance groups.

## What it does
Reports `NodeRecovery: Automatic` on an `AWS::SageMaker::Cluster` that has
instance groups made only of CPU instance types, naming those groups.
Instance classes come from `schemas/instance-types.json`; GPU, Trainium and
Inferentia groups are covered (Inferentia by the chart's non-NVIDIA
health-monitoring agent DaemonSet).

## Why is this bad?
Automatic node replacement is not supported for CPU instances (the HyperPod
EKS prerequisites), and the health-monitoring agent runs on GPU,
Trainium and Inferentia nodes only (`health-monitoring-agent` on NVIDIA types,
`health-monitoring-agent-non-nvidia` on trn1, trn1n and inf2). A faulty CPU
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
  ("node auto-replacement is not supported for CPU instances")
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-install-packages-using-helm-chart.html
  (the health-monitoring agent supports GPU and Trainium/Inferentia: trn1, trn1n, inf2)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateCluster.html (`NodeRecovery`)
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
