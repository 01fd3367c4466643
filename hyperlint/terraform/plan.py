"""A Terraform plan (``terraform show -json plan.out``) seen as a CloudFormation template.

The plan's ``planned_values`` hold concrete values: each resource of a type
hyperlint knows (``view.RESOURCE_TYPES``, in the root module and child
modules) becomes a resource of the template, its logical ID the plan address,
its values renamed as ``TerraformView`` renames HCL (blocks of the ``aws``
provider are one-item lists in a plan: they become mappings).

A value the plan does not know yet ("known after apply") is read from the
``configuration`` section: when the expression that sets it refers to exactly
one resource of the type that property takes (a subnet for ``Subnets``, a role
for ``ExecutionRole`` ...), it becomes a reference to that resource (so a
HyperPod subnet created by the same plan is still checked); otherwise it is
unknown. A block the configuration does not write at all is missing (the
provider's or the API's default), not unknown.

Positions: the view's document reuses the plan document's marks, so every
path of the view resolves to the line and column of the value in the plan.
"""

from __future__ import annotations

import re

from ..parse.document import Document
from .mapping import (
    AUTO,
    DIALECT,
    FREE,
    LIST_BLOCKS,
    REF_IS_NAME,
    RESOURCE_TYPES,
    pascal,
    rename,
)

# property -> the Terraform resource types a reference there may name
_REFERENCE_TYPES = {
    "Subnets": ("aws_subnet",), "SubnetIds": ("aws_subnet",), "SubnetId": ("aws_subnet",),
    "SecurityGroupIds": ("aws_security_group",), "GroupId": ("aws_security_group",),
    "SourceSecurityGroupId": ("aws_security_group",), "DestinationSecurityGroupId": ("aws_security_group",),
    "ExecutionRole": ("aws_iam_role", "awscc_iam_role"), "NodeRole": ("aws_iam_role",),
    "RoleArn": ("aws_iam_role",), "ClusterRole": ("aws_iam_role",),
    "ClusterArn": ("aws_eks_cluster", "awscc_eks_cluster"), "ClusterName": ("aws_eks_cluster", "awscc_eks_cluster"),
    "RouteTableId": ("aws_route_table",), "GatewayId": ("aws_internet_gateway", "aws_nat_gateway"),
}
_LIST_PROPERTIES = {"Subnets", "SubnetIds", "SecurityGroupIds"}
_INDEX = re.compile(r"\[[^\]]*\]$")


