"""`Orchestrator.Eks.ClusterArn` is not the ARN of an EKS cluster.

## What it does
Checks `Orchestrator.Eks.ClusterArn` of every `AWS::SageMaker::Cluster`:

- `!GetAtt X.Arn` of an `AWS::EKS::Cluster` of the template is right;
  `!Ref X` of that cluster is reported (it returns the cluster *name*), as
  is any other attribute, and a reference to a resource that is not an EKS
  cluster (an IAM role, a security group ...);
- a string, also from a parameter's default and allowed values, must be an
  EKS cluster ARN, `arn:aws:eks:<region>:<account>:cluster/<name>`;
- a string built with `!Sub` or `!Join` is reported only when no value of
  its unknown pieces (pseudo parameters such as `${AWS::Region}`,
  parameters without a default, imports) can make it such an ARN:
  `!Sub arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:cluster/${ClusterName}`
  is fine, `!Sub arn:aws:iam::${AWS::AccountId}:role/${Name}` is not.

Imports, parameters without a default (or with `Default: ""`), nested-stack outputs and custom
resources cannot be known offline and are not reported. The ARN shape is
data (`schemas/hyperpod-cluster.json`, `eks_cluster_arn`).

## Why is this bad?
HyperPod registers its nodes with the EKS cluster named by this ARN.
`CreateCluster` rejects anything else, after the VPC, the roles and the EKS
cluster were created. Note that the CloudFormation reference page of
`ClusterOrchestratorEksConfig` wrongly describes `ClusterArn` as the ARN of
the HyperPod cluster itself; it is the EKS cluster's ARN.

## Example
```yaml
Resources:
  EksCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.32"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig: {AuthenticationMode: API_AND_CONFIG_MAP}
      ResourcesVpcConfig: {SubnetIds: [subnet-0a1b2c3d]}
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: !Ref EksCluster}
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
  EksCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.32"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig: {AuthenticationMode: API_AND_CONFIG_MAP}
      ResourcesVpcConfig: {SubnetIds: [subnet-0a1b2c3d]}
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: !GetAtt EksCluster.Arn}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterOrchestratorEksConfig.html
  (`ClusterArn`: the EKS cluster's ARN and its pattern; `schemas/hyperpod-cluster.json` `eks_cluster_arn`)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-cluster.html
  (`Fn::GetAtt Arn` of `AWS::EKS::Cluster`)
"""

from __future__ import annotations

import re
from functools import lru_cache

from hyperlint.cfn import PSEUDO_EXAMPLES, ResourceRef, Unknown, spell
from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP203"
NAME = "cluster-arn-not-eks-cluster"
SEVERITY = "error"
TIER = "extended"

EKS_CLUSTER = "AWS::EKS::Cluster"
# resources whose attributes can be anything: not judged
_OPAQUE = ("AWS::CloudFormation::Stack", "AWS::CloudFormation::CustomResource", "AWS::SSM::Parameter")


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for eks, eks_path in template.eks_orchestrators(props, base):
            if "ClusterArn" not in eks:
                continue
            for v in template.text_parts(eks["ClusterArn"], eks_path + ("ClusterArn",)):
                hit = _judge(template, v, ctx)
                if hit:
                    yield hit


def _judge(template, v, ctx):
    parts = v.value
    if len(parts) == 1 and isinstance(parts[0], ResourceRef):
        return _judge_reference(template, parts[0], v.path)
    if all(isinstance(p, str) for p in parts):
        text = "".join(parts)
        if is_placeholder(text):
            return unrendered(v.path, text, "EKS cluster ARN")
    if _could_be_arn(parts, _grammar(tuple(ctx.data.hyperpod_cluster["eks_cluster_arn"]["pieces"]))):
        return None
    shown = "".join(p if isinstance(p, str) else "${" + _name(p) + "}" for p in parts)
    service = re.match(r"arn:[^:]*:([^:\0]+):", spell(parts, "\0"))
    hint = f" (it is an ARN of service '{service.group(1)}')" if service and service.group(1) != "eks" else ""
    same = ("aws_eks_cluster.<name>.arn for a cluster of this module" if template.dialect == "Terraform"
            else "!GetAtt <EksCluster>.Arn for a cluster of this template")
    return Hit(v.path, f"ClusterArn '{shown}'{v.origin()} is not an EKS cluster ARN{hint}; use "
                       f"arn:aws:eks:<region>:<account>:cluster/<name>, or {same}")


