"""Subnet too small for the HyperPod instance groups placed in it.

## What it does
For the `AWS::EC2::Subnet` resources of a template that its
`AWS::SageMaker::Cluster` resources use (`VpcConfig.Subnets`, or a group's
`OverrideVpcConfig.Subnets` instead), compares the subnet's usable addresses
(a `/N` block has 2^(32-N) - 5, AWS reserves five) with what the instance
groups placed in it need: `InstanceCount` x addresses per node
(`schemas/subnets.json`):

- `ml.p5.48xlarge` (and `ml.p5e.48xlarge`, same network layout): 81, the
  documented figure (50 on the primary network card, one on each of the other
  31 cards);
- other types: a lower bound, max pods + 1 (the node's one pod network
  interface, which the VPC CNI keeps filled with addresses);
- groups with `NetworkInterface.InterfaceType: efa-only` use the lower bound
  (EFA-only interfaces have no IP address).

A group spread over several subnets is compared with their combined size,
together with every group confined to those subnets; several HyperPod clusters
sharing a subnet add up. The CIDR is read from a literal, a `!Ref` to a
parameter's Default or AllowedValues, `!If` branches, `!Select` of a
`!Cidr` with a known bit count, or `Ipv4NetmaskLength`; the count from a
literal or a parameter. Where a value has several possible values, the
largest need and the smallest subnet are used and the message names them.
Subnets, counts or CIDRs that cannot be known offline (parameters without a
default, imports, subnet IDs) give no finding. Other users of the subnet (EKS
nodes, load balancers, endpoints) are not counted, so the numbers are a
minimum.

## Why is this bad?
HyperPod nodes that find no free address in their subnet fail to launch, so
the cluster or a scale-up fails, and pods on running nodes get no IP. A
subnet's CIDR cannot be changed after it is created and a group's
`OverrideVpcConfig` cannot be changed either, so the fix is a new subnet and
a new cluster or instance group. On EKS one P5 node takes 81 addresses: 4
nodes already need more than a `/24` holds.

## Example
```yaml
Resources:
  HyperPodSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0a1b2c3d
      CidrBlock: 10.1.0.0/24
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig:
        SecurityGroupIds: [sg-0a1b2c3d]
        Subnets: [!Ref HyperPodSubnet]
      InstanceGroups:
        - InstanceGroupName: gpu-workers
          InstanceType: ml.p5.48xlarge
          InstanceCount: 4
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  HyperPodSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0a1b2c3d
      CidrBlock: 10.1.0.0/20
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig:
        SecurityGroupIds: [sg-0a1b2c3d]
        Subnets: [!Ref HyperPodSubnet]
      InstanceGroups:
        - InstanceGroupName: gpu-workers
          InstanceType: ml.p5.48xlarge
          InstanceCount: 4
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites.html
  (81 IP addresses per P5 node; plan subnet size)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (max pods per instance type)
- https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
  (5 reserved addresses per subnet)
"""

from __future__ import annotations

import re
from typing import NamedTuple

from hyperlint.cfn import ResourceRef
from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP407"
NAME = "subnet-too-small"
SEVERITY = "warning"
TIER = "extended"

_CIDR = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}/(\d{1,2})$")


class _Size(NamedTuple):
    prefix: int
    shown: str  # "10.1.0.0/24", "a /24 from Fn::Cidr" ...
    path: tuple  # the property to change
    related: tuple  # where the value is written, when elsewhere (a parameter)


class _Demand(NamedTuple):
    subnets: tuple  # logical IDs, in order
    need: int
    detail: str
    path: tuple  # the group's InstanceCount value


def check_cfn(template, ctx):
    demands = []
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        shared = _subnets(template, props.get("VpcConfig"), base + ("VpcConfig",))
        for group, path in template.instance_groups(props, base):
            if "OverrideVpcConfig" in group:
                subnets = _subnets(template, group["OverrideVpcConfig"], path + ("OverrideVpcConfig",))
            else:
                subnets = shared
            demand = _demand(template, group, path, subnets, ctx.data) if subnets else None
            if demand:
                demands.append(demand)
    if not demands:
        return
    sizes = {}
    for d in demands:
        for s in d.subnets:
            if s not in sizes:
                sizes[s] = _size(template, s)
                if isinstance(sizes[s], Hit):
                    yield sizes[s]
    reserved = ctx.data.subnet_reserved
    reported: list[frozenset] = []
    order = {s: i for i, s in enumerate(sizes)}
    for subnets in sorted({frozenset(d.subnets) for d in demands}, key=lambda t: (len(t), min(order[s] for s in t))):
        if any(r <= subnets for r in reported):
            continue
        known = [sizes[s] for s in sorted(subnets, key=order.get)]
        if not all(isinstance(k, _Size) for k in known):
            continue
        members = [d for d in demands if set(d.subnets) <= subnets]
        need = sum(d.need for d in members)
        usable = sum(max(2 ** (32 - k.prefix) - reserved, 0) for k in known)
        if need <= usable:
            continue
        reported.append(subnets)
        yield _hit(sorted(subnets, key=order.get), known, usable, need, members, reserved)


