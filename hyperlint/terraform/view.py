"""A Terraform module seen as a CloudFormation template (see ``classify.ApiView``).

``TerraformView(module)`` builds ``template``: each resource hyperlint knows
(``RESOURCE_TYPES``) becomes a resource of the matching CloudFormation type,
its logical ID the Terraform address (``aws_eks_cluster.main``), its
attributes and blocks renamed to the CloudFormation property names
(snake_case to PascalCase, with the few exceptions of ``KEYS``; blocks become
mappings, repeated blocks lists). So the HP1xx/HP2xx rules read Terraform
through ``cfn.Template`` unchanged.

Values, as Terraform would have them:

- literals are themselves; ``null`` is an unset property;
- ``var.x`` is a parameter ``var.x`` whose ``Default`` is the variable's
  default and whose ``AllowedValues`` are the values ``*.tfvars`` files set
  (see ``Module.variable_values``), each at its own line; a variable without
  either is a parameter without default: unknown, no finding. Structured
  values (lists, objects) are written in place, several of them as ``Fn::If``
  branches;
- ``local.x`` is the local's expression, written in place;
- ``aws_eks_cluster.main.arn`` is ``!GetAtt``, ``.id``/``.name`` ``!Ref``;
  ``data.aws_iam_policy_document.x.json`` is the policy document the data
  source builds; ``jsonencode(x)`` is ``x``;
- operators, ``for`` expressions, ``merge``, ``concat``, ``distinct`` and
  ``length`` are computed when what they read is known (a variable with one
  value, a list from a tfvars file ...); a value with several possible values
  gives each of its results (``Fn::If`` branches); an attribute an object does
  not set is null;
- a condition that cannot be decided is ``Fn::If`` (both branches are
  judged); a string with interpolations is ``Fn::Sub`` when a piece is not a
  single known value;
- anything else (other functions, other data sources, ``count.index``, an
  operation on an unknown value) is a ``Ref`` to nothing: unknown, never judged.

A local module called by another folder of the run (``callers``) takes the
arguments of each call as its variables' values, translated in the caller's
context (its variables and ``.tfvars``), so a finding lands where the value
is written; a child's own default counts only when some call omits it.

Positions: ``document`` is a ``Document`` of the view tree whose marks point
at the Terraform source. Its lines are virtual (one per source line used),
``real_loc`` turns a Loc made on it into the real file, line and column.
"""

from __future__ import annotations

import operator
import re

from ..cfn import is_function
from ..findings import Loc
from ..parse.document import Document
from . import hcl
from .module import Module

NOVALUE = {"Ref": "AWS::NoValue"}
DIALECT = "Terraform"
_MAX_DEPTH = 16

AUTO = "auto"  # rename keys snake_case -> PascalCase, recursively
FREE = "free"  # keep keys as written (labels, tags, policy documents)

# free-form maps and JSON documents: their keys are data, never renamed
FREE_KEYS = {"labels", "tags", "tags_all", "assume_role_policy", "policy", "configuration_values", "environment"}
# snake_case names whose CloudFormation spelling is not plain PascalCase
KEYS = {
    "volume_size_in_gb": "VolumeSizeInGB",
    "size_in_gi_b": "SizeInGiB",
    "fsx_lustre_config": "FSxLustreConfig",
    "ipv6_cidr_block": "Ipv6CidrBlock",
    "ipv6_native": "Ipv6Native",
    "ipv6_ipam_pool_id": "Ipv6IpamPoolId",
}
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}


def pascal(key: str) -> str:
    if key in KEYS:
        return KEYS[key]
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def _rename(shape, key: str):
    """(CloudFormation key, shape of its value) of ``key`` in a mapping of ``shape``."""
    if shape == FREE:
        return key, FREE
    if isinstance(shape, dict) and key in shape:
        return shape[key]
    if key in FREE_KEYS:
        return pascal(key), FREE
    return pascal(key), AUTO


_SG_RULE = {"protocol": ("IpProtocol", AUTO), "ip_protocol": ("IpProtocol", AUTO), "cidr_ipv4": ("CidrIp", AUTO),
            "security_group_id": ("GroupId", AUTO)}

# inline rules of aws_security_group and aws_security_group_rule (see _security_group_rule)
_SG_INLINE = {"protocol": ("IpProtocol", AUTO), "cidr_blocks": ("CidrBlocks", AUTO),
              "security_groups": ("SecurityGroups", AUTO), "source_security_group_id": ("PeerGroupId", AUTO)}

# the aws provider's HyperPod cluster: blocks, one per instance group / storage config
_SM_GROUP = {"lifecycle_config": ("LifeCycleConfig", AUTO), "instance_storage_config": ("InstanceStorageConfigs", AUTO),
             "on_start_deep_healthchecks": ("OnStartDeepHealthChecks", AUTO)}

