"""Fast YAML reading: libyaml events (ruamel.yaml.clib) -> plain trees + marks.

ruamel.yaml's round-trip loader is about 35x slower than its C event parser on
large rendered charts, so this module builds plain ``dict``/``list`` trees
straight from the C parser's events, recording each child's position in
``Document.marks`` as it goes. Documents are yielded one at a time, so a long
stream never has to be held as trees all at once.

Error recovery: libyaml cannot continue after a syntax error, so on an error
the problem is yielded and parsing restarts at the next ``---`` line after it
(positions keep their real line numbers). The restart reads the same buffer
from that offset (no copy of the rest of the file), so a stream of a million
broken documents is still read in linear time.

Aliases become shared references, never copies, so building the tree of an
alias bomb costs nothing, and code that walks trees does not expand them
(``hyperlint.k8s`` keeps a visited set, messages use ``hyperlint.safe``).
But code that handles each object, resource or list item in turn would do the
work once per reference (a `kind: List` of a thousand aliases to one big
object), so a document may stand for at most ``MAX_VALUES`` values, counting
every alias and merge key as the values it stands for, as Kubernetes' YAML
reader refuses "excessive aliasing". A larger document is reported and
skipped, and the stream goes on. Nesting
deeper than ``MAX_DEPTH`` is reported like a syntax error (libyaml's time
grows with the square of the depth of flow collections).
CloudFormation short-form tags (``!Ref``, ``!GetAtt`` ...) become their
long forms (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``). Mapping keys are
always strings, as written (Kubernetes and CloudFormation read them as JSON
keys): `1:` and `true:` are two different keys.

The C parser (libyaml 0.1.7 inside ruamel.yaml.clib) rejects some valid YAML
that is common in CloudFormation and manifests: a `:` inside a plain scalar
in flow context (`[!Ref AWS::Region, x]`, `{image: nginx:1.25}`). A document
the C parser rejects is read again with ruamel.yaml's pure-Python parser,
which accepts it; only if that fails too is it an error. The C parser then
takes over again after that document.
"""

from __future__ import annotations

import io
import re
from operator import attrgetter
from typing import Iterator

from ruamel.yaml import CParser
from ruamel.yaml.error import YAMLError
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

from . import document as _limits
from .document import Document, ParseProblem, short_repr
from .lines import count_breaks, has_unicode_breaks, last_line_start, line_start, only_lf
from .scalars import MAYBE_NOT_STRING as _MAYBE
from .scalars import resolve_plain, resolve_tagged

# CloudFormation short-form tags and the long form each one stands for: the intrinsic
# and condition functions, the rule-assertion functions of a template's `Rules`
# (Contains, EachMemberEquals, EachMemberIn, RefAll, ValueOf, ValueOfAll) and the
# `AWS::LanguageExtensions` transform's (Length, ToJsonString, ForEach). Values they
# compute are never evaluated (hyperlint.cfn treats them as unknown).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-rules.html
CFN_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And", "Base64", "Cidr", "Equals", "FindInMap", "GetAtt", "GetAZs", "If",
            "ImportValue", "Join", "Not", "Or", "Select", "Split", "Sub", "Transform",
            "Length", "ToJsonString", "ForEach",
            "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll",
        )
    },
}

# An event's tag without the `tag` property's function call (`ctag` is the slot behind it).
_ctag = attrgetter("ctag" if all("ctag" in getattr(c, "__slots__", ()) for c in (ScalarEvent, CollectionStartEvent))
                   else "tag")

_DOC_START = re.compile(rb"^---(?=[ \t\r\n]|$)", re.MULTILINE)
# the same after any line break libyaml knows (hyperlint.parse.lines), for files with CR, NEL, U+2028/9
_DOC_START_ANY = re.compile(rb"(?:^|(?<=\r)|(?<=\xc2\x85)|(?<=\xe2\x80[\xa8\xa9]))---"
                            rb"(?=[ \t\r\n]|\xc2\x85|\xe2\x80[\xa8\xa9]|$)", re.MULTILINE)