def _hit(names, known, usable, need, members, reserved) -> Hit:
    details = "; ".join(d.detail for d in members)
    related = tuple(p for k in known for p in k.related) + tuple(k.path for k in known[1:]) + \
        tuple(d.path for d in members)
    if len(names) == 1:
        host_bits = (need + reserved - 1).bit_length()
        advice = f"use a /{32 - host_bits} or larger" if 32 - host_bits >= 16 else \
            "spread the groups over several subnets (a subnet is at most a /16)"
        text = f"subnet {names[0]} is {known[0].shown}: {usable} usable addresses, but the HyperPod instance " \
               f"groups in it need at least {need}: {details}; {advice} (a subnet's CIDR cannot change later)"
    else:
        listed = ", ".join(f"{n} ({k.shown})" for n, k in zip(names, known, strict=True))
        text = f"subnets {listed} have {usable} usable addresses together, but the HyperPod instance groups " \
               f"spread over them need at least {need}: {details}; use larger subnets or more of them " \
               f"(a subnet's CIDR cannot change later)"
    return Hit(known[0].path, text, related=related)


def _subnets(template, config, path) -> tuple | None:
    """The logical IDs of the subnets a VpcConfig lists; None unless every entry is
    one known AWS::EC2::Subnet of the template."""
    entries = template.vpc_config_subnets(config, path)
    if not entries:
        return None
    names = []
    for values in entries:
        targets = {v.value.name for v in values if isinstance(v.value, ResourceRef)}
        if len(values) != 1 or len(targets) != 1:
            return None
        name = targets.pop()
        if template.resource_type(name) != "AWS::EC2::Subnet":
            return None
        if name not in names:
            names.append(name)
    return tuple(names)


def _number(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _demand(template, group, path, subnets, data) -> _Demand | None:
    counts = [(n, v) for v in template.scalars(group.get("InstanceCount"), path + ("InstanceCount",))
              if (n := _number(v.value)) is not None]
    if not counts:
        return None
    count, count_value = max(counts, key=lambda c: c[0])
    network = group.get("NetworkInterface")
    efa_only = isinstance(network, dict) and any(
        str(v.value).lower() == "efa-only"
        for v in template.scalars(network.get("InterfaceType"), path + ("NetworkInterface", "InterfaceType")))
    best = None
    for v in template.group_instance_types(group, path):
        per = data.ips_per_node(v.value, efa_only) if isinstance(v.value, str) else None
        if per and (best is None or per[0] > best[0][0]):
            best = (per, v)
    if best is None or count <= 0:
        return None
    (ips, basis), type_value = best
    name = template.group_label(group, path)
    detail = f"group {name} {count}{count_value.origin()} x {type_value.value}{type_value.origin()} " \
             f"x {ips} addresses ({basis}) = {count * ips}"
    return _Demand(subnets, count * ips, detail, count_value.path)


def _size(template, name):
    """The smallest the subnet can be (_Size), an HP003 Hit, or None when unknowable."""
    props = template.properties(name)
    base = ("Resources", name, "Properties")
    found = []
    if "CidrBlock" in props:
        raw, where = props["CidrBlock"], base + ("CidrBlock",)
        for v in template.scalars(raw, where):
            if is_placeholder(v.value):
                return unrendered(v.path, str(v.value), "subnet CIDR block")
            m = _CIDR.match(str(v.value).strip())
            if m and int(m.group(1)) <= 32:
                found.append(_Size(int(m.group(1)), f"{str(v.value).strip()}{v.origin()}", where, _elsewhere(v, where)))
        found += _from_fn_cidr(template, raw, where)
    elif "Ipv4NetmaskLength" in props:
        where = base + ("Ipv4NetmaskLength",)
        for v in template.scalars(props["Ipv4NetmaskLength"], where):
            n = _number(v.value)
            if n is not None and 0 < n <= 32:
                found.append(_Size(n, f"a /{n} from its IPAM pool{v.origin()}", where, _elsewhere(v, where)))
    return max(found, key=lambda s: s.prefix) if found else None


def _from_fn_cidr(template, raw, where) -> list[_Size]:
    """`!Select [i, !Cidr [block, count, bits]]`: a /(32 - bits), whatever the block."""
    select = raw.get("Fn::Select") if isinstance(raw, dict) and len(raw) == 1 else None
    if not (isinstance(select, list) and len(select) == 2 and isinstance(select[1], dict) and len(select[1]) == 1):
        return []
    args = select[1].get("Fn::Cidr")
    if not (isinstance(args, list) and len(args) == 3):
        return []
    out = []
    for v in template.scalars(args[2], where + ("Fn::Select", 1, "Fn::Cidr", 2)):
        bits = _number(v.value)
        if bits is not None and 0 < bits <= 32:
            out.append(_Size(32 - bits, f"a /{32 - bits} from Fn::Cidr{v.origin()}", where, _elsewhere(v, where)))
    return out


def _elsewhere(v, where) -> tuple:
    return (v.path,) if v.path[:len(where)] != where else ()