# Terraform type -> (CloudFormation type, renames of its top-level keys)
RESOURCE_TYPES = {
    "awscc_sagemaker_cluster": ("AWS::SageMaker::Cluster", {}),
    "aws_sagemaker_cluster": ("AWS::SageMaker::Cluster", {"instance_group": ("InstanceGroups", _SM_GROUP)}),
    "aws_eks_cluster": ("AWS::EKS::Cluster", {"vpc_config": ("ResourcesVpcConfig", AUTO)}),
    "awscc_eks_cluster": ("AWS::EKS::Cluster", {}),
    "aws_eks_addon": ("AWS::EKS::Addon", {"pod_identity_association": ("PodIdentityAssociations", AUTO)}),
    "awscc_eks_addon": ("AWS::EKS::Addon", {}),
    "aws_eks_pod_identity_association": ("AWS::EKS::PodIdentityAssociation", {}),
    "awscc_eks_pod_identity_association": ("AWS::EKS::PodIdentityAssociation", {}),
    "aws_eks_access_entry": ("AWS::EKS::AccessEntry", {}),
    "awscc_eks_access_entry": ("AWS::EKS::AccessEntry", {}),
    "aws_eks_node_group": ("AWS::EKS::Nodegroup", {"node_role_arn": ("NodeRole", AUTO),
                                                   "node_group_name": ("NodegroupName", AUTO),
                                                   "taint": ("Taints", AUTO)}),
    "aws_iam_role": ("AWS::IAM::Role", {"name": ("RoleName", AUTO),
                                        "assume_role_policy": ("AssumeRolePolicyDocument", FREE)}),
    "awscc_iam_role": ("AWS::IAM::Role", {"assume_role_policy_document": ("AssumeRolePolicyDocument", FREE)}),
    "aws_subnet": ("AWS::EC2::Subnet", {}),
    "aws_route_table": ("AWS::EC2::RouteTable", {"route": ("Routes", AUTO)}),
    "aws_route": ("AWS::EC2::Route", {}),
    "aws_route_table_association": ("AWS::EC2::SubnetRouteTableAssociation", {}),
    "aws_internet_gateway": ("AWS::EC2::InternetGateway", {}),
    "aws_nat_gateway": ("AWS::EC2::NatGateway", {}),
    "aws_security_group": ("AWS::EC2::SecurityGroup", {"ingress": ("SecurityGroupIngress", _SG_INLINE),
                                                       "egress": ("SecurityGroupEgress", _SG_INLINE)}),
    "aws_security_group_rule": ("AWS::EC2::SecurityGroupIngress", dict(_SG_INLINE, security_group_id=("GroupId", AUTO))),
    "aws_vpc_security_group_ingress_rule": ("AWS::EC2::SecurityGroupIngress",
                                            dict(_SG_RULE, referenced_security_group_id=("SourceSecurityGroupId", AUTO))),
    "aws_vpc_security_group_egress_rule": ("AWS::EC2::SecurityGroupEgress",
                                           dict(_SG_RULE, referenced_security_group_id=("DestinationSecurityGroupId", AUTO))),
}
# resources that attach managed policies to roles: type -> (role attribute, policy attribute)
ATTACHMENTS = {"aws_iam_role_policy_attachment": ("role", "policy_arn"),
               "aws_iam_policy_attachment": ("roles", "policy_arn"),
               "aws_iam_role_policy_attachments_exclusive": ("role_name", "policy_arns")}
# blocks that are lists even when written once
LIST_BLOCKS = {"taint", "route", "ingress", "egress", "statement", "principals", "condition",
               "pod_identity_association", "instance_group", "instance_storage_config"}
# `.name` of these is what CloudFormation's Ref gives
REF_IS_NAME = {"aws_iam_role", "aws_eks_cluster", "awscc_eks_cluster", "aws_eks_addon"}
EKS_MODULE = re.compile(r"(^|/)terraform-aws-modules/eks/aws$|^git::.*terraform-aws-eks(\.git)?(\?ref=[^/]*)?$")
_SUB_NAME = re.compile(r"^[^{}$]+$")
_QUOTED_KEY = re.compile(r'("(?:[^"\\]|\\.)*")[ \t]*[=:]')  # `"sagemaker.amazonaws.com/x" = ...`
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?:=(?!=)|\{|\"|[A-Za-z_])")  # `name =`, `block {`, `resource "x"`


