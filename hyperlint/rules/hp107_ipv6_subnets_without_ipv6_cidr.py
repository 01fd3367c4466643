"""IPv6 EKS cluster whose HyperPod subnets have no IPv6 CIDR.

## What it does
When the EKS cluster that a HyperPod cluster joins is IPv6
(`KubernetesNetworkConfig.IpFamily: ipv6`), checks each subnet of the
HyperPod cluster (`VpcConfig` and `OverrideVpcConfig`) that the template
defines: it needs an IPv6 CIDR block (`Ipv6CidrBlock`, an
`AWS::EC2::SubnetCidrBlock`, or `Ipv6Native: true`). For eksctl, subnets
given with an IPv4 `cidr` in an IPv6 `ClusterConfig` are reported. Subnets
defined elsewhere (parameters, imports, IDs) cannot be judged offline and
are not reported.

On an EKS cluster not tied to HyperPod (no HyperPod cluster of its scope
names it, neither its file, stack description, name nor logical ID says
HyperPod or SageMaker, and the configuration does not say so; see
`hyperlint.scopes`) the finding is info.

## Why is this bad?
In an IPv6 EKS cluster every pod gets an IPv6 address from its node's
subnet (EKS IPv6 guide), and the HyperPod prerequisites page requires
IPv6-enabled subnets for an IPv6 cluster. Observation: nodes in IPv4-only
subnets cannot give their pods addresses. An existing IPv4 EKS cluster
cannot be converted, so the subnets must be right before the cluster is
created.

## Example
```yaml
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.32"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig: {AuthenticationMode: API}
      KubernetesNetworkConfig: {IpFamily: ipv6}
      ResourcesVpcConfig: {SubnetIds: [!Ref PrivateSubnet]}
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0a1b2c3d
      CidrBlock: 10.1.0.0/20
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator: {Eks: {ClusterArn: !GetAtt EKSCluster.Arn}}
      VpcConfig:
        SecurityGroupIds: [sg-0a1b2c3d]
        Subnets: [!Ref PrivateSubnet]
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.32"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig: {AuthenticationMode: API}
      KubernetesNetworkConfig: {IpFamily: ipv6}
      ResourcesVpcConfig: {SubnetIds: [!Ref PrivateSubnet]}
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0a1b2c3d
      CidrBlock: 10.1.0.0/20
      Ipv6CidrBlock: 2600:1f14:abc:de00::/64
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator: {Eks: {ClusterArn: !GetAtt EKSCluster.Arn}}
      VpcConfig:
        SecurityGroupIds: [sg-0a1b2c3d]
        Subnets: [!Ref PrivateSubnet]
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (an IPv6 cluster needs IPv6-enabled VPC and subnets)
- https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html
  (pods get IPv6 addresses from the node's subnet)
"""

from __future__ import annotations

import ipaddress

from hyperlint.findings import Hit

ID = "HP107"
NAME = "ipv6-subnets-without-ipv6-cidr"
SEVERITY = "warning"
EMITS = ("warning", "info")  # info: on an EKS cluster not tied to HyperPod
TIER = "core"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        eks = _ipv6_eks_cluster(template, props, base)
        if eks is None:
            continue
        for subnet, ref_path in template.subnet_refs(props, base):
            if not _has_ipv6(template, subnet):
                yield Hit(ref_path, f"EKS cluster {eks} is IPv6 but HyperPod subnet {subnet} has no IPv6 CIDR "
                                    f"block; give it an Ipv6CidrBlock (or an AWS::EC2::SubnetCidrBlock)",
                          related=(("Resources", subnet),))


def _ipv6_eks_cluster(template, props, base) -> str | None:
    for eks, _ in template.eks_orchestrators(props, base):
        target = template.ref_target(eks.get("ClusterArn"))
        if target is None or template.resource_type(target) != "AWS::EKS::Cluster":
            continue
        config = template.properties(target).get("KubernetesNetworkConfig")
        family = config.get("IpFamily") if isinstance(config, dict) else None
        families = {str(v.value).lower() for v in template.scalars(family, ())} if family is not None else set()
        if "ipv6" in families:
            return target
    return None


def _has_ipv6(template, subnet: str) -> bool:
    props = template.properties(subnet)
    if props.get("Ipv6CidrBlock") is not None or props.get("Ipv6Native") is True or props.get("Ipv6IpamPoolId"):
        return True
    return any(p.get("Ipv6CidrBlock") is not None or p.get("Ipv6IpamPoolId") is not None
               for _, p in template.referencing("AWS::EC2::SubnetCidrBlock", "SubnetId", subnet))


def check_object(obj, ctx):
    """eksctl: an IPv6 ClusterConfig whose subnets are given with IPv4 CIDRs only."""
    if not obj.is_eksctl_cluster:
        return
    net = obj.data.get("kubernetesNetworkConfig")
    if not isinstance(net, dict) or str(net.get("ipFamily", "")).lower() != "ipv6":
        return
    vpc = obj.data.get("vpc")
    subnets = vpc.get("subnets") if isinstance(vpc, dict) else None
    if not isinstance(subnets, dict):
        return
    for scope in ("private", "public"):
        group = subnets.get(scope)
        if not isinstance(group, dict):
            continue
        for name, spec in group.items():
            cidr = spec.get("cidr") if isinstance(spec, dict) else None
            if isinstance(cidr, str) and _is_ipv4(cidr):
                yield Hit(obj.at("vpc", "subnets", scope, name, "cidr"),
                          f"the cluster is IPv6 but subnet {name} is given with only the IPv4 CIDR {cidr}; "
                          f"HyperPod nodes in an IPv6 cluster need subnets with IPv6 CIDR blocks")


def _is_ipv4(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).version == 4
    except ValueError:
        return False
