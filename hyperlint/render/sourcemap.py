"""Source maps: a place in rendered output -> the template line or values key that produced it.

Two pieces of evidence, and nothing weaker:

1. **Literal lines.** The chart is rendered a second time from a copy in
   which every literal template line (no action on it or through it) ends
   with a marker comment naming its file and line
   (`` #hl<nonce>:<file>:<line>``). A rendered line is that template line
   when its twin in the marked render ends with exactly one marker, the twin
   without markers is the rendered line, and the rendered line is the
   template line's text (indentation aside: ``nindent`` moves it). A render
   whose twin does not pair up line for line maps nothing.
2. **Values.** A value on a line that actions produced is traced to values
   when the template lines between the nearest literal lines around it read
   ``.Values`` paths (directly, through ``with``/``range``, a variable or an
   ``include``\\ d ``define``) and exactly one values key under those paths
   holds that very value (same type) in the values the render used (values
   files in Helm's precedence, subcharts' scoping included). The values key
   is the primary place; the template line that reads it is related.

Anything else is reported at the template line of the object (the line its
first rendered line came from when literal, else the template's first line),
saying that the exact place is not known.
"""

from __future__ import annotations

import os
import re
import secrets

from ..findings import Loc
from ..locate import locate, pointer
from ..parse import Document, parse_source
from ..safe import path_text
from .chart import ChartLayout, read_yaml
from .gotemplate import TemplateFile, TemplateSet

_MARK = re.compile(r" #hl[0-9a-f]{8}:(\d+):(\d+)")
MISSING = object()  # a path that is not in a document


def instrument(files: list[TemplateFile], nonce: str) -> list[str]:
    """Each file's text with a marker after every literal line."""
    out = []
    for idx, f in enumerate(files):
        lines = list(f.lines)
        for k, line in enumerate(lines):
            body = line.rstrip("\r")
            stripped = body.strip()
            if f.literal[k] and not stripped.startswith(("---", "...")):
                lines[k] = body + f" #hl{nonce}:{idx}:{k}" + line[len(body):]
        out.append("\n".join(lines))
    return out


def new_nonce() -> str:
    return secrets.token_hex(4)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


class LineMap:
    """For each line of one template's rendered text: ``(file index, line, shift)``
    when it is a literal template line, ``"action"`` when actions produced it
    (and both renders agree), None when unknown."""

    def __init__(self, normal: str, marked: str | None, files: list[TemplateFile]) -> None:
        lines = normal.split("\n")
        self.lines = lines
        twin = marked.split("\n") if marked is not None else None
        if twin is None or len(twin) != len(lines):
            self.entries: list = [None] * len(lines)
            return
        entries: list = []
        for n_line, m_line in zip(lines, twin, strict=True):
            marks = list(_MARK.finditer(m_line))
            if _MARK.sub("", m_line) != n_line:
                entries.append(None)
                continue
            if len(marks) == 1 and marks[0].end() == len(m_line.rstrip("\r")):
                fi, t = int(marks[0].group(1)), int(marks[0].group(2))
                if fi < len(files) and t < len(files[fi].lines):
                    source = files[fi].lines[t].rstrip("\r")
                    if n_line.rstrip("\r").lstrip(" ") == source.lstrip(" "):
                        entries.append((fi, t, _indent(n_line) - _indent(source)))
                        continue
                entries.append(None)
                continue
            entries.append("action" if not marks else None)
        self.entries = entries


class ValueSource:
    """One values document a render used (None ``doc``: the command line's --set)."""

    __slots__ = ("display", "doc", "label", "root")

    def __init__(self, display: str | None, doc: Document | None, root, label: str) -> None:
        self.display = display
        self.doc = doc
        self.root = root
        self.label = label


