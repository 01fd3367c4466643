"""EC2 security groups of CloudFormation templates: the groups a VpcConfig lists
and the ingress/egress rules of a group, inline or as separate resources. Reads a
``cfn.Template`` (also the CloudFormation-shaped view of Terraform)."""

from __future__ import annotations

from typing import Iterator

from .cfn import ResourceRef, Template


def security_group_refs(template: Template, config, path: tuple) -> Iterator[tuple[str, tuple]]:
    """(logical ID, path of the reference) of the ``AWS::EC2::SecurityGroup``
    resources of this template that a VpcConfig-like mapping ``config``
    (written at ``path``) lists in ``SecurityGroupIds``."""
    groups = config.get("SecurityGroupIds") if isinstance(config, dict) else None
    if not isinstance(groups, list):
        return
    for i, item in enumerate(groups):
        for v in template.values(item, path + ("SecurityGroupIds", i)):
            if isinstance(v.value, ResourceRef) and template.resource_type(v.value.name) == "AWS::EC2::SecurityGroup":
                yield v.value.name, v.path


def security_group_rules(template: Template, group: str, direction: str) -> Iterator[tuple[dict, tuple]]:
    """(rule, path) of every ``direction`` ("ingress" or "egress") rule of the
    ``AWS::EC2::SecurityGroup`` ``group``: its inline ``SecurityGroupIngress`` /
    ``SecurityGroupEgress`` items, then the ``AWS::EC2::SecurityGroupIngress`` /
    ``Egress`` resources whose ``GroupId`` refers to it. Both spell a rule the
    same way (``IpProtocol``, ``CidrIp``, ``SourceSecurityGroupId`` or
    ``DestinationSecurityGroupId`` ...)."""
    key = {"ingress": "SecurityGroupIngress", "egress": "SecurityGroupEgress"}[direction]
    base = ("Resources", group, "Properties", key)
    inline = template.properties(group).get(key)
    if isinstance(inline, list):
        for i, rule in enumerate(inline):
            if isinstance(rule, dict):
                yield rule, base + (i,)
    for name, props in template.referencing(f"AWS::EC2::{key}", "GroupId", group):
        yield props, ("Resources", name, "Properties")
