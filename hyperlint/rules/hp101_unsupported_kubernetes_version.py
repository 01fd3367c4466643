"""EKS Kubernetes version not supported by HyperPod.

## What it does
Checks the Kubernetes version of the EKS cluster against the versions
HyperPod supports (1.30 to 1.35 on the latest prerequisites page; the list
is data, overridable in the configuration):

- `AWS::EKS::Cluster.Version`, also through `!Ref` to a parameter, where its
  `Default` and each of its `AllowedValues` are judged at their own lines;
- eksctl `ClusterConfig.metadata.version`.

An unquoted `Version: 1.30` is the YAML number 1.3, which CloudFormation
passes on as `"1.3"`: the message says so (quote it).

On an EKS cluster not tied to HyperPod (no HyperPod cluster of its scope
names it, neither its file, stack description, name nor logical ID says
HyperPod or SageMaker, and the configuration does not say so; see
`hyperlint.scopes`) the finding is info.

## Why is this bad?
HyperPod's EKS prerequisites page lists the Kubernetes versions it supports;
a cluster on another version is outside that list (the page does not say how
it fails). The list moves: the latest English copy lists 1.30 to 1.35 and
drops 1.28 and 1.29, which older copies (and some translations) still list.
The table is data with a date (`hyperlint data`); when AWS's list changes
before hyperlint's, set `data.kubernetes-versions` in the configuration.

## Example
```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.27"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig:
        AuthenticationMode: API_AND_CONFIG_MAP
      ResourcesVpcConfig:
        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
```

## Use instead
```yaml
AWSTemplateFormatVersion: "2010-09-09"
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

## Terraform
The same checks read `aws_eks_cluster`/`awscc_eks_cluster` `version` and the
`cluster_version`/`kubernetes_version` input of `terraform-aws-modules/eks/aws`,
through `var.x` (its default and each `.tfvars` value) and `local.x`:
```hcl
resource "aws_eks_cluster" "main" {
  name     = "hyperpod-eks"
  version  = "1.27"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
  access_config {
    authentication_mode = "API_AND_CONFIG_MAP"
  }
}
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (the supported Kubernetes versions; `schemas/eks.json` `kubernetes_versions`)
- https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
  (EKS version lifecycle)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP101"
NAME = "unsupported-kubernetes-version"
SEVERITY = "error"
EMITS = ("error", "info")  # info: on an EKS cluster not tied to HyperPod
TIER = "core"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::EKS::Cluster"):
        if "Version" not in props:
            continue  # HP102
        for v in template.scalars(props["Version"], base + ("Version",)):
            hit = _judge(v.value, v.path, ctx, v.origin(), "CloudFormation")
            if hit:
                yield hit


def check_object(obj, ctx):
    if not obj.is_eksctl_cluster:
        return
    meta = obj.metadata
    if "version" in meta:
        hit = _judge(meta["version"], obj.at("metadata", "version"), ctx, "", "eksctl")
        if hit:
            yield hit


def _judge(value, path, ctx, origin: str, reader: str):
    if is_placeholder(value):
        return unrendered(path, value, "Kubernetes version")
    if isinstance(value, bool) or value is None:
        return None
    supported = ctx.data.kubernetes_versions
    shown = _range(supported)
    if isinstance(value, (int, float)):
        written = ctx.raw(path) or str(value)
        passed = str(value)
        if passed in supported:
            return None
        if written != passed:
            return Hit(path, f"Version {written} is the YAML number {value}, which {reader} passes on as "
                             f"'{passed}', not '{written}'{origin}; quote it ('{written}') and use a version "
                             f"HyperPod supports ({shown})")
        value = passed
    text = str(value).strip()
    if text in supported:
        return None
    return Hit(path, f"Kubernetes version {text}{origin} is not supported by HyperPod (supported: {shown}, "
                     f"{ctx.data.provenance('eks', 'kubernetes_versions', 'kubernetes_versions')})")


def _range(versions: list[str]) -> str:
    if len(versions) > 2:
        return f"{versions[0]} to {versions[-1]}"
    return ", ".join(versions)