_MAP, _SEQ = 0, 1


class _Frame:
    __slots__ = ("kind", "value", "marks", "key", "key_mark", "start", "merges", "anchor", "size")

    def __init__(self, kind, value, marks, start, anchor):
        self.kind = kind
        self.value = value
        self.marks = marks
        self.key = _NOKEY
        self.key_mark = None
        self.start = start
        self.merges = None
        self.anchor = anchor
        self.size = 1  # values this container stands for, aliases expanded


_NOKEY = object()


def parse_yaml(data: bytes) -> Iterator[Document | ParseProblem]:
    """Yield the documents of a YAML stream, and a ParseProblem per error."""
    base = 0  # byte offset where the current parser starts reading
    line_offset = 0  # 0-based line number of `base`
    doc_index = 0
    lf = None  # whether LF is the only line break (looked at on the first error)
    unicode_breaks = False  # whether NEL, U+2028 or U+2029 are (idem)
    while True:
        builder = _Builder(line_offset, doc_index)
        source = data if base == 0 else _reader_at(data, base)
        try:
            yield from builder.run(CParser(source).get_event)
            return
        except _TooDeep as exc:  # nesting limit (anything else but YAMLError is hyperlint's failure)
            line, col = exc.args
            problem = ParseProblem(_too_deep(), line, col, builder.doc_index)
        except YAMLError as c_error:  # libyaml scanner/parser/reader errors: try the pure-Python parser
            if lf is None:
                lf, unicode_breaks = only_lf(data), has_unicode_breaks(data)
            start = line_start(data, base, builder.doc_start, lf)
            if start is None:  # cannot happen when lines are counted as the parser counts them
                start = base
            pure = _Builder(line_offset + builder.doc_start, builder.doc_index)
            try:
                if unicode_breaks:  # NEL, U+2028/9 end lines for libyaml, not for the pure parser:
                    raise c_error   # its positions would disagree, so libyaml's error stands
                yield from pure.run(_pure_events(data, start), max_docs=1)
            except (YAMLError, _TooDeep) as exc:
                if isinstance(exc, _TooDeep):
                    line, col = exc.args
                    message = _too_deep()
                else:
                    line, col, message = (_error_position(exc, data, base, line_offset, lf) if exc is c_error
                                          else _error_position(exc, data, start, line_offset + builder.doc_start, lf))
                problem = ParseProblem(message, line, col, builder.doc_index if exc is c_error else pure.doc_index)
            else:
                if pure.stream_ended:
                    return
                resume = line_start(data, start, pure.doc_end, lf)
                if resume is None or resume <= base:
                    return
                line_offset += count_breaks(data, base, resume, lf)
                base = resume
                doc_index = pure.doc_index
                continue
        yield problem
        assert problem.doc_index is not None  # every problem above is made with its builder's doc_index
        doc_index = problem.doc_index + 1
        line = problem.line
        lf = only_lf(data) if lf is None else lf
        # Resume at the next document start at or after the error line
        # (libyaml often reports an unfinished document at the next `---`).
        start = line_start(data, base, line - line_offset, lf)
        doc_start = _DOC_START if lf else _DOC_START_ANY
        match = doc_start.search(data, start) if start is not None else None
        if match is not None and match.start() == base:
            match = doc_start.search(data, base + 1)
        if match is None:
            return
        line_offset += count_breaks(data, base, match.start(), lf)
        base = match.start()


def _too_deep() -> str:
    return f"nesting deeper than {_limits.MAX_DEPTH:,} levels; the rest of this document is not read"


def _pure_events(data: bytes, offset: int):
    """Events of ruamel.yaml's pure-Python parser, reading ``data`` from ``offset``."""
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).parse(_reader_at(data, offset)).__next__


def _reader_at(data: bytes, offset: int) -> io.BytesIO:
    """A stream over ``data`` from ``offset`` (BytesIO shares the buffer)."""
    stream = io.BytesIO(data)
    stream.seek(offset)
    return stream


