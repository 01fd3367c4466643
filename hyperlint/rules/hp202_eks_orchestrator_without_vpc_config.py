"""EKS-orchestrated HyperPod cluster without `VpcConfig`.

## What it does
Reports an `AWS::SageMaker::Cluster` with `Orchestrator.Eks` and no
`VpcConfig` (missing, `null` or `!Ref AWS::NoValue`). A `VpcConfig` set in
one branch of an `!If` only is not reported.

## Why is this bad?
`VpcConfig` is optional in the resource schema because Slurm clusters can
run in a SageMaker-managed VPC, but it is mandatory for EKS orchestration:
HyperPod nodes must join the EKS cluster's VPC to reach its API server and
run pods with VPC CNI addresses. `CreateCluster` rejects the cluster, and
since `VpcConfig` cannot be changed after creation it cannot be added later.

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
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
      VpcConfig:
        SecurityGroupIds: [sg-0a1b2c3d]
        Subnets: [subnet-0a1b2c3d]
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites.html
  (an EKS-orchestrated cluster needs your VPC)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateCluster.html
  (`VpcConfig`, which cannot be changed after creation)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-cluster.html
  (`VpcConfig` optional in the schema)
"""

from __future__ import annotations

from hyperlint.cfn import presence
from hyperlint.findings import Hit

ID = "HP202"
NAME = "eks-orchestrator-without-vpc-config"
SEVERITY = "error"
TIER = "extended"


def check_cfn(template, ctx):
    for name, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        orchestrators = template.eks_orchestrators(props, base)
        if not orchestrators:
            continue
        if presence(props.get("VpcConfig")) is False:
            yield Hit(base + ("VpcConfig",),
                      f"HyperPod cluster {name} is orchestrated by Amazon EKS but has no VpcConfig; EKS orchestration "
                      f"requires VpcConfig (SecurityGroupIds and private Subnets in the EKS cluster's VPC), and it "
                      f"cannot be added after the cluster is created", key=True,
                      related=(orchestrators[0][1],))
