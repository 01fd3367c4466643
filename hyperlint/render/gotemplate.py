"""Go template text (Helm templates) read without running it.

What the source map needs to know about a template file, from its text
alone:

- where its actions are (``{{ ... }}``, over several lines, with strings,
  raw strings and ``{{/* comments */}}``), so the lines that are *literal*
  (no action on them, not inside one) are known;
- which ``.Values`` paths each line's actions read, including through the
  enclosing ``with``/``range`` blocks, variables assigned from ``.Values``
  and the ``define`` bodies it ``include``\\ s;

Nothing here evaluates a template. An action the reader cannot follow adds
no reference (the map then says it is unsure; it never guesses).
"""

from __future__ import annotations

import re

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
# `.Values.a.b`, `$.Values.a`, `index .Values "a-b" "c"`
_VALUES_REF = re.compile(r"(?<![\w.])\$?\.Values((?:\." + _IDENT + r")*)")
_INDEX_REF = re.compile(r"\bindex\s+\(?\s*\$?\.Values((?:\." + _IDENT + r")*)\s*\)?((?:\s+\"[^\"]*\")*)")
_QUOTED = re.compile(r"\"([^\"]*)\"")
_VAR_ASSIGN = re.compile(r"(\$" + _IDENT + r")\s*:?=")
_VAR_USE = re.compile(r"(\$" + _IDENT + r")((?:\." + _IDENT + r")*)")
_INCLUDE = re.compile(r"\b(?:include|template)\s+\"([^\"]+)\"")
_KEYWORD = re.compile(r"^\s*(if|else if|else with|else|with|range|define|block|end)\b")
_DEFINE_NAME = re.compile(r"^\s*(?:define|block)\s+\"([^\"]+)\"")


class Action:
    """One ``{{ ... }}`` action: its byte span, lines, keyword and body text."""

    __slots__ = ("body", "end", "end_line", "keyword", "line", "start")

    def __init__(self, start: int, end: int, line: int, end_line: int, body: str) -> None:
        self.start = start  # offsets in the text (characters)
        self.end = end
        self.line = line  # 0-based lines of `{{` and `}}`
        self.end_line = end_line
        self.body = body  # the text between the delimiters and trim markers
        m = _KEYWORD.match(body)
        self.keyword = m.group(1) if m else None


def actions(text: str) -> list[Action]:
    """Every action of ``text``, in order (an unterminated one runs to the end)."""
    out: list[Action] = []
    pos = 0
    n = len(text)
    line = 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            break
        line += text.count("\n", pos, start)
        i = start + 2
        if i < n and text[i] == "-" and i + 1 < n and text[i + 1] in " \t\r\n":
            i += 1
        j = i
        while j < n and text[j] in " \t\r\n":
            j += 1
        if text.startswith("/*", j):  # a comment: up to `*/` then `}}`
            close = text.find("*/", j + 2)
            end = text.find("}}", close + 2) if close >= 0 else -1
            end = n if end < 0 else end + 2
            body = ""
        else:
            end = _action_end(text, i)
            body = text[i:max(i, end - 2)].strip()
            if body.endswith(" -") or body == "-":
                body = body[:-1].rstrip()
        end_line = line + text.count("\n", start, end)
        out.append(Action(start, end, line, end_line, body))
        line = end_line
        pos = end
    return out


