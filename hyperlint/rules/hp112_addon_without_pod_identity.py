"""FSx CSI or HyperPod observability add-on without the EKS Pod Identity Agent.

## What it does
Reports an `AWS::EKS::Addon` named `aws-fsx-csi-driver` or
`amazon-sagemaker-hyperpod-observability` (also a Terraform `aws_eks_addon`,
or an eksctl `addons` entry) when the run installs no
`eks-pod-identity-agent` add-on (or agent DaemonSet): an error. An FSx
add-on given an IAM role for service accounts (`ServiceAccountRoleArn`) does
not use Pod Identity and is not reported.

The observability add-on is also reported (warning) when no Pod Identity
association exists for its collector, service account
`hyperpod-observability-operator-otel-collector` in namespace
`hyperpod-observability`: neither the add-on's `PodIdentityAssociations` nor
an `AWS::EKS::PodIdentityAssociation` of the run. The data is
`schemas/addons.json`.

On an EKS cluster nothing ties to HyperPod (no HyperPod cluster, add-on or
workload in its scope) the FSx finding is info: it is an EKS matter there.

## Why is this bad?
"The Amazon FSx CSI Driver EKS add-on requires the EKS Pod Identity agent
... Without this component, the add-on will fail." The observability
add-on's collector writes metrics to Amazon Managed Service for Prometheus
(`aps:RemoteWrite`) through its Pod Identity association; without the agent
or the association it has no credentials and the dashboards stay empty.

## Example
```yaml
Resources:
  Observability:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: amazon-sagemaker-hyperpod-observability
      PodIdentityAssociations:
        - ServiceAccount: hyperpod-observability-operator-otel-collector
          RoleArn: arn:aws:iam::111122223333:role/hyperpod-observability
```

## Use instead
```yaml
Resources:
  Observability:
    Type: AWS::EKS::Addon
    DependsOn: PodIdentityAgent
    Properties:
      ClusterName: training
      AddonName: amazon-sagemaker-hyperpod-observability
      PodIdentityAssociations:
        - ServiceAccount: hyperpod-observability-operator-otel-collector
          RoleArn: arn:aws:iam::111122223333:role/hyperpod-observability
  PodIdentityAgent:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: eks-pod-identity-agent
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/fsx-csi-create.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/hyperpod-observability-addon-troubleshooting.html
- https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
"""

from __future__ import annotations

from hyperlint import components

ID = "HP112"
NAME = "addon-without-pod-identity"
SEVERITY = "error"
EMITS = ("error", "warning", "info")  # info: an EKS cluster not tied to HyperPod (hyperlint.scopes)
TIER = "extended"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl


def check_cfn(template, ctx):
    yield from components.prerequisite_hits(template, ctx, ID)


def check_object(obj, ctx):
    yield from components.eksctl_prerequisite_hits(obj, ctx, ID)


def refine(finding, ctx):
    return components.refine(finding, ctx)