class TerraformView:
    def __init__(self, module: Module, callers: tuple = ()):
        """``callers``: (parent Module, its ``module`` block Located) of each module call whose
        ``source`` is this folder: the arguments they pass are values of its variables."""
        self.module = module
        self.base = 0  # index of this module's first file in ``files``
        self.files = list(module.files)  # every file positions may point into (callers' too)
        self.is_caller = False
        self.vlines: list[tuple[int, int]] = []  # virtual line -> (index in files, real line)
        self._vl: dict[tuple[int, int], int] = {}
        self.marks: dict = {}
        self._alive: list = []  # every container with marks (see _put)
        self.identity: dict[str, tuple] = {}  # logical ID -> (Terraform type, None, name)
        # (file, line) of a value set in a .tfvars file or a module call -> (file, pos) of the variable
        self.var_of_value: dict[tuple[int, int], tuple[int, tuple]] = {}
        self._lines: dict[int, list[str]] = {}
        self.resources: dict = {}
        self.parameters: dict = {}
        self._env: dict = {}  # `for` variables: name -> (value, None, mark)
        self.callers = [(t, located) for t, located in ((self._translator(p), c) for p, c in callers)
                        if t._may_exist(located)]  # a call with `count = 0` makes no instance
        self.root = {"Resources": self.resources, "Parameters": self.parameters}
        self.marks[id(self.root)] = {}
        self.marks[id(self.resources)] = {}
        self.marks[id(self.parameters)] = {}
        self._attachments = self._role_attachments()
        for address, located in module.resources.items():
            rtype = address.split(".", 1)[0]
            if rtype in RESOURCE_TYPES and self._may_exist(located):
                self._resource(address, located)
        for name, located in module.modules.items():
            source = located.node.attribute("source")
            if source is not None and isinstance(source.expr, hcl.Lit) and isinstance(source.expr.value, str) \
                    and EKS_MODULE.search(source.expr.value) and self._may_exist(located) \
                    and self._creates(located):
                self._eks_module(name, located)
        whole = (0, 0, 0, 0)
        self.marks[id(self.root)] = {"Resources": self._mark(0, whole, whole), "Parameters": self._mark(0, whole, whole)}
        from ..cfn import Template

        self.template = Template(self.root)
        self.template.dialect = DIALECT
        mark = self._mark(0, (0, 0, 0, 0), (0, 0, 0, 0))
        self.document = Document(0, self.root, self.marks, root_mark=mark)

    def _translator(self, module: Module) -> TerraformView:
        """A view of a calling module that translates its expressions into this view (shared
        positions and parameters); its resources are not this module's: references to them
        are unknown."""
        t = object.__new__(TerraformView)
        t.__dict__.update(self.__dict__)
        t.module, t.base, t.is_caller, t.callers, t._env = module, len(self.files), True, [], {}
        t._attachments = {}
        self.files.extend(module.files)
        return t

    # -- positions ---------------------------------------------------------------------
    def _line(self, file: int, line: int) -> int:
        key = (self.base + file, line)
        v = self._vl.get(key)
        if v is None:
            v = self._vl[key] = len(self.vlines)
            self.vlines.append(key)
        return v

    def _mark(self, file: int | None, key_pos, pos, key_file: int | None = None) -> tuple:
        """A mark of the view for a value at ``pos`` of ``file`` (its key at ``key_pos`` of
        ``key_file``, default the same). ``file`` None: ``pos`` is already a mark of the view
        (a value a ``for`` expression bound to its variable)."""
        kf = file if key_file is None else key_file
        if file is None:
            if key_pos is None or kf is None:
                return pos
            return (self._line(kf, key_pos[0]), key_pos[1]) + tuple(pos[2:])
        key_pos = key_pos or pos
        return (self._line(kf, key_pos[0]), key_pos[1], self._line(file, pos[0]), pos[1],
                self._line(file, pos[2]), pos[3])

    def _set(self, container: dict, key, value, mark: tuple) -> None:
        container[key] = value
        marks = self.marks.get(id(container))
        if marks is None:
            marks = self._put(container, {})
        marks[key] = mark

    def _put(self, container, marks):
        """Record the marks of ``container``'s children. Marks are keyed by ``id()``, so every
        container given marks is kept alive with the view (a value made and dropped while
        evaluating would otherwise hand its id, and its stale marks, to a new one)."""
        self._alive.append(container)
        self.marks[id(container)] = marks
        return marks

    def real_loc(self, loc: Loc) -> Loc:
        """``loc`` (made on ``document``) in the Terraform file it points at."""
        if not self.vlines:
            return loc
        file, line = self.vlines[min(max(loc.line - 1, 0), len(self.vlines) - 1)]
        end_line = None
        if loc.end_line is not None:
            efile, eline = self.vlines[min(max(loc.end_line - 1, 0), len(self.vlines) - 1)]
            end_line = eline + 1 if efile == file else None
        obj = loc.object
        if obj is not None and len(obj) == 3 and obj[2] in self.identity:
            obj = self.identity[obj[2]]
        end_column = loc.end_column if end_line is not None else None
        key = self._key_at(file, line, loc.column - 1)
        if key is not None:  # a finding on a key: its end is the Terraform name's, not the property's
            end_line, end_column = line + 1, loc.column + len(key)
        return Loc(self.files[file].display, line + 1, loc.column, end_line, end_column, "", obj, None, None)

    def _key_at(self, file: int, line: int, col: int) -> str | None:
        """The attribute or block name that starts at ``line``/``col`` of a file, if one does."""
        lines = self._lines.get(file)
        if lines is None:
            lines = self._lines[file] = self.files[file].text.split("\n")
        if line >= len(lines):
            return None
        m = _KEY.match(lines[line], col) or _QUOTED_KEY.match(lines[line], col)
        return m.group(1) if m else None

    def related_variable(self, loc: Loc) -> Loc | None:
        """The ``variable`` block a value at ``loc`` (in a .tfvars file or a module call) sets."""
        for index, source in enumerate(self.files):
            if source.display == loc.file and (index, loc.line - 1) in self.var_of_value:
                file, pos = self.var_of_value[(index, loc.line - 1)]
                return Loc(self.files[file].display, pos[0] + 1, pos[1] + 1)
        return None

    def _note_variable(self, name: str, file: int, line: int, base: int | None = None) -> None:
        """Remember that the value at ``file``/``line`` (of this module, or of the module whose
        first file is ``base``) sets this module's variable ``name``."""
        located = self.module.variables.get(name)
        if located is not None:
            block = located.node
            pos = block.label_pos[0] if block.label_pos else block.pos
            self.var_of_value[((self.base if base is None else base) + file, line)] = (self.base + located.file, pos)

    # -- resources -----------------------------------------------------------------------
    def _may_exist(self, located) -> bool:
        """False for a resource whose `count` is certainly 0."""
        count = located.node.attribute("count")
        if count is None:
            return True
        value, _, _ = self.tr(count.expr, located.file, FREE)
        value = self._single(value)
        return value != 0 or isinstance(value, bool)

    def _creates(self, located) -> bool:
        """False for a community-module call whose `create` input is certainly false (it makes nothing)."""
        create = located.node.attribute("create")
        if create is None:
            return True
        value = self._single(self.tr(create.expr, located.file, FREE)[0])
        return value is not False

    def _resource(self, address: str, located) -> None:
        block: hcl.Block = located.node
        rtype = block.labels[0]
        cfn_type, renames = RESOURCE_TYPES[rtype]
        file = located.file
        props = self.body(block.body, file, renames or AUTO)
        if rtype == "aws_iam_role":
            self._fold_attachments(address, props, file, block)
        if rtype == "aws_route_table":
            self._inline_routes(address, props, file)
        if rtype == "aws_security_group":
            for key, peer in (("SecurityGroupIngress", "SourceSecurityGroupId"),
                              ("SecurityGroupEgress", "DestinationSecurityGroupId")):
                for rule in props.get(key) or ():
                    if isinstance(rule, dict):
                        self._security_group_rule(rule, peer, address)
        if rtype == "aws_security_group_rule":
            kind = props.pop("Type", None)
            if kind not in ("ingress", "egress"):
                return  # not known which direction: not read
            cfn_type = f"AWS::EC2::SecurityGroup{kind.capitalize()}"
            self._security_group_rule(props, "SourceSecurityGroupId" if kind == "ingress"
                                      else "DestinationSecurityGroupId", None)
        if rtype in ("aws_eks_access_entry",):
            self._fold_access_policies(block, props, file)
        self._add(address, cfn_type, props, file, block, (rtype, None, block.labels[1]))

    def _add(self, address, cfn_type, props, file, block, identity) -> None:
        resource: dict = {}
        start = block.pos
        self._set(resource, "Type", cfn_type, self._mark(file, None, block.label_pos[0] if block.label_pos else start))
        self._set(resource, "Properties", props, self._mark(file, start, start))
        self._set(self.resources, address, resource, self._mark(file, start, start))
        self.identity[address] = identity

    def body(self, items, file: int, shape) -> dict:
        out: dict = {}
        blocks: dict[str, list] = {}
        for item in items:
            if isinstance(item, hcl.Attribute):
                if item.name in META_ARGUMENTS:
                    continue
                key, child = _rename(shape, item.name)
                value, vfile, vpos = self.tr(item.expr, file, child)
                if value is not NOVALUE:
                    self._set(out, key, value, self._mark(vfile, item.key_pos, vpos, key_file=file))
            elif isinstance(item, hcl.Block) and item.type not in META_ARGUMENTS:
                blocks.setdefault(item.type, []).append(item)
        for btype, group in blocks.items():
            if btype == "dynamic":
                for b in group:  # `dynamic "x" { for_each ... }`: which blocks is not known
                    if b.labels:
                        key, _ = _rename(shape, b.labels[0])
                        self._set(out, key, self._unknown(f"dynamic {b.labels[0]}"), self._mark(file, b.pos, b.pos))
                continue
            key, child = _rename(shape, btype)
            mappings = [(self.body(b.body, file, child), b) for b in group]
            if len(group) == 1 and btype not in LIST_BLOCKS:
                value, b = mappings[0]
                self._set(out, key, value, self._mark(file, b.pos, b.pos))
            else:
                items_ = [m for m, _ in mappings]
                self._set(out, key, items_, self._mark(file, group[0].pos, group[0].pos))
                self._put(items_, [self._mark(file, b.pos, b.pos) for _, b in mappings])
        return out

    # -- expressions ------------------------------------------------------------------------
    def _unknown(self, text: str) -> dict:
        return {"Ref": text}

    def tr(self, expr, file: int, shape, depth: int = 0):
        """(view value, file, pos) of a Terraform expression."""
        pos = getattr(expr, "pos", (0, 0, 0, 0))
        if depth > _MAX_DEPTH:
            return self._unknown(getattr(expr, "text", "?")), file, pos
        if isinstance(expr, hcl.Lit):
            return (NOVALUE if expr.value is None else expr.value), file, pos
        if isinstance(expr, hcl.Tuple):
            items, marks = [], []
            for e in expr.items:
                v, f, p = self.tr(e, file, shape, depth + 1)
                items.append(v)
                marks.append(self._mark(f, None, p))
            self._put(items, marks)
            return items, file, pos
        if isinstance(expr, hcl.Object):
            out: dict = {}
            for key, key_pos, e in expr.items:
                if key is None:
                    continue  # a computed key: that property is not known
                name, child = _rename(shape, key)
                v, f, p = self.tr(e, file, child, depth + 1)
                if v is not NOVALUE:
                    self._set(out, name, v, self._mark(f, key_pos, p, key_file=file))
            return out, file, pos
        if isinstance(expr, hcl.Template):
            return self._template(expr, file, depth), file, pos
        if isinstance(expr, hcl.Traversal):
            return self._traversal(expr, file, shape, depth)
        if isinstance(expr, hcl.Call):
            return self._call(expr, file, shape, depth)
        if isinstance(expr, hcl.Operation):
            return self._operation(expr, file, depth), file, pos
        if isinstance(expr, hcl.For):
            return self._for(expr, file, shape, depth)
        if isinstance(expr, hcl.Conditional):
            cond, _, _ = self.tr(expr.cond, file, FREE, depth + 1)
            cond = self._single(cond)
            if isinstance(cond, bool):
                return self.tr(expr.then if cond else expr.other, file, shape, depth + 1)
            a, fa, pa = self.tr(expr.then, file, shape, depth + 1)
            b, fb, pb = self.tr(expr.other, file, shape, depth + 1)
            return self._if(expr.cond.text if hasattr(expr.cond, "text") else "condition",
                            (a, fa, pa), (b, fb, pb), file, pos), file, pos
        return self._unknown(getattr(expr, "text", "?")), file, pos

    # -- evaluation of known values (operators, `for`, merge ...) ----------------------------
    def _concrete(self, value):
        """``value`` when it is known (null is None), else _UNKNOWN."""
        value = self._single(value)
        if value is NOVALUE:
            return None
        if isinstance(value, dict) and len(value) == 1 and ("Ref" in value or any(str(k).startswith("Fn::") for k in value)):
            return _UNKNOWN
        return value

    def _operation(self, expr: hcl.Operation, file: int, depth: int):
        """The value of ``a || b``, ``x != null``, ``!x`` ... when its operands are known."""
        op = expr.op
        values = []
        for operand in expr.operands:
            v, _, _ = self.tr(operand, file, FREE, depth + 1)
            values.append(self._concrete(v))
            if op in ("||", "&&") and len(values) == 1 and values[0] is (op == "||"):
                return values[0]  # short circuit: true || x, false && x
        if any(v is _UNKNOWN for v in values):
            return self._unknown(expr.text)
        try:
            result = _apply(op, values)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            result = _UNKNOWN
        return self._unknown(expr.text) if result is _UNKNOWN else result

    def _alternatives(self, value, file, pos, limit: int = 16):
        """The known values ``value`` can take through ``Fn::If`` branches (each with its
        position); None when one of them is unknown or there are too many."""
        out, todo = [], [(value, file, pos)]
        while todo:
            v, f, p = todo.pop(0)
            if isinstance(v, dict) and list(v) == ["Fn::If"] and isinstance(v["Fn::If"], list) and len(v["Fn::If"]) == 3:
                marks = self.marks.get(id(v["Fn::If"]), [None, p, p])
                todo += [(v["Fn::If"][1], None, marks[1]), (v["Fn::If"][2], None, marks[2])]
                continue
            v = self._single(v)
            if self._concrete(v) is _UNKNOWN:
                return None
            out.append((v, f, p))
            if len(out) > limit:
                return None
        return out

    def _for(self, expr: hcl.For, file: int, shape, depth: int):
        """A ``for`` expression over a known collection (each branch of a variable's values)."""
        unknown = (self._unknown(expr.text), file, expr.pos)
        if expr.grouping:
            return unknown
        coll = self.tr(expr.collection, file, FREE, depth + 1)
        alternatives = self._alternatives(*coll)
        if not alternatives:
            return unknown
        results = []
        for collection, cfile, cpos in alternatives:
            result = self._for_one(expr, collection, file, shape, depth)
            if result is None:
                return unknown
            results.append((result, file, expr.pos))
        value = results[-1]
        for item in reversed(results[:-1]):
            value = (self._if(expr.collection.text if hasattr(expr.collection, "text") else "for", item, value,
                              file, expr.pos), file, expr.pos)
        return value

    def _for_one(self, expr: hcl.For, collection, file: int, shape, depth: int):
        if isinstance(collection, list):
            marks = self.marks.get(id(collection), [])
            pairs = [(i, item, marks[i] if i < len(marks) else None) for i, item in enumerate(collection)]
        elif isinstance(collection, dict):
            marks = self.marks.get(id(collection), {})
            pairs = [(k, item, marks.get(k)) for k, item in collection.items()]
        else:
            return None
        out_list, list_marks, out_map = [], [], {}
        saved = dict(self._env)
        try:
            for key, item, mark in pairs:
                mark = mark or self._mark(file, None, expr.pos)
                self._env[expr.value_var] = (item, None, mark)
                if expr.key_var is not None:
                    self._env[expr.key_var] = (key, None, mark)
                if expr.cond is not None:
                    keep = self._concrete(self.tr(expr.cond, file, FREE, depth + 1)[0])
                    if not isinstance(keep, bool):
                        return None
                    if not keep:
                        continue
                v, f, p = self.tr(expr.value, file, shape if expr.kind == "tuple" else _child_shape(shape), depth + 1)
                if expr.kind == "tuple":
                    out_list.append(v)
                    list_marks.append(self._mark(f, None, p))
                    continue
                k = self._concrete(self.tr(expr.key, file, FREE, depth + 1)[0])
                if not isinstance(k, str):
                    return None
                name, _ = _rename(shape, k)
                self._set(out_map, name, v, self._mark(f, None, p))
        finally:
            self._env = saved
        if expr.kind == "tuple":
            self._put(out_list, list_marks)
            return out_list
        return out_map

    def _single(self, value):
        """The one value a variable reference can take (a condition, a count), else ``value``."""
        if isinstance(value, dict) and list(value) == ["Ref"] and value["Ref"] in self.parameters:
            param = self.parameters[value["Ref"]]
            values = ([param["Default"]] if "Default" in param else []) + list(param.get("AllowedValues", ()))
            if len(values) == 1:
                return values[0]
        return value

    def _if(self, label: str, a, b, file, pos) -> dict:
        args = [label, a[0], b[0]]
        node = {"Fn::If": args}
        self._put(node, {"Fn::If": self._mark(file, None, pos)})
        self._put(args, [self._mark(file, None, pos), self._mark(a[1], None, a[2]), self._mark(b[1], None, b[2])])
        return node

    def _template(self, expr: hcl.Template, file: int, depth: int):
        texts, variables, known = [], {}, True
        pieces = []
        for i, part in enumerate(expr.parts):
            if isinstance(part, str):
                pieces.append(part)
                texts.append(part.replace("${", "${!"))
                continue
            v, f, p = self.tr(part, file, FREE, depth + 1)
            if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                pieces.append(str(v))
                texts.append(str(v).replace("${", "${!"))
                continue
            known = False
            text = getattr(part, "text", "")
            name = text if _SUB_NAME.match(text or "") else f"expr{i}"
            texts.append("${" + name + "}")
            variables[name] = v
            self._put(variables, self.marks.get(id(variables), {}))[name] = self._mark(f, None, p)
        if known:
            return "".join(pieces)
        args = ["".join(texts), variables]
        node = {"Fn::Sub": args}
        self._put(node, {"Fn::Sub": self._mark(file, None, expr.pos)})
        self._put(args, [self._mark(file, None, expr.pos), self._mark(file, None, expr.pos)])
        return node

    def _traversal(self, expr: hcl.Traversal, file: int, shape, depth: int):
        steps, pos = expr.steps, expr.pos
        root = steps[0]
        if root in self._env and not expr.splat:  # a `for` variable
            value, _, mark = self._env[root]
            for step in steps[1:]:
                marks = self.marks.get(id(value))
                if isinstance(value, dict) and isinstance(step, str) and step not in value and not is_function(value):
                    # an attribute an object does not set is null (a valid configuration declares it
                    # optional; an undeclared one would not pass `terraform validate`)
                    return NOVALUE, file, pos
                try:
                    mark = marks[step]  # type: ignore[index]
                    value = value[step]
                except (KeyError, IndexError, TypeError):
                    return self._unknown(expr.text), file, pos
            return value, None, mark
        if root == "var" and len(steps) >= 2 and isinstance(steps[1], str) and not expr.splat:
            return self._variable(expr, file, shape, depth)
        if root == "local" and len(steps) >= 2 and not expr.splat:
            located = self.module.locals.get(steps[1])
            target = _navigate(located.node.expr, steps[2:]) if located else None
            if target is not None:
                return self.tr(target, located.file, shape, depth + 1)
            return self._unknown(expr.text), file, pos
        if root == "data" and len(steps) >= 4 and steps[1] == "aws_iam_policy_document" and steps[3] == "json":
            located = self.module.data.get(f"{steps[1]}.{steps[2]}")
            if located is not None and _self_contained_policy(located.node):
                return self._policy_document(located), located.file, located.node.pos
        if root == "module" and len(steps) >= 3 and not self.is_caller and steps[1] in self.resources_modules():
            out = steps[2]
            if out in ("cluster_arn",):
                return self._getatt(f"module.{steps[1]}", "Arn", file, pos), file, pos
            if out in ("cluster_name", "cluster_id"):
                return {"Ref": f"module.{steps[1]}"}, file, pos
        if len(steps) >= 2 and isinstance(steps[1], str):
            address = f"{root}.{steps[1]}"
            if address in self.module.resources and root in RESOURCE_TYPES and not self.is_caller:
                attrs = [s for s in steps[2:] if isinstance(s, str)]
                ref = self._reference(address, root, attrs[0] if attrs else None, file, pos)
                if expr.splat:
                    items = [ref]
                    self._put(items, [self._mark(file, None, pos)])
                    return items, file, pos
                return ref, file, pos
        return self._unknown(expr.text), file, pos

    def resources_modules(self) -> set:
        return {a.split(".", 1)[1] for a in self.resources if a.startswith("module.") and a.count(".") == 1}

    def _reference(self, address, rtype, attr, file, pos):
        if attr is None or attr == "id" or (attr == "name" and rtype in REF_IS_NAME):
            return {"Ref": address}
        return self._getatt(address, "Arn" if attr == "arn" else pascal(attr), file, pos)

    def _getatt(self, address, attribute, file, pos) -> dict:
        args = [address, attribute]
        node = {"Fn::GetAtt": args}
        self._put(node, {"Fn::GetAtt": self._mark(file, None, pos)})
        self._put(args, [self._mark(file, None, pos), self._mark(file, None, pos)])
        return node

    def _variable(self, expr: hcl.Traversal, file: int, shape, depth: int):
        """``var.x``: its own values (``_own_variable``) and the arguments module calls pass."""
        name = expr.steps[1]
        if not self.callers:
            return self._own_variable(expr, file, shape, depth, self.module.variable_values(name))
        passed = [(t, located, located.node.attribute(name)) for t, located in self.callers]
        values = []
        for t, located, attr in passed:
            if attr is None:
                continue
            target = _navigate(attr.expr, expr.steps[2:])
            if target is None:
                return self._unknown(expr.text), file, expr.pos
            value, vfile, vpos = t.tr(target, located.file, shape, depth + 1)
            if value is not NOVALUE:
                # its file, counted in this view (None: already a mark of the view)
                values.append((value, None if vfile is None else t.base + vfile - self.base, vpos))
                if vfile == located.file and vpos[0] == attr.expr.pos[0]:  # written in the call itself
                    self._note_variable(name, vfile, vpos[0], base=t.base)
        if any(attr is None for _, _, attr in passed) or len(values) < len(passed):
            # a call that does not set it: the default (a called module's .tfvars are not read)
            own = [v for v in self.module.variable_values(name) if v.where == "default"]
            if own:
                values.insert(0, self._own_variable(expr, file, shape, depth, own))
        if not values:
            return self._unknown(expr.text), file, expr.pos
        result = values[-1]
        for item in reversed(values[:-1]):
            result = (self._if(expr.text, item, result, file, expr.pos), file, expr.pos)
        return result

    def _own_variable(self, expr: hcl.Traversal, file: int, shape, depth: int, own: list):
        name = expr.steps[1]
        candidates = []
        for v in own:
            target = _navigate(v.expr, expr.steps[2:])
            if target is None:
                return self._unknown(expr.text), file, expr.pos  # one value cannot be read: none is judged
            if not (isinstance(target, hcl.Lit) and target.value is None):
                candidates.append((target, v))
        if not candidates:
            return self._unknown(expr.text), file, expr.pos
        if all(isinstance(t, hcl.Lit) for t, _ in candidates):
            pname = expr.text if not self.is_caller else f"{expr.text}@{self.module.folder}"
            if pname not in self.parameters:
                param: dict = {"Type": "String"}
                allowed, allowed_marks = [], []
                for target, v in candidates:
                    mark = self._mark(v.file, None, target.pos)
                    if v.where == "default" and "Default" not in param:
                        self._set(param, "Default", target.value, mark)
                    else:
                        allowed.append(target.value)
                        allowed_marks.append(mark)
                        self._note_variable(name, v.file, target.pos[0])
                if allowed:
                    self._set(param, "AllowedValues", allowed, self._mark(file, None, expr.pos))
                    self._put(allowed, allowed_marks)
                self._set(self.parameters, pname, param, self._mark(file, None, expr.pos))
            return {"Ref": pname}, file, expr.pos
        values = [self.tr(t, v.file, shape, depth + 1) for t, v in candidates]
        for (t, v), _ in zip(candidates, values):
            if v.where != "default":
                self._note_variable(name, v.file, t.pos[0])
        result = values[-1]
        for item in reversed(values[:-1]):
            result = (self._if(expr.text, item, result, file, expr.pos), file, expr.pos)
        return result

    def _call(self, expr: hcl.Call, file: int, shape, depth: int):
        name, args = expr.name, expr.args
        if name in ("jsonencode", "tolist", "toset", "tostring", "tonumber", "tomap") and len(args) == 1:
            return self.tr(args[0], file, FREE if name == "jsonencode" else shape, depth + 1)
        if name in ("concat", "merge") and args:
            combined = self._combine(name, [self.tr(a, file, shape, depth + 1) for a in args], file, expr)
            if combined is not None:
                return combined
        if name == "distinct" and len(args) == 1:
            v, _, _ = self.tr(args[0], file, shape, depth + 1)
            if isinstance(v, list) and all(isinstance(x, (str, int, float, bool)) for x in v):
                marks = self.marks.get(id(v), [])
                items, kept = [], []
                for i, x in enumerate(v):
                    if x not in items:
                        items.append(x)
                        kept.append(marks[i] if i < len(marks) else self._mark(file, None, expr.pos))
                self._put(items, kept)
                return items, file, expr.pos
        if name == "length" and len(args) == 1:
            v = self._concrete(self.tr(args[0], file, FREE, depth + 1)[0])
            if isinstance(v, (list, dict, str)):
                return len(v), file, expr.pos
        return self._unknown(expr.text), file, expr.pos

    def _combine(self, name: str, parts: list, file: int, expr):
        """``concat(lists...)`` / ``merge(objects...)`` over every combination of the known
        values of its arguments (``Fn::If`` branches); None when one cannot be known."""
        import itertools

        choices = []
        for v, f, p in parts:
            alternatives = self._alternatives(v, f, p, limit=4)
            if alternatives is None:
                return None
            choices.append(alternatives)
        results = []
        for combo in itertools.islice(itertools.product(*choices), 17):
            if name == "concat":
                if not all(isinstance(v, list) for v, _, _ in combo):
                    return None
                items, marks = [], []
                for v, _, _ in combo:
                    items += v
                    marks += self.marks.get(id(v), [])
                self._put(items, marks)
                results.append((items, file, expr.pos))
            else:
                if not all(isinstance(v, dict) or v is None for v, _, _ in combo):
                    return None
                merged: dict = {}
                for v, _, _ in combo:
                    for key, item in (v or {}).items():
                        self._set(merged, key, item, self.marks.get(id(v), {}).get(key) or self._mark(file, None, expr.pos))
                results.append((merged, file, expr.pos))
        if not results or len(results) > 16:
            return None
        value = results[-1]
        for item in reversed(results[:-1]):
            value = (self._if(expr.text, item, value, file, expr.pos), file, expr.pos)
        return value

    # -- IAM ---------------------------------------------------------------------------------
    def _policy_document(self, located) -> dict:
        """The document an ``aws_iam_policy_document`` data source builds, as IAM JSON."""
        block, file = located.node, located.file
        statements, marks = [], []
        for st in block.blocks("statement"):
            doc: dict = {}
            for attr, key in (("effect", "Effect"), ("actions", "Action"), ("not_actions", "NotAction"),
                              ("resources", "Resource"), ("not_resources", "NotResource"), ("sid", "Sid")):
                a = st.attribute(attr)
                if a is not None:
                    v, f, p = self.tr(a.expr, file, FREE)
                    if v is not NOVALUE:
                        self._set(doc, key, v, self._mark(f, a.key_pos, p, key_file=file))
            if "Effect" not in doc:
                self._set(doc, "Effect", "Allow", self._mark(file, st.pos, st.pos))
            principals: dict = {}
            for pr in st.blocks("principals"):
                ptype, ids = pr.attribute("type"), pr.attribute("identifiers")
                if ptype is None or ids is None or not isinstance(ptype.expr, hcl.Lit):
                    continue
                v, f, p = self.tr(ids.expr, file, FREE)
                self._set(principals, str(ptype.expr.value), v, self._mark(f, pr.pos, p, key_file=file))
            if principals:
                self._set(doc, "Principal", principals, self._mark(file, st.pos, st.pos))
            statements.append(doc)
            marks.append(self._mark(file, st.pos, st.pos))
        document: dict = {}
        self._set(document, "Version", "2012-10-17", self._mark(file, block.pos, block.pos))
        self._set(document, "Statement", statements, self._mark(file, block.pos, block.pos))
        self._put(statements, marks)
        return document

    def _role_attachments(self) -> dict[str, list]:
        """Role address -> the attachment resources that give it managed policies
        (``aws_iam_role_policy_attachment``, ``aws_iam_policy_attachment``'s ``roles``,
        ``aws_iam_role_policy_attachments_exclusive``); "?" -> attachments whose role cannot be
        told (they make every role's policies unknown)."""
        found: dict[str, list] = {}
        for address, located in self.module.resources.items():
            rtype = address.split(".", 1)[0]
            if rtype not in ATTACHMENTS:
                continue
            role_attr, _ = ATTACHMENTS[rtype]
            role = located.node.attribute(role_attr)
            exprs = role.expr.items if role is not None and isinstance(role.expr, hcl.Tuple) and \
                rtype == "aws_iam_policy_attachment" else [role.expr if role else None]
            if rtype == "aws_iam_policy_attachment" and role is None:
                continue  # attached to users or groups only
            for expr in exprs:
                target = _resource_of(expr, self.module)
                if located not in found.get(target or "?", []):
                    found.setdefault(target or "?", []).append(located)
        return found

    def _fold_attachments(self, address: str, props: dict, file: int, block) -> None:
        """The managed policies attached by attachment resources become the role's
        ``ManagedPolicyArns``; an attachment that cannot be read makes the list unknown."""
        attached = self._attachments.get(address, [])
        if self._attachments.get("?"):
            self._set(props, "ManagedPolicyArns", self._unknown("policy attachments"),
                      self._mark(file, block.pos, block.pos))
            return
        if not attached:
            return
        arns = props.get("ManagedPolicyArns")
        if arns is not None and not isinstance(arns, list):
            return
        arns = list(arns or [])
        marks = list(self.marks.get(id(props.get("ManagedPolicyArns")), []))
        for located in attached:
            _, policy_attr = ATTACHMENTS[located.node.labels[0]]
            attr = located.node.attribute(policy_attr)
            if attr is None:
                continue
            v, f, p = self.tr(attr.expr, located.file, FREE)
            if policy_attr == "policy_arns":  # a list of ARNs
                if not isinstance(v, list):
                    self._set(props, "ManagedPolicyArns", self._unknown("policy attachments"),
                              self._mark(file, block.pos, block.pos))
                    return
                item_marks = self.marks.get(id(v), [])
                for i, item in enumerate(v):
                    arns.append(item)
                    marks.append(item_marks[i] if i < len(item_marks) else self._mark(f, None, p))
                continue
            arns.append(v)
            marks.append(self._mark(f, None, p))
        self._set(props, "ManagedPolicyArns", arns, self._mark(file, block.pos, block.pos))
        self._put(arns, marks)

    def _rename_key(self, mapping: dict, old: str, new: str, value=None) -> None:
        mark = self.marks.get(id(mapping), {}).pop(old, None)
        item = mapping.pop(old)
        self._set(mapping, new, item if value is None else value, mark or (0,) * 6)

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

    def _fold_access_policies(self, block, props: dict, file: int) -> None:
        """``aws_eks_access_policy_association`` resources for the same principal (the same
        expression) become the entry's ``AccessPolicies``."""
        principal = block.attribute("principal_arn")
        if principal is None:
            return
        text = _source_text(principal.expr)
        policies, marks, first = [], [], None
        for address, located in self.module.resources.items():
            if not address.startswith("aws_eks_access_policy_association."):
                continue
            other = located.node.attribute("principal_arn")
            if other is None or _source_text(other.expr) != text:
                continue
            policy = self.body(located.node.body, located.file, AUTO)
            policies.append(policy)
            marks.append(self._mark(located.file, located.node.pos, located.node.pos))
            first = first or marks[-1]
        if policies:  # a finding on them points at the (first) association
            self._set(props, "AccessPolicies", policies, first)
            self._put(policies, marks)

    def _inline_routes(self, address: str, props: dict, file: int) -> None:
        """Inline ``route`` blocks of a route table become ``AWS::EC2::Route`` resources."""
        routes = props.pop("Routes", None)
        if not isinstance(routes, list):
            return
        marks = self.marks.get(id(routes), [])
        for i, route in enumerate(routes):
            if not isinstance(route, dict):
                continue
            if "CidrBlock" in route:
                route["DestinationCidrBlock"] = route.pop("CidrBlock")
                self.marks[id(route)]["DestinationCidrBlock"] = self.marks[id(route)].pop("CidrBlock")
            if "Ipv6CidrBlock" in route:
                route["DestinationIpv6CidrBlock"] = route.pop("Ipv6CidrBlock")
                self.marks[id(route)]["DestinationIpv6CidrBlock"] = self.marks[id(route)].pop("Ipv6CidrBlock")
            self._set(route, "RouteTableId", {"Ref": address}, marks[i] if i < len(marks) else (0,) * 6)
            resource: dict = {}
            mark = marks[i] if i < len(marks) else (0,) * 6
            self._set(resource, "Type", "AWS::EC2::Route", mark)
            self._set(resource, "Properties", route, mark)
            name = f"{address}.route[{i}]"
            self._set(self.resources, name, resource, mark)
            self.identity[name] = ("aws_route_table", None, address.split(".", 1)[1])

    # -- the community EKS module --------------------------------------------------------------
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
            resource: dict = {}
            self._set(resource, "Type", "AWS::EKS::Addon", key_mark)
            self._set(resource, "Properties", addon, key_mark)
            addr = f'{address}.addons["{key}"]'
            self._set(self.resources, addr, resource, key_mark)
            self.identity[addr] = ("module", None, name)


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
                resource: dict = {}
                self._set(resource, "Type", "AWS::EKS::Nodegroup", key_mark)
                self._set(resource, "Properties", props, key_mark)
                addr = f'{address}.{attr_name}["{key}"]'
                self._set(self.resources, addr, resource, key_mark)
                self.identity[addr] = ("module", None, name)


