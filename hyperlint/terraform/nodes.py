"""The nodes of an HCL file: blocks, attributes and a small closed set of expressions.

Both readers make them (``reader``, the fast one, and ``hcl2tree``, from
python-hcl2's tree), with the helpers here for what they build alike: string
escapes, quoted strings and heredocs. Every node has ``pos`` = (line, col,
end_line, end_col), 0-based, the end exclusive, columns in characters.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Lit(NamedTuple):
    value: Any  # str, int, float, bool or None
    pos: tuple


class Template(NamedTuple):
    """A quoted string with interpolations: text pieces and expressions."""

    parts: tuple  # str | expression
    pos: tuple
    text: str


class Traversal(NamedTuple):
    """``var.x``, ``aws_eks_cluster.main.arn``, ``aws_subnet.p[0].id``, ``local.a.b``."""

    steps: tuple  # str (attribute) | int or str (index) ; the first is the root name
    pos: tuple
    text: str
    splat: bool = False  # `x[*].id` / `x.*.id`


class Call(NamedTuple):
    name: str
    args: tuple
    pos: tuple
    text: str


class Tuple(NamedTuple):
    items: tuple
    pos: tuple


class Object(NamedTuple):
    items: tuple  # (key str | None when computed, key pos, expression)
    pos: tuple


class Conditional(NamedTuple):
    cond: Any
    then: Any
    other: Any
    pos: tuple
    text: str


class Operation(NamedTuple):
    """``a || b``, ``x != null``, ``!x``: an operator and its operands (left to right)."""

    op: str
    operands: tuple
    pos: tuple
    text: str


class For(NamedTuple):
    """``[for v in c : e if cond]`` and ``{for k, v in c : key => e...}``."""

    kind: str  # "tuple" | "object"
    key_var: str | None  # `k` of `for k, v in ...`
    value_var: str
    collection: Any
    key: Any  # the key expression of an object `for` (None for a tuple)
    value: Any
    cond: Any  # the `if` expression, or None
    grouping: bool  # `...` after the value
    pos: tuple
    text: str


class Opaque(NamedTuple):
    pos: tuple
    text: str


class Attribute(NamedTuple):
    name: str
    expr: Any
    key_pos: tuple  # of the name
    pos: tuple  # of the whole `name = value`


class Block(NamedTuple):
    type: str
    labels: tuple  # str
    body: tuple  # Attribute | Block
    pos: tuple  # from the type to the closing brace
    label_pos: tuple  # pos of each label

    def attribute(self, name: str) -> Attribute | None:
        return next((a for a in self.body if isinstance(a, Attribute) and a.name == name), None)

    def blocks(self, type_: str) -> list:
        return [b for b in self.body if isinstance(b, Block) and b.type == type_]


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unescape(s: str) -> str:
    if "\\" not in s:
        return s
    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            width = {"u": 4, "U": 8}.get(nxt)
            digits = s[i + 2:i + 2 + width] if width else ""
            if width and len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                code = int(digits, 16)
                if code <= 0x10FFFF and not 0xD800 <= code < 0xE000:
                    out.append(chr(code))
                    i += 2 + width
                    continue
        out.append(ch)
        i += 1
    return "".join(out)


def add_text(parts: list, text: str) -> None:
    """Append literal ``text`` to the pieces of a string, joined to a text piece before it."""
    if parts and isinstance(parts[-1], str):
        parts[-1] += text
    else:
        parts.append(text)


def string_node(parts: list, pos: tuple, text: str):
    """A quoted string of ``parts`` (text pieces and expressions): a Lit when it has no
    interpolation, else a Template."""
    if not parts:
        return Lit("", pos)
    if len(parts) == 1 and isinstance(parts[0], str):
        return Lit(parts[0], pos)
    return Template(tuple(parts), pos, text)


def heredoc_node(lines: list, trim: bool, pos: tuple, text: str):
    """A heredoc of body ``lines`` (``<<-`` trims their common indentation): a Lit, or
    Opaque when it interpolates (not read)."""
    if trim:
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents) if indents else 0
        lines = [ln[cut:] for ln in lines]
    body = "\n".join(lines) + ("\n" if lines else "")
    if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
        return Opaque(pos, text)
    return Lit(body.replace("$${", "${").replace("%%{", "%{"), pos)
