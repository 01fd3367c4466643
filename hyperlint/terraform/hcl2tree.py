"""python-hcl2's raw Lark tree -> the nodes of ``nodes`` (the reference reader).

``hcl.parse`` comes here only for text the fast reader (``reader``) cannot read,
when python-hcl2 is installed. Its raw tree keeps the line and column of every
token (python-hcl2 >= 8: ``hcl2.parses_to_tree``; its dict output keeps only block
lines), so this reads that tree, not the dict. Both readers give the same nodes
(tests/test_terraform.py).
"""

from __future__ import annotations

from .nodes import (
    Attribute,
    Block,
    Call,
    Conditional,
    For,
    Lit,
    Object,
    Opaque,
    Operation,
    Traversal,
    Tuple,
    add_text,
    heredoc_node,
    string_node,
    unescape,
)


def read_tree(text: str, tree) -> tuple:
    """The top-level body of ``text`` from python-hcl2's tree of it."""
    return _Reader(text).body(_child(tree, "body"))


def _child(tree, name):
    for c in tree.children:
        if getattr(c, "data", None) == name:
            return c
    return None


def _trees(tree):
    return [c for c in tree.children if hasattr(c, "data")]


def _pos(node) -> tuple:
    if hasattr(node, "meta"):
        m = node.meta
        if getattr(m, "empty", True):
            return (0, 0, 0, 0)
        return (m.line - 1, m.column - 1, m.end_line - 1, m.end_column - 1)
    return (node.line - 1, node.column - 1, node.end_line - 1, node.end_column - 1)