def _error_position(exc: Exception, data: bytes, base: int, offset: int, lf: bool = True) -> tuple[int, int, str]:
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
        msg = "; ".join(parts) if parts else (str(exc).splitlines() or [type(exc).__name__])[0]
        return mark.line + offset, mark.column, f"YAML syntax error: {msg}"
    position = getattr(exc, "position", None)
    if isinstance(position, int):  # ReaderError: byte position from `base`, no line
        position = min(base + max(position, 0), len(data))
        start = last_line_start(data, base, position, lf)
        line = count_breaks(data, base, start, lf) + offset
        col = position - start
        reason = getattr(exc, "reason", "cannot decode")
        char = getattr(exc, "character", None)
        what = f" (byte 0x{char:02x})" if isinstance(char, int) else ""
        return line, col, f"invalid encoding: {reason}{what}; the file must be UTF-8 or UTF-16 with a BOM"
    return offset, 0, f"YAML error: {(str(exc).splitlines() or [type(exc).__name__])[0]}"


class _TooLarge(Exception):
    """The document stands for more than MAX_VALUES values; args: (cause, line, col),
    the cause "alias", "merge" or None."""


class _TooDeep(Exception):
    """A collection nested deeper than MAX_DEPTH: args are its (line, col).

    Raised out of the parser (not skipped like _TooLarge): reading on would
    cost libyaml time quadratic in the depth."""


# The builder handles the common scalar (untagged, no anchor, inside a collection) inline, without
# the generic path's calls. tests/test_parse_reference.py turns this off and checks that both paths
# give identical trees, marks and problems on every fixture.
INLINE_SCALARS = True


