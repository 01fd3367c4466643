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

from typing import Any, Iterator, NamedTuple

from .safe import scalar_text

_MAX_DEPTH = 12
# Steps one ``values()`` call may take. Nested `Fn::FindInMap` with `Ref` keys
# branch over a whole mapping at every level: without a budget a small hostile
# template asks for (entries ** 12) steps.
_MAX_STEPS = 10_000


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
            if (scalar_text(param.get("Type", "")) or "").startswith("AWS::SSM::"):
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
