"""Fast YAML reading: libyaml events (ruamel.yaml.clib) -> plain trees + marks.

ruamel.yaml's round-trip loader is about 35x slower than its C event parser on
large rendered charts, so this module builds plain ``dict``/``list`` trees
straight from the C parser's events, recording each child's position in
``Document.marks`` as it goes. Documents are yielded one at a time, so a long
stream never has to be held as trees all at once.

Error recovery: libyaml cannot continue after a syntax error, so on an error
the problem is yielded and parsing restarts at the next ``---`` line after it
(positions keep their real line numbers).

Aliases become shared references, never copies, so an alias bomb costs no
memory; walkers that recurse (``hyperlint.k8s``) keep a visited set.
CloudFormation short-form tags (``!Ref``, ``!GetAtt`` ...) become their
long forms (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``).
"""

from __future__ import annotations

import re
from operator import attrgetter
from typing import Iterator

from ruamel.yaml import CParser
from ruamel.yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from .document import Document, ParseProblem
from .scalars import MAYBE_NOT_STRING as _MAYBE
from .scalars import resolve_plain, resolve_tagged

# CloudFormation short-form tags and the long form each one stands for.
CFN_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If",
            "ImportValue", "Join", "Not", "Or", "Select", "Split", "Sub", "Transform",
            "Length", "ToJsonString", "ForEach",
        )
    },
}

# An event's tag without the `tag` property's function call (`ctag` is the slot behind it).
_ctag = attrgetter("ctag" if all("ctag" in getattr(c, "__slots__", ()) for c in (ScalarEvent, CollectionStartEvent))
                   else "tag")

_DOC_START = re.compile(rb"^---(?=[ \t\r\n]|$)", re.MULTILINE)

_MAP, _SEQ = 0, 1


class _Frame:
    __slots__ = ("kind", "value", "marks", "key", "key_mark", "start", "merges", "anchor")

    def __init__(self, kind, value, marks, start, anchor):
        self.kind = kind
        self.value = value
        self.marks = marks
        self.key = _NOKEY
        self.key_mark = None
        self.start = start
        self.merges = None
        self.anchor = anchor


_NOKEY = object()


def parse_yaml(data: bytes) -> Iterator[Document | ParseProblem]:
    """Yield the documents of a YAML stream, and a ParseProblem per error.

    The C parser (libyaml 0.1.7 inside ruamel.yaml.clib) rejects some valid
    YAML that is common in CloudFormation and manifests: a `:` inside a plain
    scalar in flow context (`[!Ref AWS::Region, x]`, `{image: nginx:1.25}`).
    A document the C parser rejects is read again with ruamel.yaml's
    pure-Python parser, which accepts it; only if that fails too is it an
    error. The C parser then takes over again after that document."""
    line_offset = 0
    doc_index = 0
    view = data
    while view:
        builder = _Builder(line_offset, doc_index)
        try:
            for doc in builder.run(_c_events(view)):
                doc_index += 1
                yield doc
            return
        except Exception:  # libyaml scanner/parser/reader errors
            pass
        # Re-read the failing document with the pure-Python parser.
        start = _line_offset_in(view, builder.doc_start) or 0
        pure = _Builder(line_offset + builder.doc_start, builder.doc_index)
        try:
            for doc in pure.run(_pure_events(view[start:]), max_docs=1):
                doc_index += 1
                yield doc
            if pure.stream_ended:
                return
            resume = start + (_line_offset_in(view[start:], pure.doc_end) or 0)
        except Exception as exc:
            err_line, col, message = _error_position(exc, view[start:], line_offset + builder.doc_start)
            yield ParseProblem(message, err_line, col, pure.doc_index)
            doc_index = pure.doc_index + 1
            # Resume at the next document start at or after the error line
            # (an unfinished document is often noticed at the next `---`).
            resume = _next_document(view, _line_offset_in(view, err_line - line_offset))
        if resume == 0:  # no progress: skip to the next document
            resume = _next_document(view, 1)
        if resume is None:
            return
        line_offset += view.count(b"\n", 0, resume)
        view = view[resume:]


