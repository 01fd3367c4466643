"""HCL text -> blocks, attributes and expressions with exact positions.

``parse`` reads with the fast reader (``hyperlint.terraform.reader``); text it
cannot read goes to python-hcl2 (``hyperlint[terraform]``), the reference
parser, imported only then. Its raw Lark tree keeps the line and column of
every token (python-hcl2 >= 8: ``hcl2.parses_to_tree``; its dict output keeps
only block lines), so ``hcl2tree`` reads that tree, not the dict. Both
give the same nodes (``nodes``; tests/test_terraform.py).

Expressions become a small closed set of nodes; whatever is not one of them
(``for`` expressions, operators, splats) is ``Opaque``: its value is unknown
and it never gives a finding. Every node has ``pos`` = (line, col, end_line,
end_col), 0-based, the end exclusive, columns in characters.
"""

from __future__ import annotations

from .nodes import (  # noqa: F401  (the node types are read as hcl.Lit, hcl.Block ...)
    Attribute,
    Block,
    Call,
    Conditional,
    For,
    Lit,
    Object,
    Opaque,
    Operation,
    Template,
    Traversal,
    Tuple,
)


class Missing(Exception):
    """python-hcl2 is not installed."""


INSTALL_HINT = "pip install 'hyperlint[terraform]' (python-hcl2)"


class HclError(Exception):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def parse(text: str) -> tuple:
    """The top-level body (Attributes and Blocks) of HCL ``text``; HclError on bad syntax.

    The fast reader (``hyperlint.terraform.reader``) reads it; text it cannot read
    goes to python-hcl2, the reference parser, when it is installed."""
    from .reader import ReaderError, read

    try:
        return read(text)
    except ReaderError as exc:
        first = exc
    except RecursionError:  # no Terraform file nests hundreds of levels: not worth a second reader
        raise HclError("HCL syntax error: expressions nested too deeply to read", 0, 0) from None
    line = text.count("\n", 0, first.offset)
    col = first.offset - (text.rfind("\n", 0, first.offset) + 1)
    if len(text) <= FALLBACK_LIMIT:
        try:
            return parse_with_hcl2(text)
        except Missing:
            raise HclError(f"HCL syntax error: {first.message} (if this is valid Terraform, {INSTALL_HINT} "
                           f"reads it)", line, col) from None
    raise HclError(f"HCL syntax error: {first.message}", line, col)


FALLBACK_LIMIT = 256 * 1024  # characters: larger text hyperlint's reader rejects is not given to python-hcl2 (slow)


def parse_with_hcl2(text: str) -> tuple:
    """``parse`` by python-hcl2 (raises Missing when it is not installed)."""
    try:
        import hcl2
        from lark.exceptions import LarkError, UnexpectedInput
    except ImportError as exc:
        raise Missing(INSTALL_HINT) from exc
    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        line, col = max(getattr(exc, "line", 1) or 1, 1), max(getattr(exc, "column", 1) or 1, 1)
        raise HclError(f"HCL syntax error: {_short(exc)}", line - 1, col - 1) from None
    except (LarkError, RecursionError, ValueError) as exc:
        raise HclError(f"HCL syntax error: {_short(exc)}", 0, 0) from None
    from .hcl2tree import read_tree

    try:
        return read_tree(text, tree)
    except RecursionError:
        raise HclError("HCL syntax error: expressions nested too deeply to read", 0, 0) from None


def parses(text: str) -> bool:
    """Whether ``text`` is valid HCL (for checking a fixed file)."""
    try:
        parse(text)
    except HclError:
        return False
    return True


def _short(exc) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
