"""Deep health checks on an instance group of CPU instances.

## What it does
Reports `OnStartDeepHealthChecks` on an instance group whose instance types
are all CPU types (per `schemas/instance-types.json`). Groups with a type
that cannot be resolved offline or is unknown are not judged. The API knows
three check types (`InstanceStress`, `InstanceConnectivity`,
`MultiNodeTrainingValidation`, up to three per group; `DeepHealthCheckType`
in `schemas/cluster-api.json`); any of them counts.

## Why is this bad?
Deep health checks test accelerated instances: the instance-level checks run
DCGM and EFA tests on GPU instances and Neuron tests on Trainium, the
cluster-level checks NCCL or NCCOM. HyperPod's deep health check page for
Slurm says that non-accelerated instances are skipped, so on a CPU-only group
the setting runs no check at all, while it suggests a safety net that is not
there. A warning, not an error: the setting is skipped, not rejected.

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
  (the instance-level tests for GPU and Trainium, the cluster-level NCCL/NCCOM tests)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-resiliency-slurm-deep-health-checks.html
  ("non-accelerated instances are automatically skipped")
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterInstanceGroupSpecification.html
  (`OnStartDeepHealthChecks`: 1 to 3 `DeepHealthCheckType` values)
"""

from __future__ import annotations

from hyperlint.findings import Hit

ID = "HP209"
NAME = "deep-health-checks-on-cpu"
SEVERITY = "warning"
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
                          f"checks test GPU and Trainium instances and skip CPU ones, so none runs here; "
                          f"remove OnStartDeepHealthChecks", key=True)
