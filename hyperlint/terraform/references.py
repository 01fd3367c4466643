"""References in a Terraform view: variables, locals, data sources, resources, modules.

``var.x`` is a parameter whose ``Default`` is the variable's default and whose
``AllowedValues`` are the values ``*.tfvars`` files set (structured values are
written in place, several as ``Fn::If`` branches), or the arguments the module's
callers pass; ``local.x`` is the local's expression; a resource attribute is
``!GetAtt`` (``.id``/``.name``: ``!Ref``); the community EKS module's cluster
outputs are its cluster's.
"""

from __future__ import annotations

from ..cfn import is_function
from . import hcl
from .iam import Iam, self_contained_policy
from .mapping import NOVALUE, REF_IS_NAME, RESOURCE_TYPES, pascal


class References(Iam):
    """``var.``, ``local.``, ``data.``, ``module.`` and resource references."""

    is_caller: bool
    callers: list

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
            if located is not None and (target := _navigate(located.node.expr, steps[2:])) is not None:
                return self.tr(target, located.file, shape, depth + 1)
            return self._unknown(expr.text), file, pos
        if root == "data" and len(steps) >= 4 and steps[1] == "aws_iam_policy_document" and steps[3] == "json":
            located = self.module.data.get(f"{steps[1]}.{steps[2]}")
            if located is not None and self_contained_policy(located.node):
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
        return self._either(expr.text, values, file, expr.pos)

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
        for t, v in candidates:
            if v.where != "default":
                self._note_variable(name, v.file, t.pos[0])
        return self._either(expr.text, values, file, expr.pos)


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
