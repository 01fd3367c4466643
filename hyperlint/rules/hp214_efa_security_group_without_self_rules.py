"""Security group of EFA-capable instance groups without self-referencing rules.

## What it does
For every instance group with an EFA-capable instance type (`efa` in
`schemas/instance-types.json`), looks at its security groups (the group's
`OverrideVpcConfig.SecurityGroupIds`, else the cluster's
`VpcConfig.SecurityGroupIds`) that are `AWS::EC2::SecurityGroup` resources of
the template, with their inline `SecurityGroupIngress`/`SecurityGroupEgress`
rules and the separate `AWS::EC2::SecurityGroupIngress`/`Egress` resources:

- **warning** when none of them has both a self-referencing all-traffic
  ingress rule (`IpProtocol: "-1"`, `SourceSecurityGroupId` the group
  itself) and a self-referencing all-traffic egress rule
  (`DestinationSecurityGroupId` the group itself);
- **info** for an explicit egress rule to `0.0.0.0/0` in such a group.

Groups that also use a security group from a parameter, an import or a
literal ID are not judged for the self-referencing rules.

How the `0.0.0.0/0` part is reported: the HyperPod prerequisites say to
*avoid* a `0.0.0.0/0` outbound rule with EFA ("may cause EFA health check
failures"), but AWS's own HyperPod sample security-group template and the
default EKS cluster security group both have one next to the self rules,
and nodes need some egress (through NAT or VPC endpoints) for ECR, S3 and
the EKS API. So it is reported as `info`, a prompt to restrict egress (to
the VPC CIDR and endpoint prefix lists), not as a defect. EC2's default
allow-all egress rule, which a security group keeps when
`SecurityGroupEgress` is not set inline, is not reported; set
`SecurityGroupEgress` inline to replace it.

## Why is this bad?
The EC2 EFA guide and the HyperPod prerequisites require a security group
that allows all inbound and all outbound traffic to and from itself; rules
by port or CIDR are not a substitute. EFA traffic the group does not allow
is dropped, so NCCL over EFA fails or falls back to TCP, and HyperPod's deep
health checks include EFA tests. The HyperPod prerequisites also warn that
a `0.0.0.0/0` outbound rule "may cause EFA health check failures".

## Example
```yaml
Resources:
  NodeSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HyperPod nodes
      VpcId: vpc-0a1b2c3d
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig:
        SecurityGroupIds: [!Ref NodeSecurityGroup]
        Subnets: [subnet-0a1b2c3d]
      InstanceGroups:
        - InstanceGroupName: gpu
          InstanceType: ml.p5.48xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  NodeSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: HyperPod nodes
      VpcId: vpc-0a1b2c3d
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}
  EfaIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref NodeSecurityGroup
      IpProtocol: "-1"
      SourceSecurityGroupId: !Ref NodeSecurityGroup
  EfaEgress:
    Type: AWS::EC2::SecurityGroupEgress
    Properties:
      GroupId: !Ref NodeSecurityGroup
      IpProtocol: "-1"
      DestinationSecurityGroupId: !Ref NodeSecurityGroup
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig:
        SecurityGroupIds: [!Ref NodeSecurityGroup]
        Subnets: [subnet-0a1b2c3d]
      InstanceGroups:
        - InstanceGroupName: gpu
          InstanceType: ml.p5.48xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites.html
  (self-referencing all-traffic rules for EFA; avoid `0.0.0.0/0` egress)
- https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-start.html#efa-start-security
  (the EFA security group)
- https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
  (EKS cluster security group)
- https://github.com/aws/sagemaker-hyperpod-cluster-setup/blob/main/eks/cloudformation/security-group-template.yaml
  (AWS's sample, which keeps a `0.0.0.0/0` egress rule)
"""

from __future__ import annotations

from hyperlint.cfn import ResourceRef
from hyperlint.cfn_network import security_group_refs, security_group_rules
from hyperlint.findings import Hit