_UNKNOWN = object()  # a value that cannot be known offline (in evaluation)


def _apply(op: str, values: list):
    """``op`` on known operand values (Terraform's semantics for the types it allows)."""
    if op == "!" and len(values) == 1:
        return (not values[0]) if isinstance(values[0], bool) else _UNKNOWN
    if op == "-" and len(values) == 1:
        return -values[0] if _number(values[0]) else _UNKNOWN
    a, b = values
    if op in ("||", "&&"):
        if not (isinstance(a, bool) and isinstance(b, bool)):
            return _UNKNOWN
        return (a or b) if op == "||" else (a and b)
    if op in ("==", "!="):
        if a is None or b is None:  # `x != null`: any known value, a list or an object too
            same = a is None and b is None
        elif not all(isinstance(v, (str, int, float, bool)) for v in (a, b)):
            return _UNKNOWN
        else:
            same = a == b and type(a) is type(b) or (_number(a) and _number(b) and a == b)
        return same if op == "==" else not same
    if not (_number(a) and _number(b)):
        return _UNKNOWN
    return _ARITHMETIC[op](a, b)


_ARITHMETIC = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge, "+": operator.add,
               "-": operator.sub, "*": operator.mul, "/": operator.truediv, "%": operator.mod}


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _child_shape(shape):
    """The shape of a value under a key of ``shape`` that has no rename (an object ``for``)."""
    return FREE if shape == FREE else AUTO