def _action_end(text: str, i: int) -> int:
    """The offset after the `}}` that closes the action starting at ``i``."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "`":
            close = text.find("`", i + 1)
            i = n if close < 0 else close
        elif c == "'":
            close = text.find("'", i + 1)
            i = n if close < 0 else close
        elif c == "}" and text.startswith("}}", i):
            return i + 2
        i += 1
    return n


class TemplateFile:
    """One template file's text, its actions and its literal lines."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name  # the template name Helm gives it (`chart/templates/x.yaml`)
        self.text = text
        self.lines = text.split("\n")
        self.actions = actions(text)
        touched = bytearray(len(self.lines))  # 1: an action is on this line or spans it
        for a in self.actions:
            for k in range(a.line, min(a.end_line, len(self.lines) - 1) + 1):
                touched[k] = 1
        self.literal = [not touched[k] and bool(self.lines[k].strip()) for k in range(len(self.lines))]
        self._vars: dict[str, list[tuple]] | None = None
        self._blocks: list[tuple[int, int, Action]] | None = None

    def line_actions(self, first: int, last: int) -> list[Action]:
        """The actions on lines ``first``..``last`` (0-based, inclusive)."""
        return [a for a in self.actions if a.end_line >= first and a.line <= last]

    def blocks(self) -> list[tuple[int, int, Action]]:
        """(first line, last line, opening action) of every if/with/range/define/block."""
        if self._blocks is None:
            stack: list[Action] = []
            out = []
            for a in self.actions:
                if a.keyword in ("if", "with", "range", "define", "block"):
                    stack.append(a)
                elif a.keyword == "end" and stack:
                    opened = stack.pop()
                    out.append((opened.line, a.end_line, opened))
            self._blocks = out
        return self._blocks

    def variables(self) -> dict[str, list[tuple]]:
        """`$name` -> the `.Values` paths its assignments read."""
        if self._vars is None:
            found: dict[str, list[tuple]] = {}
            for a in self.actions:
                m = _VAR_ASSIGN.search(a.body)
                if m:
                    found.setdefault(m.group(1), []).extend(values_refs(a.body[m.end():]))
            self._vars = found
        return self._vars

    def defines(self) -> dict[str, tuple[int, int]]:
        """`define` name -> (first line, last line) of its body."""
        out = {}
        for first, last, a in self.blocks():
            m = _DEFINE_NAME.match(a.body) if a.keyword in ("define", "block") else None
            if m:
                out[m.group(1)] = (first, last)
        return out


def values_refs(body: str) -> list[tuple]:
    """The `.Values` paths an action's text reads (`()` for `.Values` itself)."""
    refs = []
    for m in _INDEX_REF.finditer(body):
        path = tuple(p for p in m.group(1).split(".") if p)
        refs.append(path + tuple(_QUOTED.findall(m.group(2) or "")))
    for m in _VALUES_REF.finditer(body):
        refs.append(tuple(p for p in m.group(1).split(".") if p))
    return refs


def includes(body: str) -> list[str]:
    return _INCLUDE.findall(body)


class TemplateSet:
    """All template files of a chart (and its subcharts), for following `include`."""

    MAX_DEPTH = 6

    def __init__(self, files: dict[str, TemplateFile]) -> None:
        self.files = files  # template name -> file
        self._defines: dict[str, tuple[TemplateFile, int, int]] | None = None

    def define(self, name: str) -> tuple[TemplateFile, int, int] | None:
        if self._defines is None:
            self._defines = {}
            for f in self.files.values():
                for dname, (first, last) in f.defines().items():
                    self._defines.setdefault(dname, (f, first, last))
        return self._defines.get(name)

    def refs_of_lines(self, f: TemplateFile, first: int, last: int) -> list[tuple[tuple, int]]:
        """(`.Values` path, line) for what lines ``first``..``last`` of ``f`` read:
        their actions, the enclosing `with`/`range` headers, variables, and the
        `define` bodies they include (to a bounded depth). ``line`` is the
        line of ``f`` that reads it."""
        out: list[tuple[tuple, int]] = []
        self._collect(f, first, last, out, 0, set())
        for lo, hi, a in f.blocks():
            if a.keyword in ("with", "range") and lo < first and hi >= last:
                out += [(r, a.line) for r in values_refs(a.body)]
        return out

    def _collect(self, f: TemplateFile, first: int, last: int, out: list, depth: int, seen: set) -> None:
        variables = f.variables()
        for a in f.line_actions(first, last):
            line = a.line
            out += [(r, line) for r in values_refs(a.body)]
            for m in _VAR_USE.finditer(a.body):
                for r in variables.get(m.group(1), ()):
                    out.append((r + tuple(p for p in m.group(2).split(".") if p), line))
            if depth < self.MAX_DEPTH:
                for name in includes(a.body):
                    if name in seen:
                        continue
                    d = self.define(name)
                    if d is not None:
                        seen.add(name)
                        inner: list = []
                        self._collect(d[0], d[1], d[2], inner, depth + 1, seen)
                        out += [(r, line) for r, _ in inner]
