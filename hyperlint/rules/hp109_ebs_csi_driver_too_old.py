"""EBS CSI driver add-on pinned below v1.47.0 next to a HyperPod cluster.

## What it does
In a template that defines an `AWS::SageMaker::Cluster`, reports an
`AWS::EKS::Addon` named `aws-ebs-csi-driver` whose `AddonVersion` is older
than v1.47.0 (`v1.41.0-eksbuild.1`), also through `!Ref` to a parameter's
default and allowed values. An add-on without `AddonVersion` gets EKS's
default for the cluster version and is not reported. The minimum version is
data (`schemas/eks.json`, `ebs_csi`).

## Why is this bad?
HyperPod nodes are not plain EC2 instances: EBS volumes are attached to them
through the SageMaker API (`AttachClusterNodeVolume`,
`DetachClusterNodeVolume`), which works together with the EBS CSI driver.
The HyperPod EBS page installs the driver at v1.47.0; it does not say which
older versions lack the support, so this is a warning. Also give the
driver's role the `sagemaker:AttachClusterNodeVolume`/`DetachClusterNodeVolume`
permissions the page lists.

## Example
```yaml
Resources:
  EbsCsiDriver:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: aws-ebs-csi-driver
      AddonVersion: v1.41.0-eksbuild.1
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  EbsCsiDriver:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: aws-ebs-csi-driver
      AddonVersion: v1.47.0-eksbuild.1
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-ebs.html
  (the driver at v1.47.0 and its role's `AttachClusterNodeVolume`/`DetachClusterNodeVolume` permissions)
- https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html
  (the `aws-ebs-csi-driver` add-on)
"""

from __future__ import annotations

from hyperlint.data import parse_version
from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP109"
NAME = "ebs-csi-driver-too-old"
SEVERITY = "warning"
TIER = "extended"


def check_cfn(template, ctx):
    clusters = [name for name, _, _ in template.resources_of_type("AWS::SageMaker::Cluster")]
    if not clusters:
        return
    addon = ctx.data.eks["ebs_csi"]["addon_name"]
    minimum = ctx.data.ebs_csi_minimum
    need = ".".join(map(str, minimum))
    for v in template.addon_versions(addon):
        if isinstance(v.value, str) and is_placeholder(v.value):
            yield unrendered(v.path, v.value, f"{addon} add-on version")
            continue
        version = parse_version(v.value) if isinstance(v.value, str) else None
        if version is not None and version < minimum:
            yield Hit(v.path, f"{addon} add-on version {v.value}{v.origin()} is older than v{need}, the version "
                              f"HyperPod needs to attach EBS volumes to the nodes of {clusters[0]}; "
                              f"use v{need} or later "
                              f"({ctx.data.provenance('eks', 'ebs_csi', None)})",
                      related=(("Resources", clusters[0]),))