def _c_events(data: bytes):
    return CParser(data).get_event


def _pure_events(data: bytes):
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).parse(data).__next__


def _next_document(data: bytes, offset: int | None) -> int | None:
    """Offset of the first `---` line at or after ``offset``."""
    if offset is None:
        return None
    match = _DOC_START.search(data, offset)
    return match.start() if match else None


def _line_offset_in(data: bytes, line: int) -> int | None:
    """Byte offset where 0-based ``line`` starts, or None past the end."""
    pos = 0
    for _ in range(line):
        pos = data.find(b"\n", pos)
        if pos < 0:
            return None
        pos += 1
    return pos


def _error_position(exc: Exception, data: bytes, offset: int) -> tuple[int, int, str]:
    """(0-based line, column, message) of a libyaml error, in file coordinates."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if mark is not None:
        cmark = getattr(exc, "context_mark", None)
        if cmark is not None and problem and "end of stream" in problem:
            mark = cmark  # an unterminated quote or bracket: point at where it starts
        elif context and cmark is not None and cmark.line != mark.line:
            context = f"{context} (line {cmark.line + offset + 1})"
        parts = [p for p in (context, problem) if p]
        msg = "; ".join(parts) if parts else str(exc).splitlines()[0]
        return mark.line + offset, mark.column, f"YAML syntax error: {msg}"
    position = getattr(exc, "position", None)
    if position is not None:  # ReaderError: byte position, no line
        position = min(position, len(data))
        line = data.count(b"\n", 0, position) + offset
        col = position - (data.rfind(b"\n", 0, position) + 1)
        reason = getattr(exc, "reason", "cannot decode")
        char = getattr(exc, "character", None)
        what = f" (byte 0x{char:02x})" if isinstance(char, int) else ""
        return line, col, f"invalid encoding: {reason}{what}; the file must be UTF-8 or UTF-16 with a BOM"
    return offset, 0, f"YAML error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"


class _Builder:
    def __init__(self, line_offset: int, doc_index: int):
        self.off = line_offset
        self.doc_index = doc_index
        self.doc_start = 0  # relative line where the current (or next) document starts
        self.doc_end = 0  # relative line where the last finished document ended
        self.stream_ended = False

    def run(self, get_event, max_docs: int | None = None) -> Iterator[Document]:
        off = self.off
        produced = 0
        stack: list[_Frame] = []
        anchors: dict = {}
        marks: dict = {}
        problems: list = []
        result = [None, None]  # root value, root mark
        doc_start = 0
        top: _Frame | None = None  # the innermost open collection (stack[-1])

        def attach(value, mark):
            if not stack:
                result[0], result[1] = value, mark
                return
            frame = stack[-1]
            if frame.kind == _SEQ:
                frame.value.append(value)
                frame.marks.append(mark)
                return
            key = frame.key
            if key is _NOKEY:
                # This value is a key.
                if isinstance(value, (dict, list)):
                    problems.append(ParseProblem("complex (non-scalar) mapping key is not supported", mark[2], mark[3]))
                    value = f"<complex key at line {mark[2] + 1}>"
                frame.key = value
                frame.key_mark = mark
                return
            km = frame.key_mark
            full = (km[2], km[3], mark[2], mark[3], mark[4], mark[5])
            frame.key = _NOKEY
            if key == "<<" and km[0] == -1:
                # merge key (plain `<<`): applied when the mapping ends
                if frame.merges is None:
                    frame.merges = []
                frame.merges.append((value, full))
                return
            d = frame.value
            if key in d:
                first = frame.marks[key]
                problems.append(
                    ParseProblem(f"duplicate key {key!r} (first defined at line {first[0] + 1})", full[0], full[1])
                )
            d[key] = value
            frame.marks[key] = full

        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent:
                em = event.end_mark
                ctag = _ctag(event)
                if ctag is None and event.anchor is None:
                    # The common case, inlined: an untagged scalar without an anchor.
                    sm = event.start_mark
                    line = sm.line + off
                    col = sm.column
                    end = em.line + off
                    text = event.value
                    if event.style:
                        value = text
                        key_line = line
                    else:
                        value = text if text and text[0] not in _MAYBE else resolve_plain(text)
                        key_line = -1  # a plain scalar (tells `<<` merge keys from '<<')
                    if top is None:
                        attach(value, (key_line, col, line, col, end, em.column))
                    elif top.kind == _SEQ:
                        top.value.append(value)
                        top.marks.append((key_line, col, line, col, end, em.column))
                    else:
                        key = top.key
                        if key is _NOKEY:
                            top.key = value
                            top.key_mark = (key_line, col, line, col, end, em.column)
                        else:
                            d = top.value
                            km = top.key_mark
                            if key in d or (key == "<<" and km[0] == -1):  # duplicates and merges
                                attach(value, (key_line, col, line, col, end, em.column))
                            else:
                                d[key] = value
                                top.marks[key] = (km[2], km[3], line, col, end, em.column)
                                top.key = _NOKEY
                    continue
                sm = event.start_mark
                text = event.value
                tag = None if ctag is None else str(ctag)
                style = event.style
                line, col = _skip_properties(event, sm.line, sm.column)
                line += off
                if tag is None:
                    value = resolve_plain(text) if not style else text
                elif tag in CFN_TAGS:
                    value = _cfn_scalar(tag, text, marks, (line, col, em.line + off, em.column))
                elif tag == "!":
                    value = text
                elif tag.startswith("tag:yaml.org,2002:") or tag.startswith("!!"):
                    value = resolve_tagged(text, tag)
                else:
                    value = text
                # key_line == -1 marks a plain scalar (used to tell `<<` merge keys from '<<')
                mark = (-1 if not style and tag is None else line, col, line, col, em.line + off, em.column)
                if event.anchor is not None:
                    anchors[event.anchor] = value
                attach(value, mark)
            elif cls is MappingStartEvent:
                sm = event.start_mark
                line, col = sm.line, sm.column
                ctag = _ctag(event)
                tag = None if ctag is None else str(ctag)
                if event.anchor is not None or tag is not None:
                    line, col = _skip_properties(event, line, col)
                line += off
                child_marks: dict = {}
                d: dict = {}
                marks[id(d)] = child_marks
                top = _Frame(_MAP, d, child_marks, (line, col), (event.anchor, tag))
                stack.append(top)
            elif cls is MappingEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                if frame.merges:
                    _apply_merges(frame, marks, problems)
                em = event.end_mark
                value = frame.value
                anchor, tag = frame.anchor
                if anchor is not None:
                    anchors[anchor] = value
                if tag in CFN_TAGS:
                    value = _wrap_cfn(tag, value, marks, frame.start)
                s = frame.start
                attach(value, (s[0], s[1], s[0], s[1], em.line + off, em.column))
            elif cls is SequenceStartEvent:
                sm = event.start_mark
                line, col = sm.line, sm.column
                ctag = _ctag(event)
                tag = None if ctag is None else str(ctag)
                if event.anchor is not None or tag is not None:
                    line, col = _skip_properties(event, line, col)
                line += off
                child_marks = []
                lst: list = []
                marks[id(lst)] = child_marks
                top = _Frame(_SEQ, lst, child_marks, (line, col), (event.anchor, tag))
                stack.append(top)
            elif cls is SequenceEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                em = event.end_mark
                value = frame.value
                anchor, tag = frame.anchor
                if anchor is not None:
                    anchors[anchor] = value
                if tag in CFN_TAGS:
                    value = _wrap_cfn(tag, value, marks, frame.start)
                s = frame.start
                attach(value, (s[0], s[1], s[0], s[1], em.line + off, em.column))
            elif cls is AliasEvent:
                sm = event.start_mark
                em = event.end_mark
                line, col = sm.line + off, sm.column
                if event.anchor in anchors:
                    value = anchors[event.anchor]
                else:
                    problems.append(ParseProblem(f"unknown alias *{event.anchor}", line, col))
                    value = None
                attach(value, (line, col, line, col, em.line + off, em.column))
            elif cls is DocumentStartEvent:
                anchors = {}
                marks = {}
                problems = []
                result = [None, None]
                self.doc_start = event.start_mark.line
                doc_start = event.start_mark.line + off
            elif cls is DocumentEndEvent:
                root, root_mark = result
                if root_mark is None:
                    root_mark = (doc_start, 0, doc_start, 0, doc_start, 0)
                doc = Document(
                    index=self.doc_index,
                    root=root,
                    marks=marks,
                    root_mark=root_mark,
                    start_line=root_mark[2],
                    end_line=event.end_mark.line + off,
                    problems=problems,
                )
                for p in problems:
                    p.doc_index = self.doc_index
                self.doc_index += 1
                self.doc_start = self.doc_end = event.end_mark.line
                yield doc
                produced += 1
                if max_docs is not None and produced >= max_docs:
                    return
            elif cls is StreamEndEvent:
                self.stream_ended = True
                return


def _skip_properties(event, line: int, col: int) -> tuple[int, int]:
    """Move a start mark past `&anchor` and `!tag` so it points at the value itself.

    libyaml starts a node's mark at its properties; users need the value.
    Only single-line properties are handled (the common case)."""
    shift = 0
    if event.anchor is not None:
        shift += len(event.anchor) + 2  # "&name "
    tag = event.tag
    if tag is not None and tag != "!":
        shown = tag if tag.startswith("!") else "!!" + tag.rsplit(":", 1)[-1]
        shift += len(shown) + 1
    em = getattr(event, "end_mark", None)
    if isinstance(event, ScalarEvent) and em is not None and em.line == line:
        return line, min(col + shift, em.column)
    return line, col + shift


def _cfn_scalar(tag: str, text: str, marks: dict, span: tuple):
    """`!Ref X` -> {"Ref": "X"}; `!GetAtt A.B` -> {"Fn::GetAtt": ["A", "B"]}."""
    name = CFN_TAGS[tag]
    line, col, end_line, end_col = span
    mark = (line, col, line, col, end_line, end_col)
    if name == "Fn::GetAtt":
        resource, _, attribute = text.partition(".")
        inner = [resource, attribute]
        marks[id(inner)] = [mark, mark]
        wrapped = {name: inner}
    else:
        wrapped = {name: text}
    marks[id(wrapped)] = {name: mark}
    return wrapped


def _wrap_cfn(tag: str, value, marks: dict, start: tuple):
    """Wrap a tagged container in its long form, with a mark for the inner value."""
    wrapped = {CFN_TAGS[tag]: value}
    line, col = start
    marks[id(wrapped)] = {CFN_TAGS[tag]: (line, col, line, col, line, col)}
    return wrapped


def _apply_merges(frame: _Frame, marks: dict, problems: list) -> None:
    """YAML merge keys: explicit keys win, earlier merged mappings win over later ones."""
    d = frame.value
    for value, full in frame.merges:
        sources = value if isinstance(value, list) else [value]
        for src in sources:
            if not isinstance(src, dict):
                problems.append(ParseProblem("merge key `<<` needs a mapping or a list of mappings", full[0], full[1]))
                continue
            src_marks = marks.get(id(src), {})
            for k, v in src.items():
                if k in d:  # explicit keys, then earlier merges, win
                    continue
                d[k] = v
                frame.marks[k] = src_marks.get(k, full)
