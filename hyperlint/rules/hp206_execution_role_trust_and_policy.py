"""HyperPod execution role does not trust SageMaker or lacks its managed policy.

## What it does
For each `AWS::IAM::Role` of the template used as an instance group's
`ExecutionRole`: an **error** when its `AssumeRolePolicyDocument` does not
let `sagemaker.amazonaws.com` assume it; a **warning** when its
`ManagedPolicyArns` lack `AmazonSageMakerClusterInstanceRolePolicy`.
Documents or policy lists that cannot be read offline (parameters, imports)
are not judged.

## Why is this bad?
HyperPod launches each node with the execution role, so SageMaker must be
able to assume it; otherwise `CreateCluster` fails. The managed policy
grants what every node needs (CloudWatch logs and metrics, the lifecycle
scripts in `sagemaker-*` buckets); without it, or an equivalent, nodes fail
to bootstrap.

## Example
```yaml
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy
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
          ExecutionRole: !GetAtt ExecutionRole.Arn
```

## Use instead
```yaml
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy
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
          ExecutionRole: !GetAtt ExecutionRole.Arn
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites-iam.html
  (the execution role trusts `sagemaker.amazonaws.com`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-cluster.html
  (`AmazonSageMakerClusterInstanceRolePolicy`)
"""

from __future__ import annotations

from hyperlint.cfn import ResourceRef
from hyperlint.cfn_iam import role_trusts
from hyperlint.findings import Hit

ID = "HP206"
NAME = "execution-role-trust-and-policy"
SEVERITY = "error"
EMITS = ("error", "warning")
TIER = "core"


def check_cfn(template, ctx):
    seen = set()
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            for v in template.values(group.get("ExecutionRole"), path + ("ExecutionRole",)):
                role = v.value.name if isinstance(v.value, ResourceRef) else None
                if role and role not in seen and template.resource_type(role) == "AWS::IAM::Role":
                    seen.add(role)
                    yield from _check_role(template, role, ctx.data.hyperpod_cluster["execution_role"])


def _check_role(template, role: str, facts: dict):
    service, policy = facts["trusted_service"], facts["managed_policy"]
    props = template.properties(role)
    base = ("Resources", role, "Properties")
    if role_trusts(template, role, service) is False:
        yield Hit(base + ("AssumeRolePolicyDocument",), f"role {role} is a HyperPod execution role but its trust "
                  f"policy does not let {service} assume it; add Principal: {{Service: {service}}}", key=True)
    has_policy = _has_managed_policy(template, props.get("ManagedPolicyArns"), base + ("ManagedPolicyArns",), policy)
    if has_policy is False:
        where = base + ("ManagedPolicyArns",)
        yield Hit(where, f"role {role} is a HyperPod execution role without the AWS managed policy {policy}; "
                         f"attach arn:aws:iam::aws:policy/{policy} (or grant the same permissions)",
                  severity="warning", key=True)


def _texts(value):
    """Literal strings of a value, including the template text of Fn::Sub."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict) and len(value) == 1:
        (fn, arg), = value.items()
        if fn == "Fn::Sub":
            yield from _texts(arg[0] if isinstance(arg, list) and arg else arg)
        elif fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            parts = [p for p in arg[1] if isinstance(p, str)] if isinstance(arg[1], list) else []
            yield "".join(parts)
        elif fn == "Fn::If" and isinstance(arg, list):
            yield from _texts(arg[1:])


def _has_managed_policy(template, arns, path, policy: str) -> bool | None:
    if arns is None:
        return False
    if not isinstance(arns, list):
        return None
    unknown = False
    for i, item in enumerate(arns):
        texts = list(_texts(item)) + [v.value for v in template.scalars(item, path + (i,)) if isinstance(v.value, str)]
        if any(policy in t for t in texts):
            return True
        if not texts:
            unknown = True
    return None if unknown else False