def _navigate(expr, steps):
    """The sub-expression of a literal object/tuple at ``steps``; None when it cannot be read."""
    for step in steps:
        if isinstance(expr, hcl.Object) and isinstance(step, str):
            expr = next((e for k, _, e in expr.items if k == step), None)
        elif isinstance(expr, hcl.Tuple) and isinstance(step, int) and 0 <= step < len(expr.items):
            expr = expr.items[step]
        else:
            return None
        if expr is None:
            return None
    return expr


def _self_contained_policy(block) -> bool:
    """Whether an ``aws_iam_policy_document`` is made only of its own literal ``statement``
    blocks (no documents merged in, no ``dynamic`` statements, no ``not_principals``)."""
    merged = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")
    if any(block.attribute(name) is not None for name in merged):
        return False
    if any(isinstance(item, hcl.Block) and item.type == "dynamic" for item in block.body):
        return False
    return not any(st.blocks("not_principals") or st.blocks("dynamic") for st in block.blocks("statement"))


def _source_text(expr) -> str:
    """What an expression says, for telling two expressions apart (``var.role``, ``"arn:..."``)."""
    if isinstance(expr, hcl.Lit):
        return repr(expr.value)
    return getattr(expr, "text", "") or repr(expr)


def _resource_of(expr, module: Module) -> str | None:
    """The address of the resource a reference names (``aws_iam_role.x.name`` -> ``aws_iam_role.x``)."""
    if isinstance(expr, hcl.Traversal) and len(expr.steps) >= 2 and isinstance(expr.steps[1], str):
        address = f"{expr.steps[0]}.{expr.steps[1]}"
        if address in module.resources:
            return address
    return None
