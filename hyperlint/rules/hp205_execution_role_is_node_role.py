"""HyperPod execution role is also an EKS node role.

## What it does
Compares the `ExecutionRole` of every HyperPod instance group with the node
roles of the same template: `AWS::EKS::Nodegroup.NodeRole` and
`AWS::EKS::Cluster.ComputeConfig.NodeRoleArn` (EKS Auto Mode). Roles are the
same when they point at the same `AWS::IAM::Role` resource (`!GetAtt`,
`!Ref`, an ARN built with `!Sub`) or have the same role name in a literal
ARN or `RoleName`.

## Why is this bad?
The prerequisites require distinct roles: HyperPod nodes use a role based on
the IAM role for SageMaker HyperPod (trusting `sagemaker.amazonaws.com`),
EKS nodes use the EKS node IAM role (trusting `ec2.amazonaws.com`). One role
for both either cannot be assumed by one of the services or grants each
kind of node the other's permissions.

## Example
```yaml
Resources:
  NodeRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: [ec2.amazonaws.com, sagemaker.amazonaws.com]}
            Action: sts:AssumeRole
  SystemNodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: training
      NodeRole: !GetAtt NodeRole.Arn
      Subnets: [subnet-0a1b2c3d]
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
          ExecutionRole: !GetAtt NodeRole.Arn
```

## Use instead
```yaml
Resources:
  NodeRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
  SystemNodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: training
      NodeRole: !GetAtt NodeRole.Arn
      Subnets: [subnet-0a1b2c3d]
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
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (HyperPod nodes and EKS nodes need distinct roles)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites-iam.html
  (the IAM role for SageMaker HyperPod)
"""

from __future__ import annotations

from hyperlint.cfn_iam import role_identities
from hyperlint.findings import Hit

ID = "HP205"
NAME = "execution-role-is-node-role"
SEVERITY = "error"
TIER = "core"


def _node_roles(template):
    """(description, path, identities) of every EKS node role of the template."""
    for name, props, base in template.resources_of_type("AWS::EKS::Nodegroup"):
        if "NodeRole" in props:
            yield f"EKS node group {name}", base + ("NodeRole",), role_identities(template, props["NodeRole"], base + ("NodeRole",))
    for name, props, base in template.resources_of_type("AWS::EKS::Cluster"):
        compute = props.get("ComputeConfig")
        if isinstance(compute, dict) and "NodeRoleArn" in compute:
            path = base + ("ComputeConfig", "NodeRoleArn")
            yield f"EKS Auto Mode of cluster {name}", path, role_identities(template, compute["NodeRoleArn"], path)


def check_cfn(template, ctx):
    node_roles = [r for r in _node_roles(template) if r[2]]
    if not node_roles:
        return
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            if "ExecutionRole" not in group:
                continue
            mine = role_identities(template, group["ExecutionRole"], path + ("ExecutionRole",))
            for what, node_path, theirs in node_roles:
                if mine & theirs:
                    name = template.group_label(group, path)
                    yield Hit(path + ("ExecutionRole",),
                              f"instance group {name} uses the node role of {what} as its ExecutionRole; HyperPod "
                              f"nodes and EKS nodes need distinct IAM roles", related=(node_path,))
                    break