class PlanView:
    def __init__(self, doc: Document):
        self.doc = doc
        self.marks: dict = {}
        root = doc.root
        self.resources: dict = {}
        self.root = {"Resources": self.resources}
        planned = root.get("planned_values") or {}
        self._planned = list(_module_resources(planned.get("root_module"), ("planned_values", "root_module")))
        self._bases: dict[str, list[str]] = {}  # address without index -> addresses
        for r, _ in self._planned:
            if isinstance(r.get("address"), str):
                self._bases.setdefault(_INDEX.sub("", r["address"]), []).append(r["address"])
        self._config = _configuration(root.get("configuration"))
        self._unknown = _after_unknown(root.get("resource_changes"))
        for r, path in self._planned:
            rtype, address = r.get("type"), r.get("address")
            if r.get("mode", "managed") != "managed" or rtype not in RESOURCE_TYPES or not isinstance(address, str):
                continue
            values = r.get("values") if isinstance(r.get("values"), dict) else {}
            cfn_type, renames = RESOURCE_TYPES[rtype]
            config = self._config.get(_config_address(address), {})
            props = self._mapping(values, path + ("values",), renames or AUTO, rtype.startswith("aws_"),
                                  self._unknown.get(address), config)
            resource: dict = {"Type": cfn_type, "Properties": props}
            here = self._doc_mark(path)
            self.marks[id(resource)] = {"Type": self._doc_mark(path + ("type",)) or here,
                                        "Properties": self._doc_mark(path + ("values",)) or here}
            self.resources[address] = resource
            self.marks.setdefault(id(self.resources), {})[address] = self._doc_mark(path + ("address",)) or here
        self._fold_attachments()
        self.marks[id(self.root)] = {"Resources": self._doc_mark(("planned_values",)) or doc.root_mark}
        from ..cfn import Template

        self.template = Template(self.root)
        self.template.dialect = DIALECT
        self.document = Document(doc.index, self.root, self.marks, root_mark=doc.root_mark)

    def _fold_attachments(self) -> None:
        """``aws_iam_role_policy_attachment`` resources become their role's
        ``ManagedPolicyArns`` (as in ``TerraformView``); one whose role or policy is
        not known makes every role's list unknown."""
        roles = {a: r for a, r in self.resources.items() if r["Type"] == "AWS::IAM::Role"}
        attached: dict[str, list] = {}
        unknown = False
        for r, path in self._planned:
            if r.get("type") != "aws_iam_role_policy_attachment" or not isinstance(r.get("values"), dict):
                continue
            values = r["values"]
            role = values.get("role")
            target = next((a for a, res in roles.items() if role is not None
                           and res["Properties"].get("RoleName") == role), None)
            if target is None:
                ref = self._reference("RoleArn", self._config.get(_config_address(str(r.get("address"))), {}).get("role"))
                target = ref.get("Ref") if isinstance(ref, dict) else None
            arn = values.get("policy_arn")
            if target is None or not isinstance(arn, str):
                unknown = True
                continue
            attached.setdefault(target, []).append((arn, path + ("values", "policy_arn")))
        for address, res in roles.items():
            props = res["Properties"]
            if unknown:
                props["ManagedPolicyArns"] = {"Ref": "policy attachments"}
                self.marks.setdefault(id(props), {})["ManagedPolicyArns"] = self.marks[id(self.resources)][address]
                continue
            if address not in attached or not isinstance(props.get("ManagedPolicyArns", []), list):
                continue
            arns = list(props.get("ManagedPolicyArns", []))
            marks = list(self.marks.get(id(props.get("ManagedPolicyArns")), []))
            for arn, path in attached[address]:
                arns.append(arn)
                marks.append(self._doc_mark(path))
            props["ManagedPolicyArns"] = arns
            self.marks[id(arns)] = marks
            self.marks.setdefault(id(props), {})["ManagedPolicyArns"] = self.marks[id(self.resources)][address]

    def _doc_mark(self, path: tuple):
        node, mark = self.doc.root, None
        for step in path:
            marks = self.doc.marks.get(id(node))
            try:
                mark = marks[step]  # type: ignore[index]
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        return mark

    def _mapping(self, values: dict, path: tuple, shape, blocks_are_lists: bool, unknown, config) -> dict:
        out: dict = {}
        unknown = unknown if isinstance(unknown, dict) else {}
        config = config if isinstance(config, dict) else {}
        if "references" in config or "constant_value" in config:  # one expression writes this whole object
            config = {k: config for k in set(values) | set(unknown)}
        keys = list(values) + [k for k in unknown if k not in values]
        for key in keys:
            if not isinstance(key, str) or key in ("tags", "tags_all"):
                continue
            name, child = rename(shape, key)
            written = config.get(key)
            if unknown.get(key) is True or (key not in values and unknown.get(key)):
                if written is None:
                    continue  # not in the configuration: the default, which the plan will show as computed
                value = self._reference(name, written)
                mark = self._doc_mark(path + (key,)) or self._doc_mark(path)
                if value is None:
                    value = {"Ref": "known after apply"}
                elif name in _LIST_PROPERTIES:
                    value = [value]
                    self.marks[id(value)] = [mark]
                out[name] = value
                self.marks.setdefault(id(out), {})[name] = mark
                continue
            value = values.get(key)
            vpath = path + (key,)
            if value is None or (blocks_are_lists and value == [] and key not in LIST_BLOCKS and written is None):
                continue
            sub_unknown = unknown.get(key)
            sub_config = written
            if blocks_are_lists and isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) \
                    and key not in LIST_BLOCKS:
                value, vpath = value[0], vpath + (0,)
                sub_unknown = sub_unknown[0] if isinstance(sub_unknown, list) and sub_unknown else sub_unknown
                sub_config = sub_config[0] if isinstance(sub_config, list) and sub_config else sub_config
            out[name] = self._value(value, vpath, child, blocks_are_lists, sub_unknown, sub_config, name)
            self.marks.setdefault(id(out), {})[name] = self._doc_mark(vpath) or self._doc_mark(path)
        return out

    def _value(self, value, path, shape, blocks_are_lists, unknown, config, name):
        if isinstance(value, dict):
            if shape == FREE:
                return value  # its marks are the document's own
            return self._mapping(value, path, shape, blocks_are_lists, unknown, config)
        if isinstance(value, list):
            items, marks = [], []
            unknown_items = unknown if isinstance(unknown, list) else []
            for i, item in enumerate(value):
                u = unknown_items[i] if i < len(unknown_items) else None
                if u is True and item is None:
                    item = self._reference(name, config) or {"Ref": "known after apply"}
                else:
                    item = self._value(item, path + (i,), shape, blocks_are_lists, u,
                                       config[i] if isinstance(config, list) and i < len(config) else config, name)
                items.append(item)
                marks.append(self._doc_mark(path + (i,)) or self._doc_mark(path))
            for u in unknown_items[len(value):]:  # unknown items the plan lists only in after_unknown
                if u is True:
                    items.append(self._reference(name, config) or {"Ref": "known after apply"})
                    marks.append(self._doc_mark(path))
            self.marks[id(items)] = marks
            return items
        if isinstance(value, str) and shape != FREE and name in ("AssumeRolePolicyDocument",):
            return value
        return value

    def _reference(self, name: str, written):
        """A reference to the one resource of the wanted type that the configuration
        expression ``written`` names; None when there is not exactly one."""
        wanted = _REFERENCE_TYPES.get(name)
        refs = _references(written)
        if not wanted or not refs:
            return None
        targets: dict[str, str | None] = {}
        for ref in refs:
            parts = ref.split(".")
            if parts[0] == "module" or len(parts) < 2 or parts[0] not in wanted:
                continue
            base = f"{parts[0]}.{_INDEX.sub('', parts[1])}"
            addresses = self._bases.get(base, [])
            if len(addresses) == 1:
                attr = parts[2] if len(parts) > 2 else None
                targets.setdefault(addresses[0], attr) if attr else targets.setdefault(addresses[0], None)
            elif addresses:
                return None
        if len(targets) != 1:
            return None
        (address, attr), = targets.items()
        rtype = address.split(".", 1)[0]
        if attr is None or attr == "id" or (attr == "name" and rtype in REF_IS_NAME):
            return {"Ref": address}
        return {"Fn::GetAtt": [address, "Arn" if attr == "arn" else pascal(attr)]}


