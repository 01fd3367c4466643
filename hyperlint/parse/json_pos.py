"""JSON reading with positions, into the same plain trees and marks as YAML.

libyaml reads most JSON, but not all of it (surrogate-pair escapes, keys
longer than 1024 characters), so JSON files get this small parser. Strings
and numbers go through the json module's C scanner; only the structure is
walked here, iteratively, so deep nesting cannot exhaust the Python stack.
Line numbers are counted forward as the parser goes (no table of newlines),
and a document holds at most ``MAX_VALUES`` values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]  # the C string scanner; typeshed omits it
from typing import cast

from . import document as _limits
from .document import Document, ParseProblem, short_repr

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _JSONError(Exception):
    def __init__(self, message: str, pos: int, prefix: str = "JSON syntax error: "):
        super().__init__(message)
        self.pos = pos
        self.prefix = prefix


def parse_json(text: str) -> list[Document | ParseProblem]:
    """Parse one JSON document; return [Document] or [ParseProblem]."""
    where = _Lines(text)
    try:
        root, root_mark, marks, problems = _parse(text, where)
    except _JSONError as exc:
        line, col = where(exc.pos)
        return [ParseProblem(f"{exc.prefix}{exc}", line, col, 0)]
    for p in problems:
        p.doc_index = 0
    return [
        Document(
            index=0,
            root=root,
            marks=marks,
            root_mark=root_mark,
            start_line=root_mark[2],
            end_line=text.count("\n"),
            problems=problems,
        )
    ]


class _Lines:
    """pos -> (0-based line, column), counting newlines forward from the last call."""

    __slots__ = ("text", "pos", "line", "line_start")

    def __init__(self, text: str):
        self.text = text
        self.pos = self.line = self.line_start = 0

    def __call__(self, pos: int) -> tuple[int, int]:
        if pos < self.pos:  # only an error position can go back: count again
            self.pos = self.line = self.line_start = 0
        n = self.text.count("\n", self.pos, pos)
        if n:
            self.line += n
            self.line_start = self.text.rfind("\n", self.pos, pos) + 1
        self.pos = pos
        return self.line, pos - self.line_start


def _parse(text: str, where):
    # _WS matches the empty string, so it matches at every position (also past the end)
    ws = cast("Callable[[str, int], re.Match[str]]", _WS.match)
    n = len(text)
    marks: dict = {}
    problems: list = []
    # stack frames: [container, child_marks, pending_key, key_pos]
    stack: list = []
    root = None
    root_mark = None
    budget = _limits.MAX_VALUES
    pos = ws(text, 0).end()
    if pos >= n:
        raise _JSONError("empty document", pos)

    while True:
        # --- read one value at pos ---
        ch = text[pos] if pos < n else ""
        start = pos
        budget -= 1
        if budget < 0:
            raise _JSONError(f"document too large: more than {_limits.MAX_VALUES:,} values; not linted", start, "")
        container: dict | list | None = None
        if ch == "{":
            container = {}
            marks[id(container)] = {}
            pos += 1
        elif ch == "[":
            container = []
            marks[id(container)] = []
            pos += 1
        elif ch == '"':
            try:
                value, pos = scanstring(text, pos + 1)
            except ValueError as exc:
                raise _JSONError(str(exc).split(":")[0], start) from None
        else:
            m = _NUMBER.match(text, pos)
            if m and m.end() > pos:
                num = m.group()
                if m.group(1) or m.group(2):
                    value = float(num)
                elif len(num) > 4300:  # beyond Python's int <-> str limit: keep the digits
                    value = num
                else:
                    value = int(num)
                pos = m.end()
            else:
                for word, lit in _LITERALS.items():
                    if text.startswith(word, pos):
                        value = lit
                        pos += len(word)
                        break
                else:
                    raise _JSONError("expected a value", pos)

        if container is not None:
            sl, sc = where(start)
            stack.append([container, marks[id(container)], None, None, (sl, sc)])
            pos = ws(text, pos).end()
            closing = "}" if isinstance(container, dict) else "]"
            if pos < n and text[pos] == closing:
                pos += 1
                value = container
                stack.pop()
                el, ec = where(pos)
                mark = (sl, sc, sl, sc, el, ec)
            elif isinstance(container, dict):
                pos = _read_key(text, pos, stack[-1], where, ws, problems)
                continue
            else:
                continue
        else:
            sl, sc = where(start)
            el, ec = where(pos)
            mark = (sl, sc, sl, sc, el, ec)

        # --- attach value, then close finished containers ---
        while True:
            if not stack:
                root, root_mark = value, mark
                pos = ws(text, pos).end()
                if pos < n:
                    raise _JSONError("extra data after the document", pos)
                return root, root_mark, marks, problems
            frame = stack[-1]
            parent, child_marks = frame[0], frame[1]
            if isinstance(parent, dict):
                key, (kl, kc) = frame[2], frame[3]
                if key in parent:
                    first = child_marks[key]
                    problems.append(
                        ParseProblem(f"duplicate key {short_repr(key)} (first defined at line {first[0] + 1})", kl, kc)
                    )
                parent[key] = value
                child_marks[key] = (kl, kc, mark[2], mark[3], mark[4], mark[5])
            else:
                parent.append(value)
                child_marks.append(mark)
            pos = ws(text, pos).end()
            ch = text[pos] if pos < n else ""
            closing = "}" if isinstance(parent, dict) else "]"
            if ch == ",":
                pos = ws(text, pos + 1).end()
                if isinstance(parent, dict):
                    pos = _read_key(text, pos, frame, where, ws, problems)
                break
            if ch == closing:
                pos += 1
                stack.pop()
                sl, sc = frame[4]
                el, ec = where(pos)
                value, mark = parent, (sl, sc, sl, sc, el, ec)
                continue
            raise _JSONError(f"expected ',' or '{closing}'", pos)


def _read_key(text, pos, frame, where, ws, problems) -> int:
    if pos >= len(text) or text[pos] != '"':
        raise _JSONError("expected a property name in double quotes", pos)
    try:
        key, end = scanstring(text, pos + 1)
    except ValueError as exc:
        raise _JSONError(str(exc).split(":")[0], pos) from None
    frame[2] = key
    frame[3] = where(pos)
    end = ws(text, end).end()
    if end >= len(text) or text[end] != ":":
        raise _JSONError("expected ':'", end)
    return ws(text, end + 1).end()