class RenderMap:
    """The source map of one render (one values set) of a chart."""

    def __init__(self, layout: ChartLayout, spec, set_values: dict, marked: dict[str, str] | None,
                 files: list[TemplateFile], paths: list[str], displays: dict[str, str]) -> None:
        self.layout = layout
        self.spec = spec
        self.set_values = set_values  # what --set gave (already parsed)
        self.marked = marked  # template name -> marked rendered text (None: the twin render failed)
        self.files = files  # every template file of the chart and its subcharts
        self.paths = paths  # their paths on disk, in the same order
        self.displays = displays  # path on disk -> the name findings carry
        self.templates = TemplateSet({f.name: f for f in files})
        self._index = {f.name: i for i, f in enumerate(files)}
        self._line_maps: dict[str, LineMap] = {}
        self._docs: dict[str, dict] = {}
        self._values_docs: dict[str, Document | None] = {}

    def show(self, path: str) -> str:
        return self.displays.get(path) or path_text(os.path.normpath(path))

    # -- lines ---------------------------------------------------------------------

    def line_map(self, template: str, normal: str) -> LineMap:
        lm = self._line_maps.get(template)
        if lm is None:
            twin = self.marked.get(template) if self.marked is not None else None
            lm = self._line_maps[template] = LineMap(normal, twin, self.files)
        return lm

    def _documents(self, template: str, data: bytes) -> dict:
        docs = self._docs.get(template)
        if docs is None:
            docs = self._docs[template] = {d.index: d for d in parse_source(data) if isinstance(d, Document)}
        return docs

    def map(self, template: str, normal: str, data: bytes, loc: Loc, header: int) -> tuple[Loc, tuple, str | None]:
        """(place, related places, what to add to the message) in the sources for
        ``loc`` in the rendered ``data`` of ``template`` (``header`` lines precede
        ``normal``). The addition is None for a certain literal line."""
        lm = self.line_map(template, normal)
        k = loc.line - 1 - header
        entry = lm.entries[k] if 0 <= k < len(lm.entries) else None
        if isinstance(entry, tuple):
            return self._literal(entry, lm.lines[k], loc), (), None
        if entry == "action":
            traced = self._from_values(template, lm, k, data, loc)
            if traced is not None:
                return traced
        where = self._object_line(template, lm, data, loc, header)
        if self.layout.file_of(template) is None:
            return where, (), (f"it comes from {template}, in a packaged subchart (a .tgz under charts/) that has "
                               f"no file to point at, so the chart's Chart.yaml is shown")
        return where, (), (f"the template line that produced it is not certain, so the line of the object "
                           f"in {where.file} is shown")

    def _literal(self, entry: tuple, line: str, loc: Loc) -> Loc:
        fi, t, shift = entry
        c0 = max(loc.column - 1, _indent(line))
        end = loc.end_column - shift if loc.end_line == loc.line and loc.end_column is not None else None
        return Loc(self.show(self.paths[fi]), t + 1, c0 - shift + 1, t + 1 if end is not None else None, end,
                   loc.pointer, loc.object, None, None)

    def _template_loc(self, fi: int, line: int, loc: Loc) -> Loc:
        text = self.files[fi].lines[line] if 0 <= line < len(self.files[fi].lines) else ""
        col = text.find("{{")
        return Loc(self.show(self.paths[fi]), line + 1, (col if col >= 0 else _indent(text)) + 1,
                   pointer=loc.pointer, object=loc.object)

    def _from_values(self, template: str, lm: LineMap, k: int, data: bytes, loc: Loc):
        fi, first, last, rendered = self._gap(template, lm, k)
        if fi is None:
            return None
        f = self.files[fi]
        exact = rendered is not None and _line_for_line(f, first, last, rendered[1] - rendered[0])
        if exact:  # each template line of the gap gave one rendered line: this one came from
            first = last = first + (k - rendered[0])
        here = self._template_loc(fi, first, loc) if exact else None
        computed = (here, (), "the template expression on this line produced it") if here is not None else None
        doc = self._documents(template, data).get(loc.doc) if loc.pointer or loc.doc is not None else None
        value, where = value_at(doc, loc.pointer) if doc is not None else (MISSING, None)
        if value is MISSING or value is None or isinstance(value, (dict, list)):
            return computed
        if any(_written_in(value, a.body) for a in f.line_actions(first, last)):
            return computed  # written in the template itself (a `default`, an argument): not from values
        refs = self.templates.refs_of_lines(f, first, last)
        scope = self._scope_of(template)
        found = self.origin(scope, refs, value, where or ()) if scope is not None and refs else None
        if found is None:
            return computed
        source, path, line = found
        reads = self._template_loc(fi, line, loc)
        shown = ".".join(str(p) for p in path)
        if source.doc is None:  # --set: the template line is the only place in a file
            return reads, (), f"the value comes from --set {shown}, used here"
        return loc_in_values(source, path, loc), (reads,), f"set here ({shown}), used by {reads.file}:{reads.line}"

    def _gap(self, template: str, lm: LineMap, k: int):
        """(file index, first, last, rendered): the template lines between the literal
        lines around rendered line ``k`` (in the same document), and the rendered lines
        between them ((first, last), when both literal lines were found); or
        (None, 0, 0, None)."""
        above = below = None
        ra = rb = -1
        for j in range(k - 1, -1, -1):
            if lm.lines[j].startswith("---"):
                break
            if isinstance(lm.entries[j], tuple):
                above, ra = lm.entries[j], j
                break
        for j in range(k + 1, len(lm.lines)):
            if lm.lines[j].startswith("---"):
                break
            if isinstance(lm.entries[j], tuple):
                below, rb = lm.entries[j], j
                break
        own = self._index.get(template)
        if above is not None and below is not None:
            if above[0] == below[0] and above[1] < below[1]:
                return above[0], above[1] + 1, below[1] - 1, (ra + 1, rb - 1)
            return None, 0, 0, None
        if own is None:
            return None, 0, 0, None
        if above is None and below is None:
            return own, 0, len(self.files[own].lines) - 1, None
        if above is None and below is not None and below[0] == own:
            return own, 0, below[1] - 1, None
        if below is None and above is not None and above[0] == own:
            return own, above[1] + 1, len(self.files[own].lines) - 1, None
        return None, 0, 0, None

    def _scope_of(self, template: str) -> tuple | None:
        found = self.layout.file_of(template)
        return found[0].scope if found is not None else None

    def _object_line(self, template: str, lm: LineMap, data: bytes, loc: Loc, header: int) -> Loc:
        """The template line of the object: where its first rendered line came from, else line 1."""
        doc = self._documents(template, data).get(loc.doc)
        k0 = doc.start_line - header if doc is not None else -1
        entry = lm.entries[k0] if 0 <= k0 < len(lm.entries) else None
        for j in range(k0, -1, -1) if entry is None and k0 >= 0 else ():
            if lm.lines[j].startswith("---"):
                break
            if isinstance(lm.entries[j], tuple):  # the object's `apiVersion:` or a comment above it
                entry = lm.entries[j]
                break
        found = self.layout.file_of(template)
        own = self._index.get(template)
        if isinstance(entry, tuple) and entry[0] == own:
            return Loc(self.show(self.paths[entry[0]]), entry[1] + 1, 1, pointer=loc.pointer, object=loc.object)
        if found is not None:
            return Loc(self.show(found[1]), 1, 1, pointer=loc.pointer, object=loc.object)
        meta = os.path.join(self.layout.folder, "Chart.yaml")
        return Loc(self.show(meta), 1, 1, pointer=loc.pointer, object=loc.object)

    # -- values ----------------------------------------------------------------------

    def _values_doc(self, path: str) -> Document | None:
        if path not in self._values_docs:
            self._values_docs[path] = read_yaml(path)
        return self._values_docs[path]

    def sources_for(self, scope: tuple, ref: tuple) -> list[tuple[ValueSource, tuple]]:
        """(source, path in it) for ``.Values`` path ``ref`` of the chart at ``scope``,
        highest precedence first: --set, the last values file ... the chart's
        values.yaml, then each subchart's own values.yaml down to ``scope``."""
        out = []
        is_global = bool(ref) and ref[0] == "global"
        root_path = ref if is_global else tuple(scope) + tuple(ref)
        if self.set_values:
            out.append((ValueSource(None, None, self.set_values, "--set"), root_path))
        for path in reversed(self.spec.values):
            doc = self._values_doc(path)
            if doc is not None:
                out.append((ValueSource(self.show(path), doc, doc.root, path), root_path))
        for depth, chart in enumerate(self.layout.charts_on(scope)):
            doc = self._values_doc(chart.values_file)
            if doc is not None:
                inner = ref if is_global else tuple(scope[depth:]) + tuple(ref)
                out.append((ValueSource(self.show(chart.values_file), doc, doc.root, chart.values_file), inner))
        return out

    def origin(self, scope: tuple, refs: list[tuple[tuple, int]], value, rendered: tuple = ()) -> tuple | None:
        """(source, path in it, template line that reads it) for the one values key
        under ``refs`` that holds ``value``; None when none or several do.

        Several keys with the value (`limits` and `requests` both 8) are told apart
        by the keys around the value in the output: `toYaml` copies a subtree, so
        the key that produced it ends with the same keys as the rendered path; the
        one key that shares strictly more trailing keys than any other, and at least
        its parent's, is it."""
        hits: dict = {}
        for ref, line in refs:
            for source, path, leaf in _leaves(self.sources_for(scope, ref)):
                if type(leaf) is type(value) and leaf == value:
                    hits.setdefault((source.label, path), (source, path, line))
        if len(hits) <= 1:
            return next(iter(hits.values()), None)
        ranked = sorted(((_common_tail(path, rendered), hit) for (_, path), hit in hits.items()),
                        key=lambda item: -item[0])
        best, second = ranked[0][0], ranked[1][0]
        return ranked[0][1] if best >= 2 and best > second else None  # a leaf's name alone proves nothing


