"""HyperPod instance type without the `ml.` prefix, or unknown.

## What it does
Checks every instance type of an `AWS::SageMaker::Cluster`:
`InstanceGroups[*].InstanceType`, `InstanceRequirements.InstanceTypes` of
flexible groups, and `RestrictedInstanceGroups[*].InstanceType`, also
through `!Ref` (each `Default` and `AllowedValues` entry) and `!If`. A type
without the `ml.` prefix gets its `ml.` form; an unknown type gets the
closest known HyperPod type. The same places are checked in the input of
`aws sagemaker create-cluster --cli-input-json` and in saved
`aws sagemaker describe-cluster` output (`InstanceRequirements.DesiredInstanceTypes`).

Known types are data: `schemas/instance-types.json`, generated from the
API's `ClusterInstanceType` enum (botocore's SageMaker model) plus reviewed
facts; `hyperlint data` shows its date. Two kinds of type get a **warning**
or a specific **error** instead of the plain "unknown" error:

- a type outside the API enum that HyperPod material names (`ml.inf2.*`: the
  HyperPod Helm chart and the Helm chart page list it): a warning, because
  `CreateCluster` may reject it;
- a type listed as rejected in the data (`ml.trn1.2xlarge`: in cfn-lint's
  regional list and the task-governance topology list, not in the API
  enum): an error that names the conflicting sources.

## Why is this bad?
`CreateCluster` validates `InstanceType` against the `ClusterInstanceType`
enum, so `p5.48xlarge` or a typo such as `ml.p5.48xl` is rejected. In a
stack, the failure comes at deployment, after the resources created before
the cluster.

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

## Configuration
A type AWS added after the data's date goes under `data.instance-types` in
the configuration (`{type: ml.p7.48xlarge, class: gpu, max-pods: 49}`); so
does a type outside the API enum that your API does accept (a type the
configuration lists counts as accepted).

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
  (`InstanceType`: the `ClusterInstanceType` enum; the data is generated from
  botocore's copy of it, `botocore/data/sagemaker/2017-07-24/service-2.json`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-install-packages-using-helm-chart.html
  (the health-monitoring agent on inf2)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP201"
NAME = "instance-type-name"
SEVERITY = "error"
EMITS = ("error", "warning")  # warning: a type outside the API enum that HyperPod material names
TIER = "core"
FIX = "safe"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            for v in template.group_instance_types(group, path):
                hit = _judge(v, ctx)
                copies = template.allowed_copies(v.path, v.value) if hit and hit.facts else ()
                if copies:  # the fix changes them together (fixing the Default alone breaks the template)
                    hit = hit._replace(message=hit.message + " (also in its AllowedValues)", related=copies,
                                       facts={**hit.facts, "fix_related": True})
                if hit:
                    yield hit


def _judge(v, ctx):
    value = v.value
    if is_placeholder(value):
        return unrendered(v.path, value, "instance type")
    if not isinstance(value, str):
        return None
    data = ctx.data
    entry = data.instance(value)
    if entry:
        if entry.get("in_api_enum", True) is not False:
            return None
        return Hit(v.path, f"'{value}'{v.origin()} is not in the SageMaker API's ClusterInstanceType enum "
                           f"(data: instance-types.json, API enum as of {data.api_enum_as_of}), although HyperPod "
                           f"material names it; CreateCluster may reject it. If your API accepts it, list it under "
                           f"data.instance-types in the configuration", severity="warning")
    fixed = data.ml_form(value)
    if fixed:
        return Hit(v.path, f"instance type '{value}'{v.origin()} has no 'ml.' prefix; HyperPod accepts '{fixed}'",
                   facts={"value": value, "fixed": fixed})
    override = "if AWS added it after that, add it under data.instance-types in the configuration"
    if data.rejected_type(value):
        return Hit(v.path, f"'{value}'{v.origin()} is not a HyperPod instance type: the SageMaker API's "
                           f"ClusterInstanceType enum lacks it (data: instance-types.json, API enum as of "
                           f"{data.api_enum_as_of}), "
                           f"although some AWS material lists it (`hyperlint data` names the sources); {override}")
    guess = data.suggest(value)
    hint = f"; did you mean '{guess}'?" if guess else ""
    return Hit(v.path, f"'{value}'{v.origin()} is not a HyperPod instance type{hint} (data: instance-types.json, "
                       f"API enum as of {data.api_enum_as_of}; {override})")
