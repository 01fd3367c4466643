"""HyperPod instance type without the `ml.` prefix, or unknown.

## What it does
Checks every instance type of an `AWS::SageMaker::Cluster`:
`InstanceGroups[*].InstanceType`, `InstanceRequirements.InstanceTypes` of
flexible groups, and `RestrictedInstanceGroups[*].InstanceType`, also
through `!Ref` (each `Default` and `AllowedValues` entry) and `!If`. A type
without the `ml.` prefix gets its `ml.` form; an unknown type gets the
closest known HyperPod type. Known types are data (`schemas/instance-types.json`),
extendable in the configuration. The same places are checked in the input of
`aws sagemaker create-cluster --cli-input-json` and in saved
`aws sagemaker describe-cluster` output (`InstanceRequirements.DesiredInstanceTypes`).

## Why is this bad?
`CreateCluster` only accepts SageMaker instance type names (`ml.p5.48xlarge`).
`p5.48xlarge` or a typo such as `ml.p5.48xl` makes the stack fail at
deployment, after the VPC, roles and EKS cluster were already created.

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      ClusterName: training
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: p5.48xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      ClusterName: training
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.p5.48xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Fix
Safe for a missing `ml.` prefix: `hyperlint check --fix` adds it.

## Terraform
`instance_type` (and `instance_requirements.instance_types`) of the
`instance_groups` of an `awscc_sagemaker_cluster`, literal or through a
variable or local; `--fix` adds `ml.` in the `.tf` or `.tfvars` file:
```hcl
resource "awscc_sagemaker_cluster" "hyperpod" {
  cluster_name = "ml-cluster"
  instance_groups = [{
    instance_group_name = "accelerated"
    instance_type       = "p5.48xlarge"
    instance_count      = 2
    execution_role      = "arn:aws:iam::111122223333:role/hyperpod-execution"
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
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterInstanceGroupSpecification.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP201"
NAME = "instance-type-name"
SEVERITY = "error"
TIER = "core"
FIX = "safe"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            for v in template.group_instance_types(group, path):
                hit = _judge(v, ctx)
                if hit:
                    yield hit


def _judge(v, ctx):
    value = v.value
    if is_placeholder(value):
        return unrendered(v.path, value, "instance type")
    if not isinstance(value, str) or ctx.data.instance(value):
        return None
    fixed = ctx.data.ml_form(value)
    if fixed:
        return Hit(v.path, f"instance type '{value}'{v.origin()} has no 'ml.' prefix; HyperPod accepts '{fixed}'",
                   facts={"value": value, "fixed": fixed})
    guess = ctx.data.suggest(value)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return Hit(v.path, f"'{value}'{v.origin()} is not a HyperPod instance type{hint}")
