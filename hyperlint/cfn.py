"""CloudFormation templates on plain data: resources and values through references.

``Template.values(value, path)`` answers "what can this property be?" the way
CloudFormation would: a literal is itself; ``Ref`` to a parameter is its
``Default`` and each of its ``AllowedValues`` (each at its own line); both
branches of ``Fn::If``; literal ``Fn::Join``/``Fn::Select``/``Fn::FindInMap``
are computed; ``Ref``/``Fn::GetAtt`` to a resource of the template become a
``ResourceRef``. What cannot be known offline (imports, SSM parameters,
pseudo parameters, ``AWS::NoValue``, parameters without a default) yields
nothing: rules never guess.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, NamedTuple

_MAX_DEPTH = 12


class ResourceRef(NamedTuple):
    name: str  # logical ID of a resource in this template
    attribute: str | None  # None for Ref, else the GetAtt attribute


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
        if len(p) >= 3 and p[0] == "Parameters":
            what = "Default" if p[2] == "Default" else "an AllowedValue"
            return f" ({what} of parameter {p[1]})"
        if len(p) >= 4 and p[0] == "Mappings":
            return f" (from mapping {p[1]})"
        return ""


class Template:
    def __init__(self, root: dict):
        self.root = root
        self.resources = _mapping(root.get("Resources"))
        self.parameters = _mapping(root.get("Parameters"))
        self.mappings = _mapping(root.get("Mappings"))

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
        """(group, path) of every instance group of an AWS::SageMaker::Cluster (restricted ones too)."""
        for section in ("InstanceGroups", "RestrictedInstanceGroups"):
            groups = props.get(section)
            if isinstance(groups, list):
                for i, group in enumerate(groups):
                    if isinstance(group, dict):
                        yield group, base + (section, i)

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

    def referencing(self, rtype: str, prop: str, target: str) -> Iterator[tuple[str, dict]]:
        """Resources of ``rtype`` whose ``prop`` refers to the resource ``target``."""
        for name, props, _ in self.resources_of_type(rtype):
            if self.ref_target(props.get(prop)) == target:
                yield name, props

    # -- values through references ------------------------------------------------
    def values(self, value, path: tuple, _depth: int = 0, _via: tuple = ()) -> Iterator[Value]:
        """Every value ``value`` (written at ``path``) can take; see the module doc."""
        if _depth > _MAX_DEPTH:
            return
        if not (isinstance(value, dict) and len(value) == 1):
            yield Value(value, path, _via)
            return
        (fn, arg), = value.items()
        here = path + (fn,)
        if fn == "Ref":
            yield from self._ref(arg, path, _depth, _via + (path,))
        elif fn == "Fn::GetAtt":
            target = _getatt(arg)
            if target and target[0] in self.resources:
                yield Value(ResourceRef(target[0], target[1]), path, _via)
        elif fn == "Fn::If":
            if isinstance(arg, list) and len(arg) == 3:
                yield from self.values(arg[1], here + (1,), _depth + 1, _via)
                yield from self.values(arg[2], here + (2,), _depth + 1, _via)
        elif fn == "Fn::Join":
            joined = self._join(arg)
            if joined is not None:
                yield Value(joined, path, _via)
        elif fn == "Fn::Select":
            if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
                index = _as_int(arg[0])
                if index is not None and 0 <= index < len(arg[1]):
                    yield from self.values(arg[1][index], here + (1, index), _depth + 1, _via)
        elif fn == "Fn::FindInMap":
            yield from self._find_in_map(arg, here, _depth, _via)
        elif fn == "Fn::Sub":
            if isinstance(arg, str) and "${" not in arg:
                yield Value(arg, path, _via)
        elif not fn.startswith(("Fn::", "Ref", "Condition")):
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
            if str(param.get("Type", "")).startswith("AWS::SSM::"):
                return  # resolved from Parameter Store at deploy time
            base = ("Parameters", target)
            if "Default" in param:
                yield Value(param["Default"], base + ("Default",), via)
            allowed = param.get("AllowedValues")
            if isinstance(allowed, list):
                for i, v in enumerate(allowed):
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

    def _find_in_map(self, arg, here, depth, via) -> Iterator[Value]:
        if not (isinstance(arg, list) and len(arg) >= 3 and isinstance(arg[0], str)):
            return
        table = self.mappings.get(arg[0])
        if not isinstance(table, dict):
            return
        top_keys = [arg[1]] if isinstance(arg[1], str) else list(table)  # a Ref key: any entry
        for top in top_keys:
            level = table.get(top)
            if not isinstance(level, dict):
                continue
            second = [arg[2]] if isinstance(arg[2], str) else list(level)
            for key in second:
                if key in level:
                    yield from self.values(level[key], ("Mappings", arg[0], top, key), depth + 1, via + (here,))

    def role_identities(self, value, path: tuple) -> set[tuple[str, str]]:
        """What identifies the IAM role ``value`` points at: ("resource", logical ID)
        and/or ("name", role name from an ARN or a literal RoleName). Two
        references name the same role when their identities intersect."""
        found: set[tuple[str, str]] = set()
        for v in self.values(value, path):
            if isinstance(v.value, ResourceRef):
                if self.resource_type(v.value.name) == "AWS::IAM::Role":
                    found.add(("resource", v.value.name))
                    name = self.properties(v.value.name).get("RoleName")
                    if isinstance(name, str):
                        found.add(("name", name))
            elif isinstance(v.value, str):
                m = _ROLE_ARN.search(v.value)
                if m:
                    found.add(("name", m.group(1)))
        sub = value.get("Fn::Sub") if isinstance(value, dict) and len(value) == 1 else None
        text = sub[0] if isinstance(sub, list) and sub and isinstance(sub[0], str) else sub
        if isinstance(text, str):
            m = _ROLE_SUB.search(text)
            if m and m.group(1) in self.resources:
                found.add(("resource", m.group(1)))
            elif m is None and (m := _ROLE_ARN.search(text)) and "${" not in m.group(1):
                found.add(("name", m.group(1)))
        return found

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


_ROLE_ARN = re.compile(r":role/(?:[^:]*/)?([^/:]+)$")
_ROLE_SUB = re.compile(r":role/(?:[^:]*/)?\$\{([A-Za-z0-9]+)(?:\.Arn)?\}$")


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _getatt(arg) -> tuple[str, str | None] | None:
    if isinstance(arg, list) and arg and isinstance(arg[0], str):
        return arg[0], (str(arg[1]) if len(arg) > 1 else None)
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