class _Reader:
    def __init__(self, text: str):
        self.lines = text.split("\n")

    def text(self, pos: tuple) -> str:
        l0, c0, l1, c1 = pos
        if l0 == l1:
            return self.lines[l0][c0:c1] if l0 < len(self.lines) else ""
        parts = [self.lines[l0][c0:]] + self.lines[l0 + 1:l1] + [self.lines[l1][:c1] if l1 < len(self.lines) else ""]
        return "\n".join(parts)

    # -- structure -------------------------------------------------------------------
    def body(self, tree) -> tuple:
        out: list = []
        for c in _trees(tree) if tree is not None else ():
            if c.data == "attribute":
                out.append(self.attribute(c))
            elif c.data == "block":
                out.append(self.block(c))
        return tuple(out)

    def attribute(self, tree) -> Attribute:
        name_node, expr_node = _trees(tree)[0], _trees(tree)[-1]
        return Attribute(self.name(name_node), self.expr(expr_node), _pos(name_node), _pos(tree))

    def block(self, tree) -> Block:
        parts = [c for c in _trees(tree) if c.data not in ("body", "new_line_or_comment")]
        names = [self.name(p) if p.data != "string" else self.string_value(p) for p in parts]
        return Block(str(names[0]), tuple(str(n) for n in names[1:]), self.body(_child(tree, "body")),
                     _pos(tree), tuple(_pos(p) for p in parts[1:]))

    def name(self, node) -> str:
        tok = next((c for c in node.children if not hasattr(c, "data")), None)
        if tok is None:
            return self.name(_trees(node)[0])
        return str(tok)

    def string_value(self, node):
        e = self.expr(node)
        return e.value if isinstance(e, Lit) else e.text

    # -- expressions -----------------------------------------------------------------
    def expr(self, node):
        pos = _pos(node)
        kind = node.data
        if kind == "expr_term":
            inner = _trees(node)
            if len(inner) == 1 and not any(getattr(c, "type", "") == "LPAR" for c in node.children):
                return self.expr(inner[0])
            inner = [c for c in inner if c.data != "new_line_or_comment"]
            if len(inner) == 1:  # ( expression )
                return self.expr(inner[0])
            return Opaque(pos, self.text(pos))
        if kind == "int_lit":
            return Lit(int(str(node.children[0])), pos)
        if kind == "float_lit":
            return Lit(float(str(node.children[0])), pos)
        if kind == "literal_value":
            word = str(node.children[0])
            return Lit({"true": True, "false": False, "null": None}[word], pos)
        if kind == "string":
            return self.string(node, pos)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(str(node.children[0]), kind.endswith("trim"), pos)
        if kind == "tuple":
            return Tuple(tuple(self.expr(c) for c in _trees(node) if c.data != "new_line_or_comment"), pos)
        if kind == "object":
            items = []
            for elem in _trees(node):
                if elem.data != "object_elem":
                    continue
                key_node, value_node = _trees(elem)[0], _trees(elem)[-1]
                items.append((self.object_key(key_node), _pos(key_node), self.expr(value_node)))
            return Object(tuple(items), pos)
        if kind == "identifier":
            return Traversal((self.name(node),), pos, self.text(pos))
        if kind in ("get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term"):
            return self.traversal(node, pos)
        if kind == "function_call":
            ids = [c for c in _trees(node) if c.data == "identifier"]
            args = _child(node, "arguments")
            name = "::".join(self.name(i) for i in ids)
            arg_exprs = tuple(self.expr(a) for a in _trees(args) if a.data != "new_line_or_comment") if args else ()
            return Call(name, arg_exprs, pos, self.text(pos))
        if kind == "unary_op":  # -1 is a number; anything else an operation
            sign, operand = node.children[0], _trees(node)[0] if _trees(node) else None
            value = self.expr(operand) if operand is not None else None
            if str(sign) == "-" and isinstance(value, Lit) and type(value.value) in (int, float):
                return Lit(-value.value, pos)
            if value is not None:
                return Operation(str(sign).strip(), (value,), pos, self.text(pos))
            return Opaque(pos, self.text(pos))
        if kind == "binary_op":
            parts = [c for c in _trees(node) if c.data != "new_line_or_comment"]
            if len(parts) == 2 and parts[1].data == "binary_term":
                term = [c for c in _trees(parts[1]) if c.data != "new_line_or_comment"]
                op = next((str(t).strip() for t in term[0].children if not hasattr(t, "data")), "")
                return Operation(op, (self.expr(parts[0]), self.expr(term[-1])), pos, self.text(pos))
            return Opaque(pos, self.text(pos))
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self.for_expr(node, kind, pos)
        if kind == "conditional":
            parts = [c for c in _trees(node) if c.data != "new_line_or_comment"]
            if len(parts) == 3:
                return Conditional(*(self.expr(p) for p in parts), pos, self.text(pos))
        return Opaque(pos, self.text(pos))

    def for_expr(self, node, kind, pos):
        parts = [c for c in _trees(node) if c.data != "new_line_or_comment"]
        intro, rest = parts[0], parts[1:]
        cond = None
        if rest and rest[-1].data == "for_cond":
            cond = self.expr([c for c in _trees(rest[-1]) if c.data != "new_line_or_comment"][-1])
            rest = rest[:-1]
        names = [self.name(c) for c in _trees(intro) if c.data == "identifier"]
        inner = [c for c in _trees(intro) if c.data not in ("identifier", "new_line_or_comment")]
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        collection = self.expr(inner[-1])
        grouping = any(getattr(c, "type", "") == "ELLIPSIS" for c in node.children)
        if kind == "for_object_expr":
            key, value = (self.expr(rest[0]), self.expr(rest[1]))
            return For("object", key_var, value_var, collection, key, value, cond, grouping, pos, self.text(pos))
        return For("tuple", key_var, value_var, collection, None, self.expr(rest[0]), cond, False, pos, self.text(pos))

    def object_key(self, node):
        inner = _trees(node)[0] if _trees(node) else None
        if inner is None:
            return str(node.children[0])  # a keyword used as a key
        if inner.data == "keyword":
            return self.name(inner)
        e = self.expr(inner)
        if isinstance(e, Traversal) and len(e.steps) == 1 and not e.splat:
            return e.steps[0]  # `name = ...`: a bare word is the key itself
        if isinstance(e, Lit) and isinstance(e.value, str):
            return e.value
        return None  # computed key: `(var.k) = ...`, `"${x}" = ...`

    def traversal(self, node, pos):
        steps: list = []
        splat = False

        def walk(n) -> bool:
            nonlocal splat
            kind = n.data
            if kind == "expr_term":
                inner = _trees(n)
                return len(inner) == 1 and walk(inner[0])
            if kind == "identifier":
                steps.append(self.name(n))
                return True
            if kind in ("get_attr_expr_term", "index_expr_term", "attr_splat_expr_term", "full_splat_expr_term"):
                base, op = _trees(n)[0], _trees(n)[-1]
                if not walk(base):
                    return False
                if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
                    splat = True
                    for sub in _trees(op):
                        if not step(sub):
                            return False
                    return True
                return step(op)
            return False

        def step(op) -> bool:
            if op.data == "get_attr":
                steps.append(self.name(_trees(op)[0]))
                return True
            if op.data == "short_index":
                steps.append(int(str(op.children[-1])))
                return True
            if op.data == "braces_index":
                e = self.expr(next(c for c in _trees(op) if c.data != "new_line_or_comment"))
                if isinstance(e, Lit) and isinstance(e.value, (int, str)) and not isinstance(e.value, bool):
                    steps.append(e.value)
                    return True
            return False

        if walk(node):
            return Traversal(tuple(steps), pos, self.text(pos), splat)
        return Opaque(pos, self.text(pos))

    def string(self, node, pos):
        parts: list = []
        for part in _trees(node):
            inner = part.children[0]
            if hasattr(inner, "data"):
                if inner.data == "interpolation":
                    parts.append(self.expr(_trees(inner)[0]))
                else:  # template directives %{ if } ... : the value is unknown
                    return Opaque(pos, self.text(pos))
                continue
            kind, value = inner.type, str(inner)
            if kind == "ESCAPED_INTERPOLATION":
                value = value[1:]  # $${x} is the text ${x}
            elif kind == "ESCAPED_DIRECTIVE":
                value = value[1:]
            else:
                value = unescape(value)
            add_text(parts, value)
        return string_node(parts, pos, self.text(pos))

    def heredoc(self, raw: str, trim: bool, pos):
        first, _, rest = raw.partition("\n")
        marker = first[3:] if trim else first[2:]
        lines = rest.split("\n")
        # the last lines are the closing marker and the empty string after its newline
        while lines and lines[-1].strip() in ("", marker):
            last = lines.pop()
            if last.strip() == marker:
                break
        return heredoc_node(lines, trim, pos, self.text(pos))  # interpolations in a heredoc: Opaque, not read
