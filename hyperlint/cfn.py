"""CloudFormation templates on plain data: resources and values through references.

``Template.values(value, path)`` answers "what can this property be?" the way
CloudFormation would: a literal is itself; ``Ref`` to a parameter is its
``Default`` and each of its ``AllowedValues`` (each at its own line); both
branches of ``Fn::If``; literal ``Fn::Join``/``Fn::Select``/``Fn::FindInMap``
are computed; ``Ref``/``Fn::GetAtt`` to a resource of the template become a
``ResourceRef``. What cannot be known offline (imports, SSM parameters,
pseudo parameters, ``AWS::NoValue``, parameters without a default or with an
empty one) yields nothing: rules never guess.

IAM questions on a template (trust, statements, managed policies, what a
statement allows) are in ``cfn_iam``; security groups in ``cfn_network``.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator, NamedTuple

from . import lazy
from .safe import VALUE_LIMIT, printable, scalar_text

_MAX_DEPTH = 12
_MAX_SPELLINGS = 64

# Steps one ``values()`` call may take. Nested `Fn::FindInMap` with `Ref` keys
# branch over a whole mapping at every level: without a budget a small hostile
# template asks for (entries ** 12) steps.
_MAX_STEPS = 10_000
_NO_DEFAULT = object()  # a parameter without Default


class ResourceRef(NamedTuple):
    name: str  # logical ID of a resource in this template
    attribute: str | None  # None for Ref, else the GetAtt attribute


class Unknown(NamedTuple):
    """A piece of a string that cannot be known offline (see ``Template.text_parts``)."""

    name: str  # the pseudo parameter (AWS::Region), parameter, or intrinsic it stands for


class Value(NamedTuple):
    value: Any  # a concrete value or a ResourceRef
    path: tuple  # where the value is written (a parameter default, a branch ...)
    via: tuple = ()  # paths of the references followed to get here

    @property
    def through_parameter(self) -> bool:
        return bool(self.path) and self.path[0] == "Parameters"

    def origin(self) -> str:
        """Where the value came from, for messages: '' or ' (Default of parameter X)'."""
        p = self.path
        if len(p) >= 3 and p[0] == "Parameters" and str(p[1]).startswith("var."):  # a Terraform variable
            name = str(p[1])[4:].split("@", 1)[0]  # `var.x@folder`: a variable of a calling module
            return f" (default of variable {name})" if p[2] == "Default" else f" (variable {name}, set in a .tfvars file)"
        if len(p) >= 3 and p[0] == "Parameters":
            what = "Default" if p[2] == "Default" else "an AllowedValue"
            return f" ({what} of parameter {p[1]})"
        if len(p) >= 4 and p[0] == "Mappings":
            return f" (from mapping {p[1]})"
        return ""


class Template:
    dialect = "CloudFormation"  # what a view presents as a template says what it is ("Terraform")

    def __init__(self, root: dict):
        self.root = root
        self.resources = _mapping(root.get("Resources"))
        self.parameters = _mapping(root.get("Parameters"))
        self.mappings = _mapping(root.get("Mappings"))

    def allowed_copies(self, path: tuple, value) -> tuple:
        """The paths of the ``AllowedValues`` entries equal to ``value`` when ``path``
        is a parameter's ``Default``: a fix of the Default must fix them too, as
        CloudFormation rejects a Default that is not one of the AllowedValues."""
        if len(path) != 3 or path[0] != "Parameters" or path[2] != "Default":
            return ()
        param = self.parameters.get(path[1])
        allowed = param.get("AllowedValues") if isinstance(param, dict) else None
        if not isinstance(allowed, list):
            return ()
        return tuple(path[:2] + ("AllowedValues", i) for i, v in enumerate(allowed)
                     if type(v) is type(value) and v == value)

    # -- resources ---------------------------------------------------------------
    def resources_of_type(self, *types: str) -> Iterator[tuple[str, dict, tuple]]:
        """(logical ID, Properties, path of Properties) of each resource of ``types``."""
        for name, res in self.resources.items():
            if isinstance(res, dict) and res.get("Type") in types:
                props = res.get("Properties")
                yield str(name), props if isinstance(props, dict) else {}, ("Resources", name, "Properties")

    def resource(self, name) -> dict | None:
        res = self.resources.get(name) if isinstance(name, str) else None
        return res if isinstance(res, dict) else None

    def resource_type(self, name) -> str | None:
        res = self.resource(name)
        return res.get("Type") if res else None

    def properties(self, name) -> dict:
        res = self.resource(name) or {}
        props = res.get("Properties")
        return props if isinstance(props, dict) else {}

    # -- HyperPod -------------------------------------------------------------------
    def instance_groups(self, props: dict, base: tuple) -> Iterator[tuple[dict, tuple]]:
        """(group, path) of every instance group of an AWS::SageMaker::Cluster (restricted
        ones too), through `Fn::If` on the list or on its items (both branches;
        `AWS::NoValue` drops an item)."""
        for section in ("InstanceGroups", "RestrictedInstanceGroups"):
            for groups, gpath in self.branches(props.get(section), base + (section,)):
                if not isinstance(groups, list):
                    continue
                for i, item in enumerate(groups):
                    for group, path in self.branches(item, gpath + (i,)):
                        if isinstance(group, dict) and not is_function(group):
                            yield group, path

    def eks_orchestrators(self, props: dict, base: tuple) -> list[tuple[dict, tuple]]:
        """(the `Eks` mapping, its path) of an AWS::SageMaker::Cluster's `Orchestrator`,
        through `Fn::If` on either (both branches): empty for a Slurm cluster."""
        found = []
        for orchestrator, path in self.branches(props.get("Orchestrator"), base + ("Orchestrator",)):
            if isinstance(orchestrator, dict) and not is_function(orchestrator):
                for eks, eks_path in self.branches(orchestrator.get("Eks"), path + ("Eks",)):
                    if isinstance(eks, dict) and not is_function(eks):
                        found.append((eks, eks_path))
        return found

    def branches(self, value, path: tuple, _depth: int = 0) -> Iterator[tuple[Any, tuple]]:
        """The values a property can take through `Fn::If` (both branches), without
        `AWS::NoValue` and malformed `Fn::If` (not three arguments: CloudFormation
        rejects the template, and which value was meant cannot be known); anything
        else is yielded as it is."""
        if isinstance(value, dict) and len(value) == 1 and _depth <= _MAX_DEPTH:
            (fn, arg), = value.items()
            if fn == "Fn::If":
                if isinstance(arg, list) and len(arg) == 3:
                    yield from self.branches(arg[1], path + ("Fn::If", 1), _depth + 1)
                    yield from self.branches(arg[2], path + ("Fn::If", 2), _depth + 1)
                return
            if fn == "Ref" and arg == "AWS::NoValue":
                return
        yield value, path

    def group_label(self, group: dict, path: tuple) -> str:
        """An instance group's name for messages: its name (through `!Ref` when that
        gives one value), else its position; never the text of an unchecked value."""
        names = {v.value for v in self.scalars(group.get("InstanceGroupName"), path + ("InstanceGroupName",))
                 if isinstance(v.value, str)}
        if len(names) == 1:
            return printable(names.pop(), VALUE_LIMIT)
        index = next((step for step in reversed(path) if isinstance(step, int)), None)
        return f"#{index + 1}" if index is not None else "?"

    def group_instance_types(self, group: dict, path: tuple) -> Iterator[Value]:
        """Every value an instance group's instance types can take."""
        yield from self.scalars(group.get("InstanceType"), path + ("InstanceType",))
        req = group.get("InstanceRequirements")
        types = req.get("InstanceTypes") if isinstance(req, dict) else None
        if isinstance(types, list):
            for j, t in enumerate(types):
                yield from self.scalars(t, path + ("InstanceRequirements", "InstanceTypes", j))

    def subnet_refs(self, props: dict, base: tuple) -> Iterator[tuple[str, tuple]]:
        """(subnet logical ID, path of the reference) of the subnets a HyperPod
        cluster uses (VpcConfig and each group's OverrideVpcConfig), when they are
        AWS::EC2::Subnet resources of this template."""
        configs = [(props.get("VpcConfig"), base + ("VpcConfig",))]
        configs += [(g.get("OverrideVpcConfig"), p + ("OverrideVpcConfig",)) for g, p in self.instance_groups(props, base)]
        for config, cpath in configs:
            for entry in self.vpc_config_subnets(config, cpath) or ():
                for v in entry:
                    if isinstance(v.value, ResourceRef) and self.resource_type(v.value.name) == "AWS::EC2::Subnet":
                        yield v.value.name, v.path

    def vpc_config_subnets(self, config, path: tuple) -> list[list[Value]] | None:
        """Each entry of a `VpcConfig`/`OverrideVpcConfig` ``Subnets`` list, as the
        values it can take (a ``ResourceRef`` for a subnet of this template);
        None when the config or its list is not written out."""
        subnets = config.get("Subnets") if isinstance(config, dict) else None
        if not isinstance(subnets, list):
            return None
        return [list(self.values(item, path + ("Subnets", i))) for i, item in enumerate(subnets)]

    def addon_versions(self, addon: str) -> Iterator[Value]:
        """The pinned `AddonVersion` values of every `AWS::EKS::Addon` named ``addon``
        (an add-on without a version gets EKS's default: nothing to judge)."""
        for _, props, base in self.resources_of_type("AWS::EKS::Addon"):
            names = {v.value for v in self.scalars(props.get("AddonName"), base + ("AddonName",))}
            if addon in names and "AddonVersion" in props:
                yield from self.scalars(props["AddonVersion"], base + ("AddonVersion",))

    def referencing(self, rtype: str, prop: str, target: str) -> Iterator[tuple[str, dict]]:
        """Resources of ``rtype`` whose ``prop`` refers to the resource ``target``."""
        for name, props, _ in self.resources_of_type(rtype):
            if self.ref_target(props.get(prop)) == target:
                yield name, props

    # -- values through references ------------------------------------------------
    def values(self, value, path: tuple, _depth: int = 0, _via: tuple = (), _budget: list | None = None) -> Iterator[Value]:
        """Every value ``value`` (written at ``path``) can take; see the module doc."""
        if _budget is None:
            _budget = [_MAX_STEPS]
        _budget[0] -= 1
        if _depth > _MAX_DEPTH or _budget[0] < 0:
            return
        if not (isinstance(value, dict) and len(value) == 1):
            yield Value(value, path, _via)
            return
        (fn, arg), = value.items()
        if not isinstance(fn, str):  # `{1: x}`: a plain mapping, not an intrinsic
            yield Value(value, path, _via)
            return
        here = path + (fn,)
        if fn == "Ref":
            yield from self._ref(arg, path, _depth, _via + (path,))
        elif fn == "Fn::GetAtt":
            target = _getatt(arg)
            if target and target[0] in self.resources:
                yield Value(ResourceRef(target[0], target[1]), path, _via)
        elif fn == "Fn::If":
            if isinstance(arg, list) and len(arg) == 3:
                yield from self.values(arg[1], here + (1,), _depth + 1, _via, _budget)
                yield from self.values(arg[2], here + (2,), _depth + 1, _via, _budget)
        elif fn == "Fn::Join":
            joined = self._join(arg)
            if joined is not None:
                yield Value(joined, path, _via)
        elif fn == "Fn::Select":
            if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
                index = _as_int(arg[0])
                if index is not None and 0 <= index < len(arg[1]):
                    yield from self.values(arg[1][index], here + (1, index), _depth + 1, _via, _budget)
        elif fn == "Fn::FindInMap":
            yield from self._find_in_map(arg, here, _depth, _via, _budget)
        elif fn == "Fn::Sub":
            if isinstance(arg, str) and "${" not in arg:
                yield Value(arg, path, _via)
        elif not is_function(value):
            yield Value(value, path, _via)  # a plain one-key mapping, not an intrinsic
        # Fn::ImportValue, Fn::GetAZs, Fn::Split, Fn::Cidr, Fn::Base64, Fn::Transform ...: unknowable

    def scalars(self, value, path: tuple) -> Iterator[Value]:
        """Like ``values`` but only concrete scalars (strings, numbers, booleans)."""
        for v in self.values(value, path):
            if isinstance(v.value, (str, int, float, bool)) and not isinstance(v.value, ResourceRef):
                yield v

    def _ref(self, target, path, depth, via) -> Iterator[Value]:
        if not isinstance(target, str):
            return
        if target in self.parameters:
            param = self.parameters[target]
            if not isinstance(param, dict):
                return
            if (scalar_text(param.get("Type", "")) or "").startswith("AWS::SSM::"):
                return  # resolved from Parameter Store at deploy time
            base = ("Parameters", target)
            default = param.get("Default", _NO_DEFAULT)
            if default == "":
                default = _NO_DEFAULT  # `Default: ""` is the idiom for "supplied at deploy time"
            if default is not _NO_DEFAULT:
                yield Value(default, base + ("Default",), via)
            allowed = param.get("AllowedValues")
            if isinstance(allowed, list):
                for i, v in enumerate(allowed):
                    if v != default and v != "":  # the default is reported once, at the Default
                        yield Value(v, base + ("AllowedValues", i), via)
        elif target in self.resources:
            yield Value(ResourceRef(target, None), path, via)
        # pseudo parameters (AWS::Region, AWS::NoValue ...) and unknown names: unknowable

    def _join(self, arg) -> str | None:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], list)):
            return None
        parts = []
        for item in arg[1]:
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                return None
            parts.append(str(item))
        return arg[0].join(parts)

    def _find_in_map(self, arg, here, depth, via, budget) -> Iterator[Value]:
        if not (isinstance(arg, list) and len(arg) >= 3 and isinstance(arg[0], str)):
            return
        table = self.mappings.get(arg[0])
        if not isinstance(table, dict):
            return
        top_keys = [arg[1]] if isinstance(arg[1], str) else list(table)  # a Ref key: any entry
        for top in top_keys:
            budget[0] -= 1
            if budget[0] < 0:
                return
            level = table.get(top)
            if not isinstance(level, dict):
                continue
            second = [arg[2]] if isinstance(arg[2], str) else list(level)
            for key in second:
                if key in level and budget[0] >= 0:
                    yield from self.values(level[key], ("Mappings", arg[0], top, key), depth + 1, via + (here,), budget)

    def text_parts(self, value, path: tuple, _depth: int = 0) -> Iterator[Value]:
        """Every spelling of the string ``value`` (written at ``path``), each a
        ``Value`` whose value is a tuple of parts: literal text (str), a resource
        of this template (``ResourceRef``: ``${Res}``, ``${Res.Arn}``, a ``!Ref``
        or ``!GetAtt`` item of ``Fn::Join``) or ``Unknown`` (a pseudo parameter,
        a parameter without a value, an import). Follows ``Fn::Sub`` and
        ``Fn::Join`` besides what ``values`` follows, so
        ``!Sub arn:${AWS::Partition}:s3:::${Bucket}/*`` becomes
        ``("arn:", Unknown("AWS::Partition"), ":s3:::my-bucket/*")`` when the
        parameter ``Bucket`` defaults to ``my-bucket``. A value that is
        unknowable as a whole yields nothing."""
        if _depth > _MAX_DEPTH:
            return
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Fn::Sub":
                for parts in itertools.islice(self._sub_spellings(arg, path, _depth), _MAX_SPELLINGS):
                    yield Value(parts, path)
                return
            if fn == "Fn::Join":
                for parts in itertools.islice(self._join_spellings(arg, path, _depth), _MAX_SPELLINGS):
                    yield Value(parts, path)
                return
            if fn == "Fn::If":
                if isinstance(arg, list) and len(arg) == 3:
                    yield from self.text_parts(arg[1], path + (fn, 1), _depth + 1)
                    yield from self.text_parts(arg[2], path + (fn, 2), _depth + 1)
                return
        for v in self.values(value, path, _depth):
            if isinstance(v.value, ResourceRef):
                yield Value((v.value,), v.path, v.via)
            elif isinstance(v.value, (str, int, float)) and not isinstance(v.value, bool):
                yield Value((str(v.value),), v.path, v.via)

    def _piece(self, value, path, depth, label: str) -> list[tuple]:
        """The spellings of one piece of a Sub/Join; [(Unknown,)] when it cannot be known."""
        found = [v.value for v in itertools.islice(self.text_parts(value, path, depth + 1), _MAX_SPELLINGS)]
        return list(dict.fromkeys(found)) or [(Unknown(label),)]

    def _sub_spellings(self, arg, path, depth) -> Iterator[tuple]:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            text, variables = arg
        elif isinstance(arg, str):
            text, variables = arg, {}
        else:
            return
        pieces: list[list[tuple]] = []
        pos = 0
        for m in _SUB_VAR.finditer(text):
            pieces.append([(text[pos:m.start()],)])
            pos = m.end()
            name = m.group(1).strip()
            if name.startswith("!"):  # ${!Literal} is the text ${Literal}
                pieces.append([("${" + name[1:] + "}",)])
            elif name in variables:
                pieces.append(self._piece(variables[name], path + ("Fn::Sub", 1, name), depth, name))
            elif name in self.parameters:
                pieces.append(self._piece({"Ref": name}, path, depth, name))
            elif name.partition(".")[0] in self.resources:
                res, _, attr = name.partition(".")
                pieces.append([(ResourceRef(res, attr or None),)])
            else:
                pieces.append([(Unknown(name),)])
        pieces.append([(text[pos:],)])
        yield from _combine(pieces)

    def _join_spellings(self, arg, path, depth) -> Iterator[tuple]:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
            return
        if not isinstance(arg[1], list):
            yield (Unknown("Fn::Join"),)  # a list from a parameter, Fn::Split, Fn::GetAZs ...
            return
        pieces: list[list[tuple]] = []
        for i, item in enumerate(arg[1]):
            if i:
                pieces.append([(arg[0],)])
            ref = item.get("Ref") if isinstance(item, dict) else None
            label = ref if isinstance(ref, str) else "Fn::Join"
            pieces.append(self._piece(item, path + ("Fn::Join", 1, i), depth, label))
        yield from _combine(pieces)

    def ref_target(self, value) -> str | None:
        """Logical ID of the resource ``value`` refers to (Ref or GetAtt), if any."""
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref" and isinstance(arg, str) and arg in self.resources:
                return arg
            if fn == "Fn::GetAtt":
                target = _getatt(arg)
                if target and target[0] in self.resources:
                    return target[0]
        return None


