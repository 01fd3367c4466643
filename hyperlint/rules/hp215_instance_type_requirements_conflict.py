"""Instance group with both or neither of `InstanceType` and `InstanceRequirements`.

## What it does
Reports an instance group of an `AWS::SageMaker::Cluster` that sets both
`InstanceType` and `InstanceRequirements` (a flexible instance group), or
neither. A restricted instance group (`RestrictedInstanceGroups`) must set
`InstanceType` and cannot use `InstanceRequirements`. A property set in one
branch of an `!If` only (the other `!Ref AWS::NoValue`) is not judged.

## Why is this bad?
`InstanceType` and `InstanceRequirements` are mutually exclusive in the
`CreateCluster` API, and an instance group needs one of them to know what
to launch. Neither is required by the CloudFormation schema any more, so the
mistake only shows when the stack is deployed.

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
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceRequirements:
            InstanceTypes: [ml.g5.8xlarge, ml.g6.8xlarge]
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
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
        - InstanceGroupName: workers
          InstanceRequirements:
            InstanceTypes: [ml.g5.8xlarge, ml.g6.8xlarge]
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterInstanceGroupSpecification.html
  (`InstanceType` and `InstanceRequirements` are mutually exclusive)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterRestrictedInstanceGroupSpecification.html
  (restricted groups)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-cluster-clusterinstancegroup.html
  (neither property required in CloudFormation)
"""

from __future__ import annotations

from hyperlint.cfn import presence
from hyperlint.findings import Hit

ID = "HP215"
NAME = "instance-type-requirements-conflict"
SEVERITY = "error"
TIER = "extended"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            name = template.group_label(group, path)
            has_type = presence(group.get("InstanceType"))
            has_req = presence(group.get("InstanceRequirements"))
            if path[-2] == "RestrictedInstanceGroups":
                if has_type is False:
                    yield Hit(path + ("InstanceType",), f"restricted instance group {name} has no InstanceType; "
                                                        f"RestrictedInstanceGroups require InstanceType")
                if has_req is True:
                    yield Hit(path + ("InstanceRequirements",), f"restricted instance group {name} sets "
                              f"InstanceRequirements, which RestrictedInstanceGroups do not support; set InstanceType "
                              f"only", key=True)
            elif has_type is True and has_req is True:
                yield Hit(path + ("InstanceRequirements",), f"instance group {name} sets both InstanceType and "
                          f"InstanceRequirements, which are mutually exclusive; keep InstanceType for one type, or "
                          f"InstanceRequirements.InstanceTypes for a flexible group", key=True,
                          related=(path + ("InstanceType",),))
            elif has_type is False and has_req is False:
                yield Hit(path + ("InstanceType",), f"instance group {name} sets neither InstanceType nor "
                                                    f"InstanceRequirements; set InstanceType (or "
                                                    f"InstanceRequirements.InstanceTypes for a flexible group)")
