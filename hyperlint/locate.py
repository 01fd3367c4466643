"""Resolve: a path inside a document -> a position in its file.

This is the only place where positions are computed and where 0-based marks
become 1-based lines and columns. A path that goes further than the document
(a rule reporting a missing property) resolves to its deepest existing
ancestor, at the key, which is where the user has to add it.
"""

from __future__ import annotations

from typing import NamedTuple

from .parse.document import Document
from .safe import scalar_text


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


def source_text(doc: Document, path, data: bytes) -> str | None:
    """The text of a one-line scalar as written in the file (``1.30``, ``'1.30'``)."""
    span = locate(doc, path)
    if span.end_line != span.line or span.end_column is None:
        return None
    start = 0
    for _ in range(span.line - 1):
        start = data.find(b"\n", start) + 1
        if start == 0:
            return None
    end = data.find(b"\n", start)
    line = data[start:end if end >= 0 else len(data)].decode("utf-8", "replace")
    return line[span.column - 1:span.end_column - 1]
