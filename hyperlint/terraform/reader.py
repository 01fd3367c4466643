"""A fast HCL reader: text -> the nodes of ``hyperlint.terraform.hcl``, with positions.

python-hcl2's LALR parser takes ~25 ms for an 80-line file (and 0.35 s to
import), too slow for a linter that reads whole repositories. This reader is
a small recursive-descent parser for the whole HCL native syntax that
hyperlint needs; it produces exactly the nodes (``nodes``) ``hcl2tree`` makes from
python-hcl2's tree (tests/test_terraform.py checks both on every fixture and
on a corpus of real modules). Constructs whose value hyperlint never reads
(operators, ``for`` expressions, template directives) are skipped over as
``Opaque``. When it meets text it cannot read, it raises ``ReaderError`` and
``hcl.parse`` asks python-hcl2, the reference parser, when installed.

The parts: ``reader_scan`` (positions, blanks, tokens), ``reader_expr``
(expressions and strings), and here the structure (attributes and blocks).
"""

from __future__ import annotations

import gc

from .nodes import Attribute, Block, Lit
from .reader_expr import Expressions
from .reader_scan import NAME, ReaderError

__all__ = ["ReaderError", "read"]


def read(text: str) -> tuple:
    """The top-level body of ``text``; ReaderError where it cannot be read.

    The nodes are tuples without cycles: the cyclic garbage collector is paused while
    they are made (its passes over a growing tree make a large file quadratic)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _Parser(text).file()
    finally:
        if paused:
            gc.enable()


class _Parser(Expressions):
    """A whole file: attributes and blocks, each made of expressions."""

    # -- structure ---------------------------------------------------------------------------
    def file(self) -> tuple:
        body = self.body()
        self.ws(True)
        if self.i < self.n:
            self.fail("unexpected '}'" if self.s[self.i] == "}" else "unexpected text")
        return body

    def body(self) -> tuple:
        out: list = []
        while True:
            self.ws(True)
            if self.i >= self.n or self.s[self.i] == "}":
                return tuple(out)
            start = self.i
            m = NAME.match(self.s, self.i)
            if not m:
                self.fail("expected an attribute or a block")
            name = m.group()
            self.i = m.end()
            key_pos = self.span(start, self.i)
            self.ws()
            if self.peek("=") and not self.peek("=="):
                self.i += 1
                self.ws()
                expr = self.expression(0)
                out.append(Attribute(name, expr, key_pos, self.at(start) + expr.pos[2:]))
                self.end_of_line()
                continue
            labels, label_pos = [], []
            while True:
                self.ws()
                lstart = self.i
                if self.peek('"'):
                    label = self.string()
                    labels.append(label.value if isinstance(label, Lit) else label.text)
                    label_pos.append(label.pos)
                    continue
                lm = NAME.match(self.s, self.i)
                if lm:
                    self.i = lm.end()
                    labels.append(lm.group())
                    label_pos.append(self.span(lstart, self.i))
                    continue
                break
            self.ws(True)
            self.expect("{")
            inner = self.body()
            self.ws(True)
            self.expect("}")
            out.append(Block(name, tuple(str(x) for x in labels), inner, self.span(start, self.i), tuple(label_pos)))
            self.end_of_line()
