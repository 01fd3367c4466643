"""`AWS::EKS::Cluster` without `Version`.

## What it does
Reports an `AWS::EKS::Cluster` resource that does not set `Version`.

On an EKS cluster not tied to HyperPod (no HyperPod cluster of its scope
names it, neither its file, stack description, name nor logical ID says
HyperPod or SageMaker, and the configuration does not say so; see
`hyperlint.scopes`) the finding is info.

## Why is this bad?
Without `Version`, EKS creates the cluster with its current default
Kubernetes version. That default moves with every EKS release and can be
newer than the versions HyperPod supports, so the same template works today
and fails to attach HyperPod next month. Pin a supported version.

## Example
```yaml
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig:
        AuthenticationMode: API_AND_CONFIG_MAP
      ResourcesVpcConfig:
        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
```

## Use instead
```yaml
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.32"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig:
        AuthenticationMode: API_AND_CONFIG_MAP
      ResourcesVpcConfig:
        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (the supported Kubernetes versions)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-cluster.html
  (`Version`: without it EKS uses its default version)
"""

from __future__ import annotations

from hyperlint.findings import Hit

ID = "HP102"
NAME = "eks-version-not-pinned"
SEVERITY = "warning"
EMITS = ("warning", "info")  # info: on an EKS cluster not tied to HyperPod
TIER = "core"


def check_cfn(template, ctx):
    versions = ctx.data.kubernetes_versions
    for name, props, base in template.resources_of_type("AWS::EKS::Cluster"):
        if "Version" not in props:
            yield Hit(base + ("Version",), f"EKS cluster {name} has no Version: EKS picks its current default, "
                                           f"which HyperPod may not support; pin one of {', '.join(versions)}")