_MULTI_LINE = re.compile(r"\b(include|template|tpl|toYaml|nindent|indent)\b")


def _line_for_line(f: TemplateFile, first: int, last: int, span: int) -> bool:
    """Whether template lines ``first``..``last`` render one line each, in order: as many
    rendered lines as template lines, and only one-line actions that neither branch,
    loop, include, indent nor trim the whitespace around them."""
    if span != last - first or span < 0:
        return False
    for a in f.line_actions(first, last):
        raw = f.text[a.start:a.end]
        if a.line != a.end_line or a.keyword or raw.startswith("{{-") or raw.endswith("-}}") \
                or _MULTI_LINE.search(a.body):
            return False
    return True


def _common_tail(a: tuple, b: tuple) -> int:
    """How many trailing keys two paths share."""
    n = 0
    while n < len(a) and n < len(b) and str(a[-1 - n]) == str(b[-1 - n]):
        n += 1
    return n


def _written_in(value, body: str) -> bool:
    """Whether an action's text writes ``value`` itself (`default "p5.48xlarge"`, `default 8`)."""
    if isinstance(value, str):
        return any(f"{q}{value}{q}" in body for q in ('"', "`", "'"))
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return re.search(rf"(?<![\w.$]){re.escape(text)}(?![\w.])", body) is not None


