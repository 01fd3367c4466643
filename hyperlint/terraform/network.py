"""Networking in a Terraform view: security group rules and inline routes.

Terraform's security group rules are spelled as CloudFormation's (one CIDR block
is ``CidrIp``, ``self`` and a single source group are the peer group, protocol
``all`` is ``-1``); a route table's inline ``route`` blocks become
``AWS::EC2::Route`` resources.
"""

from __future__ import annotations

from .references import References


class Network(References):
    """Security group rules and routes."""

    def _security_group_rule(self, rule: dict, peer: str, group: str | None) -> None:
        """A Terraform security group rule spelled as CloudFormation's: one CIDR block is
        ``CidrIp``, ``self = true`` and a single source group are the peer group; the protocol
        ``all`` (aws_security_group_rule's spelling of all traffic) is CloudFormation's ``-1``."""
        if isinstance(rule.get("IpProtocol"), str) and rule["IpProtocol"].lower() == "all":
            self._rename_key(rule, "IpProtocol", "IpProtocol", "-1")
        cidrs = rule.get("CidrBlocks")
        if isinstance(cidrs, list) and len(cidrs) == 1:
            self._rename_key(rule, "CidrBlocks", "CidrIp", cidrs[0])
        if rule.get("Self") is True and group is not None:
            self._rename_key(rule, "Self", peer, {"Ref": group})
        groups = rule.get("SecurityGroups")
        if isinstance(groups, list) and len(groups) == 1:
            self._rename_key(rule, "SecurityGroups", peer, groups[0])
        if "PeerGroupId" in rule:
            self._rename_key(rule, "PeerGroupId", peer)
        if rule.get("Self") is True and group is None and "GroupId" in rule:
            self._rename_key(rule, "Self", peer, rule["GroupId"])

    def _inline_routes(self, address: str, props: dict, file: int) -> None:
        """Inline ``route`` blocks of a route table become ``AWS::EC2::Route`` resources."""
        routes = props.pop("Routes", None)
        if not isinstance(routes, list):
            return
        marks = self.marks.get(id(routes), [])
        for i, route in enumerate(routes):
            if not isinstance(route, dict):
                continue
            for old, new in (("CidrBlock", "DestinationCidrBlock"), ("Ipv6CidrBlock", "DestinationIpv6CidrBlock")):
                if old in route:
                    self._rename_key(route, old, new)
            mark = marks[i] if i < len(marks) else (0,) * 6
            self._set(route, "RouteTableId", {"Ref": address}, mark)
            self._add_at(f"{address}.route[{i}]", "AWS::EC2::Route", route, mark,
                         ("aws_route_table", None, address.split(".", 1)[1]))