class _Builder:
    def __init__(self, line_offset: int, doc_index: int):
        self.off = line_offset
        self.doc_index = doc_index
        self.doc_start = 0  # line (from the reader's start) where the current or next document starts
        self.doc_end = 0  # line where the last finished document ended
        self.stream_ended = False
        self.produced = 0
        self.max_docs: int | None = None

    def run(self, get_event, max_docs: int | None = None) -> Iterator[Document | ParseProblem]:
        """Documents from ``get_event`` (at most ``max_docs``), skipping oversized ones."""
        self.max_docs = max_docs
        while True:
            try:
                yield from self._build(get_event)
                return
            except _TooLarge as exc:
                cause, line, col = exc.args
            # Skip the rest of the oversized document (its tree is dropped) and go on.
            limit = _limits.MAX_VALUES
            event = get_event()
            while event.__class__ not in (DocumentEndEvent, StreamEndEvent):
                event = get_event()
            self.doc_start = self.doc_end = event.end_mark.line
            if cause == "merge":
                message = f"document too large: its merge keys (`<<`) copy more than {limit:,} values"
            elif cause == "alias":
                message = f"document too large: its aliases stand for more than {limit:,} values (an alias bomb)"
            else:
                message = f"document too large: more than {limit:,} values"
            yield ParseProblem(message + "; not linted", line, col, self.doc_index)
            self.doc_index += 1
            self.produced += 1
            if self.max_docs is not None and self.produced >= self.max_docs:
                return

    def _build(self, get_event) -> Iterator[Document]:
        off = self.off
        stack: list[_Frame] = []
        anchors: dict = {}
        marks: dict = {}
        problems: list = []
        tags: list = []  # local tags that are not CloudFormation's (a template with one is rejected)
        result = [None, None]  # root value, root mark
        doc_start = 0
        budget = _limits.MAX_VALUES  # values the current document may still hold
        max_depth = _limits.MAX_DEPTH
        top: _Frame | None = None  # the innermost open collection (stack[-1])
        container: dict | list  # a collection a start event opens, and its children's marks
        child_marks: dict | list
        inline = INLINE_SCALARS

        def attach(value, mark, size=1, alias=False):
            """Add a value to the open container. ``size``: the values it stands
            for; paid from the budget only by an alias (a container's own
            children paid as they were attached)."""
            nonlocal budget
            if not stack:
                result[0], result[1] = value, mark
                return
            frame = stack[-1]
            if frame.kind == _SEQ:
                budget -= size if alias else 1
                if budget < 0:
                    raise _TooLarge("alias" if alias else None, mark[2], mark[3])
                frame.size += size
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
            budget -= size if alias else 1  # for a merge key, what an alias pays covers the copies
            merge = key == "<<" and km[0] == -1
            if budget < 0:
                raise _TooLarge("merge" if merge else "alias" if alias else None, mark[2], mark[3])
            frame.size += size
            if merge:
                # merge key (plain `<<`): applied when the mapping ends
                if frame.merges is None:
                    frame.merges = []
                frame.merges.append((value, full))
                return
            d = frame.value
            if key in d:
                first = frame.marks[key]
                problems.append(ParseProblem(
                    f"duplicate key {short_repr(key)} (first defined at line {first[0] + 1})", full[0], full[1]
                ))
            d[key] = value
            frame.marks[key] = full

        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent:
                em = event.end_mark
                ctag = _ctag(event)
                if inline and ctag is None and event.anchor is None and top is not None:
                    # The common case, inlined: an untagged scalar without an anchor in a collection.
                    sm = event.start_mark
                    line = sm.line + off
                    col = sm.column
                    text = event.value
                    plain = not event.style
                    key_line = -1 if plain else line  # -1: a plain scalar (tells `<<` merge keys from '<<')
                    mark = (key_line, col, line, col, em.line + off, em.column)
                    if top.kind == _MAP and top.key is _NOKEY:
                        top.key = text  # a key: as written, like the JSON key it becomes
                        top.key_mark = mark
                        continue
                    value = resolve_plain(text) if plain and (not text or text[0] in _MAYBE) else text
                    if top.kind == _SEQ:
                        budget -= 1
                        if budget < 0:
                            raise _TooLarge(None, line, col)
                        top.size += 1
                        top.value.append(value)
                        top.marks.append(mark)
                        continue
                    key, km = top.key, top.key_mark
                    if key in top.value or (key == "<<" and km[0] == -1):  # duplicates and merges
                        attach(value, mark)
                        continue
                    budget -= 1
                    if budget < 0:
                        raise _TooLarge(None, line, col)
                    top.size += 1
                    top.value[key] = value
                    top.marks[key] = (km[2], km[3], line, col, mark[4], mark[5])
                    top.key = _NOKEY
                    continue
                sm = event.start_mark
                text = event.value
                tag = None if ctag is None else str(ctag)
                style = event.style
                line, col = sm.line, sm.column
                if event.anchor is not None or tag is not None:
                    line, col = _skip_properties(event, line, col)
                line += off
                if stack and stack[-1].kind == _MAP and stack[-1].key is _NOKEY:
                    value = text  # a key: as written, like the JSON key it becomes
                elif tag is None:
                    value = resolve_plain(text) if not style else text
                else:
                    value = _tagged_scalar(tag, text, marks, (line, col, em.line + off, em.column), tags,
                                           (sm.line + off, sm.column))
                # key_line == -1 marks a plain scalar (used to tell `<<` merge keys from '<<')
                mark = (-1 if not style and tag is None else line, col, line, col, em.line + off, em.column)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                attach(value, mark)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                sm = event.start_mark
                line, col = sm.line, sm.column
                if len(stack) >= max_depth:
                    raise _TooDeep(line + off, col)
                ctag = _ctag(event)
                tag = None if ctag is None else str(ctag)
                if tag is not None and tag not in CFN_TAGS:
                    _note_tag(tags, tag, line + off, col)
                if event.anchor is not None or tag is not None:
                    line, col = _skip_properties(event, line, col)
                line += off
                if cls is MappingStartEvent:
                    kind, container, child_marks = _MAP, {}, {}
                else:
                    kind, container, child_marks = _SEQ, [], []
                marks[id(container)] = child_marks
                top = _Frame(kind, container, child_marks, (line, col), (event.anchor, tag))
                stack.append(top)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                if frame.merges:
                    _apply_merges(frame, marks, problems)
                em = event.end_mark
                value = frame.value
                anchor, tag = frame.anchor
                if anchor is not None:
                    anchors[anchor] = (value, frame.size)
                if tag in CFN_TAGS:
                    value = _wrap_cfn(tag, value, marks, frame.start)
                s = frame.start
                attach(value, (s[0], s[1], s[0], s[1], em.line + off, em.column), frame.size)
            elif cls is AliasEvent:
                sm = event.start_mark
                em = event.end_mark
                line, col = sm.line + off, sm.column
                if event.anchor in anchors:
                    value, size = anchors[event.anchor]
                else:
                    name = event.anchor if len(event.anchor) <= 80 else event.anchor[:80] + "..."
                    problems.append(ParseProblem(f"unknown alias *{name}", line, col))
                    value, size = None, 1
                attach(value, (line, col, line, col, em.line + off, em.column), size, True)
            elif cls is DocumentStartEvent:
                anchors = {}
                marks = {}
                problems = []
                tags = []
                result = [None, None]
                self.doc_start = event.start_mark.line
                doc_start = event.start_mark.line + off
                budget = _limits.MAX_VALUES
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
                    tags=tags,
                )
                for p in problems:
                    p.doc_index = self.doc_index
                self.doc_index += 1
                self.doc_start = self.doc_end = event.end_mark.line
                yield doc
                self.produced += 1
                if self.max_docs is not None and self.produced >= self.max_docs:
                    return
            elif cls is StreamEndEvent:
                self.stream_ended = True
                return


