"""HyperPod training operator add-on without the Pod Identity Agent or cert-manager.

## What it does
Reports an `AWS::EKS::Addon` named `amazon-sagemaker-hyperpod-training-operator`
(also a Terraform `aws_eks_addon`, or an eksctl `addons` entry) when the run
installs no `eks-pod-identity-agent` add-on, or no cert-manager (the
`cert-manager` EKS add-on, or a cert-manager Deployment or image among the
manifests): an error for each. A warning when no Pod Identity association
gives the operator's service account (`hp-training-operator-controller-manager`
in namespace `aws-hyperpod`) its role: neither the add-on's
`PodIdentityAssociations` nor an `AWS::EKS::PodIdentityAssociation` of the
run. One finding per missing piece, at the add-on's name. What the add-on
needs, and how each component is recognised, is data (`schemas/addons.json`).

## Why is this bad?
The installation guide lists both as prerequisites, and creates the Pod
Identity association for the operator before the add-on: the operator's
webhooks need certificates from cert-manager, and it calls AWS through EKS
Pod Identity. Without them the add-on fails to install or its pods crash, and
`HyperPodPyTorchJob`s are never run.

## Example
```yaml
Resources:
  TrainingOperator:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: amazon-sagemaker-hyperpod-training-operator
  CertManager:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: cert-manager
```

## Use instead
```yaml
Resources:
  TrainingOperator:
    Type: AWS::EKS::Addon
    DependsOn: [PodIdentityAgent, CertManager]
    Properties:
      ClusterName: training
      AddonName: amazon-sagemaker-hyperpod-training-operator
      PodIdentityAssociations:
        - ServiceAccount: hp-training-operator-controller-manager
          RoleArn: arn:aws:iam::111122223333:role/hyperpod-training-operator
  PodIdentityAgent:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: eks-pod-identity-agent
  CertManager:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: cert-manager
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eks-operator-install.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
"""

from __future__ import annotations

from hyperlint import components

ID = "HP110"
NAME = "training-operator-prerequisites"
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
