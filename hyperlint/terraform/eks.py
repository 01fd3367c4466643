"""EKS in a Terraform view: access entries and the community EKS module.

``aws_eks_access_policy_association`` resources fold into their access entry's
``AccessPolicies``. A call of ``terraform-aws-modules/eks/aws`` (``EKS_MODULE``)
becomes the cluster it creates (version, authentication mode, IP family), its
add-ons and its managed and self-managed node groups.
"""

from __future__ import annotations

from . import hcl
from .mapping import AUTO, FREE, NOVALUE
from .network import Network


class Eks(Network):
    """Access entries and the community EKS module."""

    def _fold_access_policies(self, block, props: dict, file: int) -> None:
        """``aws_eks_access_policy_association`` resources for the same principal (the same
        expression) become the entry's ``AccessPolicies``."""
        principal = block.attribute("principal_arn")
        if principal is None:
            return
        text = _source_text(principal.expr)
        policies: list = []
        marks: list[tuple] = []
        for address, located in self.module.resources.items():
            if not address.startswith("aws_eks_access_policy_association."):
                continue
            other = located.node.attribute("principal_arn")
            if other is None or _source_text(other.expr) != text:
                continue
            policy = self.body(located.node.body, located.file, AUTO)
            policies.append(policy)
            marks.append(self._mark(located.file, located.node.pos, located.node.pos))
        if policies:  # a finding on them points at the (first) association
            self._set(props, "AccessPolicies", policies, marks[0])
            self._put(policies, marks)

    def _eks_module(self, name: str, located) -> None:
        """``module "eks" { source = "terraform-aws-modules/eks/aws" ... }``: its cluster and add-ons."""
        block, file = located.node, located.file
        address = f"module.{name}"
        props: dict = {}
        for attr_name in ("kubernetes_version", "cluster_version"):
            a = block.attribute(attr_name)
            if a is not None:
                v, f, p = self.tr(a.expr, file, AUTO)
                if v is not NOVALUE:
                    self._set(props, "Version", v, self._mark(f, a.key_pos, p, key_file=file))
                break
        mode = block.attribute("authentication_mode")
        access: dict = {}
        if mode is not None:
            v, f, p = self.tr(mode.expr, file, AUTO)
            self._set(access, "AuthenticationMode", v, self._mark(f, mode.key_pos, p, key_file=file))
        else:  # the module's default (API_AND_CONFIG_MAP since v20); older versions: not judged
            self._set(access, "AuthenticationMode", self._unknown("module default"), self._mark(file, block.pos, block.pos))
        self._set(props, "AccessConfig", access, self._mark(file, block.pos, block.pos))
        family = block.attribute("cluster_ip_family") or block.attribute("ip_family")
        if family is not None:
            v, f, p = self.tr(family.expr, file, AUTO)
            net: dict = {}
            self._set(net, "IpFamily", v, self._mark(f, family.key_pos, p, key_file=file))
            self._set(props, "KubernetesNetworkConfig", net, self._mark(file, family.key_pos, family.pos))
        self._add(address, "AWS::EKS::Cluster", props, file, block, ("module", None, name))
        self._eks_module_node_groups(name, block, file, address)
        addons = block.attribute("addons") or block.attribute("cluster_addons")
        if addons is None:
            return
        value, _, _ = self.tr(addons.expr, file, FREE)
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            if not isinstance(item, dict):
                continue
            key_mark = self.marks[id(value)][key]
            addon: dict = {}
            addon_name = item.get("name", key)
            self._set(addon, "AddonName", addon_name,
                      self.marks[id(item)]["name"] if "name" in item else (key_mark[0], key_mark[1]) * 3)
            if "addon_version" in item:
                self._set(addon, "AddonVersion", item["addon_version"], self.marks[id(item)]["addon_version"])
            self._set(addon, "ClusterName", {"Ref": address}, key_mark)
            self._add_at(f'{address}.addons["{key}"]', "AWS::EKS::Addon", addon, key_mark, ("module", None, name))

    def _eks_module_node_groups(self, name: str, block, file: int, address: str) -> None:
        """The module's ``eks_managed_node_groups`` / ``self_managed_node_groups``: EKS node
        groups (their instance types, labels and node role) beside the HyperPod nodes."""
        for attr_name in ("eks_managed_node_groups", "self_managed_node_groups"):
            attr = block.attribute(attr_name)
            value = self.tr(attr.expr, file, FREE)[0] if attr is not None else None
            if not isinstance(value, dict):
                continue
            for key, item in value.items():
                if not isinstance(item, dict):
                    continue
                marks = self.marks.get(id(item), {})
                key_mark = self.marks[id(value)][key]
                props: dict = {}
                self._set(props, "NodegroupName", item.get("name", key), marks.get("name", key_mark))
                types = item.get("instance_types")
                if types is None and isinstance(item.get("instance_type"), str):
                    types = [item["instance_type"]]
                    self._put(types, [marks.get("instance_type", key_mark)])
                if isinstance(types, list):
                    self._set(props, "InstanceTypes", types, marks.get("instance_types", key_mark))
                for tf_key, cfn_key in (("labels", "Labels"), ("iam_role_arn", "NodeRole")):
                    if tf_key in item:
                        self._set(props, cfn_key, item[tf_key], marks[tf_key])
                if isinstance(item.get("desired_size"), int):
                    scaling: dict = {}
                    self._set(scaling, "DesiredSize", item["desired_size"], marks["desired_size"])
                    self._set(props, "ScalingConfig", scaling, marks["desired_size"])
                self._add_at(f'{address}.{attr_name}["{key}"]', "AWS::EKS::Nodegroup", props, key_mark,
                             ("module", None, name))


def _source_text(expr) -> str:
    """What an expression says, for telling two expressions apart (``var.role``, ``"arn:..."``)."""
    if isinstance(expr, hcl.Lit):
        return repr(expr.value)
    return getattr(expr, "text", "") or repr(expr)
