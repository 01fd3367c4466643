"""Terraform expressions -> values of the view, as Terraform would have them.

Literals, tuples, objects, interpolated strings (``Fn::Sub`` when a piece is not
one known value), conditionals (``Fn::If`` when undecided), operators, ``for``
expressions and the functions ``jsonencode``, ``merge``, ``concat``, ``distinct``,
``length`` computed when what they read is known; a value with several possible
values gives each of its results. Anything else is a ``Ref`` to nothing: unknown,
never judged. References (``var.x``, ``local.x``, resources) are ``references``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from . import hcl
from .mapping import AUTO, FREE, LIST_BLOCKS, META_ARGUMENTS, NOVALUE, rename
from .viewmarks import Marks

_MAX_DEPTH = 16
_SUB_NAME = re.compile(r"^[^{}$]+$")
_UNKNOWN = object()  # a value that cannot be known offline (in evaluation)


class Evaluator(Marks):
    """Expressions and block bodies -> values of the view, with their marks."""

    parameters: dict
    _env: dict
    _traversal: Callable[..., tuple]  # references.References

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
                name, child = rename(shape, key)
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

    def body(self, items, file: int, shape) -> dict:
        out: dict = {}
        blocks: dict[str, list] = {}
        for item in items:
            if isinstance(item, hcl.Attribute):
                if item.name in META_ARGUMENTS:
                    continue
                key, child = rename(shape, item.name)
                value, vfile, vpos = self.tr(item.expr, file, child)
                if value is not NOVALUE:
                    self._set(out, key, value, self._mark(vfile, item.key_pos, vpos, key_file=file))
            elif isinstance(item, hcl.Block) and item.type not in META_ARGUMENTS:
                blocks.setdefault(item.type, []).append(item)
        for btype, group in blocks.items():
            if btype == "dynamic":
                for b in group:  # `dynamic "x" { for_each ... }`: which blocks is not known
                    if b.labels:
                        key, _ = rename(shape, b.labels[0])
                        self._set(out, key, self._unknown(f"dynamic {b.labels[0]}"), self._mark(file, b.pos, b.pos))
                continue
            key, child = rename(shape, btype)
            mappings = [(self.body(b.body, file, child), b) for b in group]
            if len(group) == 1 and btype not in LIST_BLOCKS:
                value, b = mappings[0]
                self._set(out, key, value, self._mark(file, b.pos, b.pos))
            else:
                items_ = [m for m, _ in mappings]
                self._set(out, key, items_, self._mark(file, group[0].pos, group[0].pos))
                self._put(items_, [self._mark(file, b.pos, b.pos) for _, b in mappings])
        return out

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
        for collection, _, _ in alternatives:
            result = self._for_one(expr, collection, file, shape, depth)
            if result is None:
                return unknown
            results.append((result, file, expr.pos))
        return self._either(expr.collection.text if hasattr(expr.collection, "text") else "for", results, file,
                            expr.pos)

    def _for_one(self, expr: hcl.For, collection, file: int, shape, depth: int):
        if isinstance(collection, list):
            marks = self.marks.get(id(collection), [])
            pairs = [(i, item, marks[i] if i < len(marks) else None) for i, item in enumerate(collection)]
        elif isinstance(collection, dict):
            marks = self.marks.get(id(collection), {})
            pairs = [(k, item, marks.get(k)) for k, item in collection.items()]
        else:
            return None
        out_list: list = []
        list_marks: list = []
        out_map: dict = {}
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
                name, _ = rename(shape, k)
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

    def _either(self, label: str, choices: list, file, pos) -> tuple:
        """(value, file, pos) of a value that is one of ``choices`` (each a (value, file, pos)):
        the last one, each earlier one an ``Fn::If`` branch before it."""
        value = choices[-1]
        for item in reversed(choices[:-1]):
            value = (self._if(label, item, value, file, pos), file, pos)
        return value

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
        results: list[tuple[list | dict, int, tuple]] = []
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
        return self._either(expr.text, results, file, expr.pos)


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