_SUB_VAR = lazy.pattern(r"\$\{([^}]*)\}")
# typical values of pseudo parameters: they have the shape of the real value
PSEUDO_EXAMPLES = {
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "111122223333",
}


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _getatt(arg) -> tuple[str, str | None] | None:
    if isinstance(arg, list) and arg and isinstance(arg[0], str):
        return arg[0], (scalar_text(arg[1]) if len(arg) > 1 else None)
    if isinstance(arg, str):
        name, _, attr = arg.partition(".")
        return name, attr or None
    return None


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def spell(parts: tuple, other) -> str | None:
    """One string for the parts of ``Template.text_parts``: pseudo parameters take
    their typical value (``PSEUDO_EXAMPLES``), anything else unknown (resources,
    parameters without a value, imports) takes ``other``; None when ``other`` is
    None and such a part is there."""
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        elif isinstance(p, Unknown) and p.name in PSEUDO_EXAMPLES:
            out.append(PSEUDO_EXAMPLES[p.name])
        elif other is None:
            return None
        else:
            out.append(other)
    return "".join(out)


def is_function(value) -> bool:
    """An intrinsic function (`{"Ref": ...}`, `{"Fn::...": ...}`, a `{"Condition": ...}`
    inside `Fn::And`/`Fn::Or`) rather than a literal one-key mapping."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


def is_no_value(value) -> bool:
    """``!Ref AWS::NoValue``: the property is not set."""
    return isinstance(value, dict) and value == {"Ref": "AWS::NoValue"}


def _combine(pieces: list[list[tuple]]) -> Iterator[tuple]:
    """Every concatenation of one spelling per piece, adjacent texts merged."""
    for choice in itertools.product(*pieces):
        merged: list = []
        for part in itertools.chain.from_iterable(choice):
            if isinstance(part, str):
                if not part:
                    continue
                if merged and isinstance(merged[-1], str):
                    merged[-1] += part
                    continue
            merged.append(part)
        yield tuple(merged)


def presence(value) -> bool | None:
    """Whether a property whose value is ``value`` is set: False when it is
    missing (None) or ``!Ref AWS::NoValue``, None when an ``Fn::If`` sets it in
    one branch only, True otherwise."""
    if value is None or is_no_value(value):
        return False
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            branches = {presence(arg[1]), presence(arg[2])}
            return branches.pop() if len(branches) == 1 else None
    return True
