"""HyperPod inference operator add-on without the S3 and FSx CSI drivers.

## What it does
Reports an `AWS::EKS::Addon` named `amazon-sagemaker-hyperpod-inference`
(also a Terraform `aws_eks_addon`, or an eksctl `addons` entry) when the run
installs neither the Mountpoint for Amazon S3 CSI driver nor the FSx for
Lustre CSI driver (their EKS add-ons `aws-mountpoint-s3-csi-driver` /
`aws-fsx-csi-driver`, or `CSIDriver` objects `s3.csi.aws.com` /
`fsx.csi.aws.com` among the manifests): an error for each. Without
cert-manager or metrics-server (add-on, Deployment or image) it is a
warning: the setup guide installs them first, but the failure message names
only the CSI drivers. One finding per missing component, at the add-on's
name; the data is `schemas/addons.json`.

## Why is this bad?
The add-on checks its dependencies when it is created: "The inference
operator add-on creation fails because required CSI driver dependencies are
not installed" (`S3 CSI driver not installed (missing CSIDriver
s3.csi.aws.com)`, `FSx CSI driver not installed (missing CSIDriver
fsx.csi.aws.com)`). The stack then fails at the add-on.

## Example
```yaml
Resources:
  InferenceOperator:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: inference
      AddonName: amazon-sagemaker-hyperpod-inference
  S3Csi:
    Type: AWS::EKS::Addon
    Properties: {ClusterName: inference, AddonName: aws-mountpoint-s3-csi-driver}
  CertManager:
    Type: AWS::EKS::Addon
    Properties: {ClusterName: inference, AddonName: cert-manager}
  MetricsServer:
    Type: AWS::EKS::Addon
    Properties: {ClusterName: inference, AddonName: metrics-server}
```

## Use instead
```yaml
Resources:
  InferenceOperator:
    Type: AWS::EKS::Addon
    DependsOn: [S3Csi, FsxCsi]
    Properties:
      ClusterName: inference
      AddonName: amazon-sagemaker-hyperpod-inference
  S3Csi:
    Type: AWS::EKS::Addon
    Properties: {ClusterName: inference, AddonName: aws-mountpoint-s3-csi-driver}
  FsxCsi:
    Type: AWS::EKS::Addon
    Properties: {ClusterName: inference, AddonName: aws-fsx-csi-driver, ServiceAccountRoleArn: "arn:aws:iam::111122223333:role/fsx-csi"}
  CertManager:
    Type: AWS::EKS::Addon
    Properties: {ClusterName: inference, AddonName: cert-manager}
  MetricsServer:
    Type: AWS::EKS::Addon
    Properties: {ClusterName: inference, AddonName: metrics-server}
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-model-deployment-ts-cli.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-model-deployment-setup.html
"""

from __future__ import annotations

from hyperlint import components

ID = "HP111"
NAME = "inference-operator-prerequisites"
SEVERITY = "error"
EMITS = ("error", "warning")
TIER = "extended"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl


def check_cfn(template, ctx):
    yield from components.prerequisite_hits(template, ctx, ID)


def check_object(obj, ctx):
    yield from components.eksctl_prerequisite_hits(obj, ctx, ID)


def refine(finding, ctx):
    return components.refine(finding, ctx)