def _get(root, path: tuple):
    node = root
    for step in path:
        if isinstance(node, dict) and step in node or isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return MISSING
    return node



def _leaves(sources: list[tuple[ValueSource, tuple]]):
    """(source, path, value) of every scalar under the given paths as Helm merges
    them: the highest-precedence source that sets a key owns it and all under it."""
    owned: set[tuple] = set()
    seen: set[tuple] = set()
    for source, base in sources:
        node = _get(source.root, base)
        if node is MISSING:
            continue
        stack: list[tuple[tuple, object]] = [((), node)]
        while stack:
            rel, value = stack.pop()
            if any(rel[:i] in owned for i in range(len(rel) + 1)):
                continue
            if isinstance(value, dict):
                seen.add(rel)
                stack += [(rel + (k,), v) for k, v in value.items()]
                continue
            if rel in seen:  # a mapping above this one already: Helm keeps the mapping
                continue
            owned.add(rel)
            if isinstance(value, list):
                for i, item in enumerate(value):
                    for sub, leaf in _walk(item, (i,)):
                        yield source, base + rel + sub, leaf
                continue
            yield source, base + rel, value


def _walk(value, rel):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, rel + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, rel + (i,))
    else:
        yield rel, value


def path_of_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def value_at(doc: Document, pointer: str):
    node = doc.root
    path: list = []
    for step in path_of_pointer(pointer):
        if isinstance(node, list):
            try:
                i = int(step)
                node = node[i]
                path.append(i)
            except (ValueError, IndexError):
                return MISSING, None
        elif isinstance(node, dict):
            key = step if step in node else next((k for k in node if str(k) == step), MISSING)
            if key is MISSING:
                return MISSING, None
            node = node[key]
            path.append(key)
        else:
            return MISSING, None
    return node, tuple(path)


def loc_in_values(source: ValueSource, path: tuple, like: Loc) -> Loc:
    assert source.doc is not None and source.display is not None  # a values file, not --set
    span = locate(source.doc, path)
    return Loc(source.display, span.line, span.column, span.end_line, span.end_column,
               pointer(path), like.object, None, None)  # the pointer of the key in the values file