def _tagged_scalar(tag: str, text: str, marks: dict, span: tuple, tags: list, at: tuple):
    """The value of a tagged scalar (the cold branch of the builder)."""
    if tag in CFN_TAGS:
        return _cfn_scalar(tag, text, marks, span)
    if tag == "!":
        return text
    if tag.startswith("tag:yaml.org,2002:") or tag.startswith("!!"):
        return resolve_tagged(text, tag)
    _note_tag(tags, tag, *at)
    return text


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
        wrapped: dict[str, str | list[str]] = {name: inner}
    else:
        wrapped = {name: text}
    marks[id(wrapped)] = {name: mark}
    return wrapped


def _note_tag(tags: list, tag: str, line: int, col: int) -> None:
    """Keep a local tag that is not a CloudFormation short form (`!if`), the first few per document."""
    if tag.startswith("!") and tag != "!" and not tag.startswith("!!") and tag not in CFN_TAGS and len(tags) < 20:
        tags.append((tag, line, col))


def _wrap_cfn(tag: str, value, marks: dict, start: tuple):
    """Wrap a tagged container in its long form, with a mark for the inner value."""
    wrapped = {CFN_TAGS[tag]: value}
    line, col = start
    marks[id(wrapped)] = {CFN_TAGS[tag]: (line, col, line, col, line, col)}
    return wrapped


def _apply_merges(frame: _Frame, marks: dict, problems: list) -> None:
    """YAML merge keys: explicit keys win, earlier merged mappings win over later ones.

    The entries copied were paid for when the `<<` value was attached (its
    size counts them all), so merging one big mapping into many others stays
    within the document's limit."""
    d = frame.value
    for value, full in frame.merges:
        sources = value if isinstance(value, list) else [value]
        for i, src in enumerate(sources):
            if not isinstance(src, dict):
                what = f"item {i + 1} is" if isinstance(value, list) else "its value is"
                problems.append(ParseProblem(f"merge key `<<` needs a mapping or a list of mappings; {what} "
                                             f"{short_repr(src)}", full[0], full[1]))
                continue
            src_marks = marks.get(id(src), {})
            for k, v in src.items():
                if k in d:  # explicit keys, then earlier merges, win
                    continue
                d[k] = v
                frame.marks[k] = src_marks.get(k, full)