def _module_resources(module, path):
    if not isinstance(module, dict):
        return
    resources = module.get("resources")
    if isinstance(resources, list):
        for i, r in enumerate(resources):
            if isinstance(r, dict):
                yield r, path + ("resources", i)
    children = module.get("child_modules")
    if isinstance(children, list):
        for i, child in enumerate(children):
            yield from _module_resources(child, path + ("child_modules", i))


def _configuration(config) -> dict:
    """Resource address (module path + type.name, no index) -> its written expressions."""
    out: dict = {}

    def walk(module, prefix: str, depth: int):
        if not isinstance(module, dict) or depth > 16:
            return
        for r in module.get("resources") or ():
            if isinstance(r, dict) and isinstance(r.get("address"), str) and isinstance(r.get("expressions"), dict):
                out[prefix + r["address"]] = r["expressions"]
        calls = module.get("module_calls")
        if isinstance(calls, dict):
            for name, call in calls.items():
                if isinstance(call, dict):
                    walk(call.get("module"), f"{prefix}module.{name}.", depth + 1)

    walk(config.get("root_module") if isinstance(config, dict) else None, "", 0)
    return out


def _config_address(address: str) -> str:
    """``module.a["x"].aws_subnet.p[0]`` -> ``module.a.aws_subnet.p``."""
    return re.sub(r"\[[^\]]*\]", "", address)


def _after_unknown(changes) -> dict:
    out = {}
    for c in changes if isinstance(changes, list) else ():
        if isinstance(c, dict) and isinstance(c.get("change"), dict) and isinstance(c.get("address"), str):
            out[c["address"]] = c["change"].get("after_unknown")
    return out


def _references(written) -> list[str]:
    """Every reference of a configuration expression (nested blocks and objects included)."""
    found: list[str] = []
    stack = [written]
    while stack and len(found) < 1000:
        e = stack.pop()
        if isinstance(e, dict):
            refs = e.get("references")
            if isinstance(refs, list):
                found += [r for r in refs if isinstance(r, str)]
            stack += [v for k, v in e.items() if k != "references"]
        elif isinstance(e, list):
            stack += e
    return found