def _judge_reference(template, ref: ResourceRef, path):
    rtype = template.resource_type(ref.name)
    rtype = rtype if isinstance(rtype, str) else ""
    terraform = template.dialect == "Terraform"
    if rtype == EKS_CLUSTER:
        if ref.attribute == "Arn":
            return None
        if terraform:  # the view spells `.id`/`.name` as Ref, other attributes as GetAtt
            return Hit(path, f"cluster_arn refers to {'the name' if ref.attribute is None else ref.attribute} of "
                             f"EKS cluster {ref.name}, not its ARN; use {ref.name}.arn",
                       related=(("Resources", ref.name),))
        got = "its name" if ref.attribute is None else f"its {ref.attribute}"
        how = f"!Ref {ref.name}" if ref.attribute is None else f"!GetAtt {ref.name}.{ref.attribute}"
        return Hit(path, f"ClusterArn is {how}, which gives {got}, not the ARN of EKS cluster {ref.name}; "
                         f"use !GetAtt {ref.name}.Arn", related=(("Resources", ref.name),))
    if not rtype.startswith("AWS::") or rtype in _OPAQUE:
        return None  # custom resources, nested stacks, SSM parameters: their value is not known offline
    how = "aws_eks_cluster.<name>.arn" if terraform else "!GetAtt <EksCluster>.Arn"
    return Hit(path, f"ClusterArn refers to {ref.name} ({rtype}), not to an {EKS_CLUSTER}; HyperPod needs the "
                     f"ARN of the EKS cluster that orchestrates it ({how})",
               related=(("Resources", ref.name),))


def _name(part) -> str:
    if isinstance(part, ResourceRef):
        return part.name + (f".{part.attribute}" if part.attribute else "")
    return part.name


# -- could a partly known string be an ARN of that shape? ------------------------
# The shape is a list of tokens (characters, min, max); a small NFA walks the
# literal text and lets each unknown piece stand for any string.

_CLASS_PIECE = re.compile(r"^\[([^\]]+)\](\*|\+|\{(\d+)(?:,(\d+))?\})?$")


@lru_cache(maxsize=8)
def _grammar(pieces: tuple) -> tuple:
    tokens: list[tuple[frozenset[str], int, int | None]] = []
    for piece in pieces:
        m = _CLASS_PIECE.match(piece)
        if not m:
            tokens += [(frozenset(ch), 1, 1) for ch in piece]
            continue
        chars = _charset(m.group(1))
        quant = m.group(2)
        if quant is None:
            lo, hi = 1, 1
        elif quant == "*":
            lo, hi = 0, None
        elif quant == "+":
            lo, hi = 1, None
        else:
            lo = int(m.group(3))
            hi = int(m.group(4)) if m.group(4) is not None else lo
        tokens.append((chars, lo, hi))
    return tuple(tokens)


def _charset(spec: str) -> frozenset:
    chars: set[str] = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            chars.update(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            chars.add(spec[i])
            i += 1
    return frozenset(chars)


def _could_be_arn(parts: tuple, grammar: tuple) -> bool:
    states = _closure({(0, 0)}, grammar)
    for part in parts:
        if isinstance(part, Unknown) and part.name in PSEUDO_EXAMPLES:
            part = PSEUDO_EXAMPLES[part.name]
        if isinstance(part, str):
            for ch in part:
                states = _step(states, grammar, ch)
                if not states:
                    return False
        else:  # unknown: any string
            reached = set(states)
            frontier = states
            while frontier:
                frontier = _step(frontier, grammar, None) - reached
                reached |= frontier
            states = reached
    return (len(grammar), 0) in states


def _step(states, grammar, ch) -> set:
    out = set()
    for i, k in states:
        if i >= len(grammar):
            continue
        chars, lo, hi = grammar[i]
        if (ch is None or ch in chars) and (hi is None or k < hi):
            out.add((i, min(k + 1, lo) if hi is None else k + 1))
    return _closure(out, grammar)


def _closure(states, grammar) -> set:
    todo, seen = list(states), set(states)
    while todo:
        i, k = todo.pop()
        if i < len(grammar) and k >= grammar[i][1] and (i + 1, 0) not in seen:
            seen.add((i + 1, 0))
            todo.append((i + 1, 0))
    return seen
