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

from ..parse.document import Document
from . import hcl
from .eks import Eks
from .mapping import AUTO, DIALECT, EKS_MODULE, FREE, RESOURCE_TYPES
from .module import Module


class TerraformView(Eks):
    """The view of one module (see the module docstring). Its parts, one concern each:
    ``viewmarks`` (the tree and its positions), ``evaluate`` (expressions), ``iam``,
    ``references``, ``network``, ``eks``; the names it translates to are ``mapping``'s."""

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
