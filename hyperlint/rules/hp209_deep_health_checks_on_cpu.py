"""Deep health checks on an instance group of CPU instances.

## What it does
Reports `OnStartDeepHealthChecks` on an instance group whose instance types
are all CPU types (per `schemas/instance-types.json`). Groups with a type
that cannot be resolved offline or is unknown are not judged.

## Why is this bad?
Deep health checks (instance stress and connectivity tests) exist for GPU
and Trainium instances only. On a CPU group the setting is rejected or does
nothing, and it suggests a safety net that is not there.

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: system
          InstanceType: ml.m5.2xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
          OnStartDeepHealthChecks: [InstanceStress]
```

## Use instead
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: system
          InstanceType: ml.m5.2xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Terraform
`on_start_deep_health_checks` of an `awscc_sagemaker_cluster` instance group:
```hcl
resource "awscc_sagemaker_cluster" "hyperpod" {
  cluster_name = "ml-cluster"
  instance_groups = [{
    instance_group_name         = "general"
    instance_type               = "ml.m5.2xlarge"
    instance_count              = 1
    execution_role              = "arn:aws:iam::111122223333:role/hyperpod-execution"
    on_start_deep_health_checks = ["InstanceStress"]
    life_cycle_config = {
      on_create     = "on_create.sh"
      source_s3_uri = "s3://sagemaker-lifecycle-111122223333/"
    }
  }]
  orchestrator = { eks = { cluster_arn = "arn:aws:eks:us-west-2:111122223333:cluster/hyperpod-eks" } }
  vpc_config = {
    security_group_ids = ["sg-0a1b2c3d"]
    subnets            = ["subnet-0a1b2c3d"]
  }
}
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-deep-health-checks.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
"""

from __future__ import annotations

from hyperlint.findings import Hit

ID = "HP209"
NAME = "deep-health-checks-on-cpu"
SEVERITY = "error"
TIER = "core"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            if not group.get("OnStartDeepHealthChecks"):
                continue
            types = sorted({v.value for v in template.group_instance_types(group, path) if isinstance(v.value, str)})
            if types and all(ctx.data.instance_class(t) == "cpu" for t in types):
                name = template.group_label(group, path)
                yield Hit(path + ("OnStartDeepHealthChecks",),
                          f"instance group {name} has only CPU instance types ({', '.join(types)}); deep health "
                          f"checks support GPU and Trainium instances; remove OnStartDeepHealthChecks", key=True)
