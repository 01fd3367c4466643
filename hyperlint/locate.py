"""Resolve: a path inside a document -> a position in its file.

This is the only place where positions are computed and where 0-based marks
become 1-based lines and columns. A path that goes further than the document
(a rule reporting a missing property) resolves to its deepest existing
ancestor, at the key, which is where the user has to add it.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from typing import NamedTuple

from .findings import Finding, Hit, Loc
from .parse.document import Document
from .safe import printable, scalar_text


class Span(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based
    end_line: int | None
    end_column: int | None


def locate(doc: Document, path: tuple | list, key: bool = False) -> Span:
    """Position of the value at ``path`` (of its mapping key with ``key=True``)."""
    node = doc.root
    mark = doc.root_mark
    last = None
    for step in path:
        child_marks = doc.marks.get(id(node))
        try:
            m = child_marks[step]  # type: ignore[index]
            node = node[step]
        except (KeyError, IndexError, TypeError):
            # the path leaves the document: point at the deepest existing key
            return Span(*_key_start(mark), None, None)
        mark, last = m, step
    if key and isinstance(last, str) and mark[0] >= 0:
        return Span(mark[0] + 1, mark[1] + 1, mark[0] + 1, mark[1] + 1 + len(last))
    return Span(mark[2] + 1, mark[3] + 1, mark[4] + 1, mark[5] + 1)


def _key_start(mark: tuple) -> tuple[int, int]:
    line, col = (mark[0], mark[1]) if mark[0] >= 0 else (mark[2], mark[3])
    return line + 1, col + 1


def pointer(path) -> str:
    """RFC 6901 JSON pointer of a path (keys may be any scalar, even a huge integer)."""
    return "".join("/" + (scalar_text(step) or "").replace("~", "~0").replace("/", "~1") for step in path)


def source_text(doc: Document, path, data: bytes, lf_only: bool = True) -> str | None:
    """The text of a one-line scalar as written in the file (``1.30``, ``'1.30'``);
    ``lf_only``: whether LF is the only line break the file's parser counts
    (``hyperlint.parse.lines``; False for YAML with CR, NEL, U+2028 or U+2029)."""
    from .parse.lines import line_text

    span = locate(doc, path)
    if span.end_line != span.line or span.end_column is None:
        return None
    text = line_text(data, span.line - 1, lf_only)
    if text is None:
        return None
    return text.decode("utf-8", "replace")[span.column - 1:span.end_column - 1]


# -- locations and findings: the one way to make a Loc --------------------------------

def make_finding(rule, hit: Hit, doc: Document, file: str, identity=None) -> Finding:
    related = tuple(loc_of(doc, p, file, identity) for p in hit.related)
    return Finding(rule.id, hit.severity or rule.severity, sys.intern(printable(hit.message)),
                   loc_of(doc, hit.path, file, identity, key=hit.key), facts=hit.facts, related=related)


def loc_of(doc: Document, path, file: str, identity=None, key: bool = False) -> Loc:
    """A resolved location for ``path`` in ``doc`` (the one way to make a Loc).

    Everything taken from the input (pointer, object names, Helm template) is
    made printable here, so no output format ever sees a control character,
    a line break or a lone surrogate from a file."""
    span = locate(doc, path, key=key)
    if identity is None:
        identity = cfn_identity(doc.root, path)
    # Strings that repeat from document to document (the same template rendered many
    # times) are interned: a long stream keeps one copy, not one per location.
    return Loc(file, span.line, span.column, span.end_line, span.end_column,
               _shown_pointer(tuple(path)), _shown_identity(identity), _shown_source(doc.source), doc.index)


_POINTERS: dict[tuple, str] = {}  # path -> its printable pointer, for the paths a run meets most


def _shown_pointer(path: tuple) -> str:
    """The printable JSON pointer, one shared string per path (a template rendered many times repeats them)."""
    shown = _POINTERS.get(path)
    if shown is None:
        shown = sys.intern(printable(pointer(path), 1000))
        if len(shown) < 1000 and len(_POINTERS) < 8192:  # huge keys are not kept
            _POINTERS[path] = shown
    return shown


@lru_cache(maxsize=1024)
def _shown_identity(identity: tuple | None) -> tuple | None:
    """The printable object identity, one shared tuple per object (locations are many)."""
    if identity is None:
        return None
    return tuple(None if part is None else sys.intern(printable(part, 300)) for part in identity)


@lru_cache(maxsize=256)
def _shown_source(source: str | None) -> str | None:
    return printable(source, 500) if source is not None else None


def cfn_identity(root, path) -> tuple | None:
    """(resource type, None, logical ID) for a path inside `Resources`."""
    if len(path) >= 2 and path[0] == "Resources" and isinstance(root, dict):
        resources = root.get("Resources")
        res = resources.get(path[1]) if isinstance(resources, dict) else None
        rtype = res.get("Type") if isinstance(res, dict) else None
        return (scalar_text(rtype) or "Resource", None, scalar_text(path[1]) or "")
    return None
