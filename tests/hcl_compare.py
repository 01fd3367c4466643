"""Both HCL readers must agree: the fast reader and python-hcl2 (tests/test_terraform.py)."""

from __future__ import annotations

import re

from hyperlint.terraform import hcl

_TRAILING = re.compile(r"(?:\s|#[^\n]*|//[^\n]*)+$")


def normal(node):
    """A node tree for comparison: python-hcl2 ends an operator expression after the line
    end that follows it; values never depend on where an unread expression ends."""
    if isinstance(node, hcl.Opaque):
        return ("Opaque", node.pos[:2], _TRAILING.sub("", node.text))
    if isinstance(node, hcl.Operation):
        return ("Operation", node.op, normal(node.operands), node.pos[:2])
    if isinstance(node, hcl.For):
        return ("For", node.kind, node.key_var, node.value_var, normal(node.collection), normal(node.key),
                normal(node.value), normal(node.cond), node.grouping, node.pos[:2])
    if isinstance(node, hcl.Conditional):
        return ("Conditional", normal(node.cond), normal(node.then), normal(node.other), node.pos[:2])
    if isinstance(node, hcl.Attribute):
        return ("Attribute", node.name, normal(node.expr), node.key_pos, node.pos[:2])
    if isinstance(node, tuple) and hasattr(node, "_fields"):
        return (type(node).__name__,) + tuple(normal(v) for v in node)
    if isinstance(node, tuple):
        return tuple(normal(v) for v in node)
    return node


def first_difference(a, b, path=""):
    if type(a) is not type(b):
        return path, a, b
    if isinstance(a, tuple):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}/{i}")
            if d:
                return d
        return None if len(a) == len(b) else (path + "/len", len(a), len(b))
    return None if a == b else (path, a, b)