ID = "HP214"
NAME = "efa-security-group-without-self-rules"
SEVERITY = "warning"
EMITS = ("warning", "info")
TIER = "extended"


def check_cfn(template, ctx):
    facts = ctx.data.hyperpod_cluster["efa_security_group"]
    incomplete: dict[str, list] = {}  # security group -> [(EFA group description, reference path)]
    open_egress: dict[str, list] = {}
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            efa = sorted({v.value for v in template.group_instance_types(group, path)
                          if (ctx.data.instance(v.value) or {}).get("efa")})
            if not efa:
                continue
            what = f"{template.group_label(group, path)} ({', '.join(efa)})"
            config, cpath = _vpc_config(props, base, group, path)
            refs = list(security_group_refs(template, config, cpath))
            for sg, ref in refs:
                open_egress.setdefault(sg, []).append((what, ref))
            listed = config.get("SecurityGroupIds") if isinstance(config, dict) else None
            if not refs or not isinstance(listed, list) or len(refs) != len(listed):
                continue  # some security group is not a resource of this template
            if not any(_self_rules(template, sg, facts) == (True, True) for sg, _ in refs):
                for sg, ref in refs:
                    incomplete.setdefault(sg, []).append((what, ref))
    for sg, users in incomplete.items():
        ingress, egress = _self_rules(template, sg, facts)
        missing = " and ".join(d for d, ok in (("ingress", ingress), ("egress", egress)) if not ok)
        groups = ", ".join(dict.fromkeys(w for w, _ in users))
        yield Hit(("Resources", sg), f"security group {sg} of EFA-capable instance group(s) {groups} has no "
                                     f"self-referencing all-traffic {missing} rule; EFA needs all traffic allowed "
                                     f"to and from the security group itself: add AWS::EC2::SecurityGroupIngress/"
                                     f"Egress resources with IpProtocol: \"-1\" and Source/DestinationSecurityGroupId "
                                     f"!Ref {sg}", key=True, related=tuple(dict.fromkeys(r for _, r in users)))
    for sg, users in open_egress.items():
        groups = ", ".join(dict.fromkeys(w for w, _ in users))
        for rule, rpath in security_group_rules(template, sg, "egress"):
            for v in template.scalars(rule.get("CidrIp"), rpath + ("CidrIp",)):
                if v.value in facts["avoid_egress_cidrs"]:
                    yield Hit(v.path, f"security group {sg} of EFA-capable instance group(s) {groups} allows egress "
                                      f"to {v.value}{v.origin()}; the HyperPod prerequisites advise against it with "
                                      f"EFA (it may cause EFA health check failures): restrict egress to the VPC "
                                      f"CIDR and the endpoints the nodes need", severity="info")


def _vpc_config(props, base, group, path):
    """The VpcConfig whose security groups an instance group uses: its OverrideVpcConfig, else the cluster's."""
    override = group.get("OverrideVpcConfig")
    if isinstance(override, dict) and "SecurityGroupIds" in override:
        return override, path + ("OverrideVpcConfig",)
    return props.get("VpcConfig"), base + ("VpcConfig",)


def _self_rules(template, sg: str, facts) -> tuple[bool, bool]:
    """(has self-referencing all-traffic ingress, ... egress) of security group ``sg``."""
    found = []
    for direction, peer in (("ingress", "SourceSecurityGroupId"), ("egress", "DestinationSecurityGroupId")):
        found.append(any(_all_traffic(template, rule, rpath, facts) and _refers_to(template, rule.get(peer), sg)
                         for rule, rpath in security_group_rules(template, sg, direction)))
    return found[0], found[1]


def _all_traffic(template, rule: dict, rpath: tuple, facts) -> bool:
    protocols = {str(v.value).lower() for v in template.scalars(rule.get("IpProtocol"), rpath + ("IpProtocol",))}
    return bool(protocols) and protocols <= set(facts["all_traffic_protocols"])


def _refers_to(template, value, sg: str) -> bool:
    return any(isinstance(v.value, ResourceRef) and v.value.name == sg for v in template.values(value, ()))
