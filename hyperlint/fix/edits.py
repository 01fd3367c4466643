"""Edits: the exact spans a fix changes, applying them, checking the result, diffs."""

from __future__ import annotations

import difflib
import os
from typing import Callable, Iterable, NamedTuple

from ..findings import Finding, Loc
from ..locate import pointer
from ..parse.lines import line_starts
from ..record import Record
from ..rules import get

_BREAKS = (b"\r\n", b"\n", b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


class Edit(NamedTuple):
    start: int  # byte offsets in the file
    end: int
    text: bytes


class Source(Record):
    """A file's bytes with line/column -> byte offset conversion (columns are
    characters), lines counted as the file's parser counts them."""

    __slots__ = ("data", "is_json", "_lf", "_starts")

    def __init__(self, data: bytes, is_json: bool = False, lf_only: bool | None = None) -> None:
        self.data = data
        self.is_json = is_json
        self._lf = is_json if lf_only is None else lf_only  # JSON and HCL lines end at LF only
        self._starts = line_starts(data, self._lf)

    @property
    def lines(self) -> int:
        return len(self._starts)

    def line_bytes(self, line: int) -> bytes:
        """Line ``line`` (1-based) without its end of line; b"" past the end."""
        if not 1 <= line <= len(self._starts):
            return b""
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self.data)
        text = self.data[start:end]
        if self._lf:
            return text[:-1].rstrip(b"\r") if text.endswith(b"\n") else text.rstrip(b"\r")
        for brk in _BREAKS:
            if text.endswith(brk):
                return text[: -len(brk)]
        return text

    def offset(self, line: int, column: int) -> int | None:
        """Byte offset of 1-based ``line``/``column`` (a character column); None
        for a place that is not in the file."""
        if not 1 <= line <= len(self._starts) or column < 1:
            return None
        text = self.line_bytes(line).decode("utf-8", "replace")
        if column - 1 > len(text):
            return None
        return self._starts[line - 1] + len(text[: column - 1].encode("utf-8"))

    @property
    def newline(self) -> bytes:
        """The file's own line break (its first one; LF in a file of one line)."""
        if len(self._starts) < 2:
            return b"\n"
        end = self._starts[1]
        return next((b for b in _BREAKS if self.data.endswith(b, 0, end)), b"\n")

    def replace_scalar(self, f: Finding, old: str, new: str) -> Edit | None:
        """Replace a one-line scalar at ``f``'s span, keeping its quotes."""
        return self.replace_at(f.loc, old, new)

    def replace_at(self, loc: Loc, old: str, new: str) -> Edit | None:
        """Replace the one-line scalar ``old`` at ``loc`` with ``new``, keeping its quotes."""
        if loc.end_line != loc.line or loc.end_column is None:
            return None
        start, end = self.offset(loc.line, loc.column), self.offset(loc.end_line, loc.end_column)
        if start is None or end is None or end < start:
            return None
        token = self.data[start:end]
        if len(token) >= 2 and token[:1] in (b'"', b"'") and token[-1:] == token[:1]:
            start, end, token = start + 1, end - 1, token[1:-1]
        if token.decode("utf-8", "replace") != old:
            return None  # escapes, folded scalars ...: not a span we can edit safely
        return Edit(start, end, new.encode("utf-8"))


def insert_entry(source: Source, key_loc, key: str, value) -> Edit | None:
    """Insert ``key: value`` as the first entry of the mapping whose key is at ``key_loc``.

    Block YAML gets new lines at the children's indentation; flow YAML and JSON
    get the entry right after the opening brace. ``value`` is a string or a
    one-level mapping of strings."""
    import json

    key_at = source.offset(key_loc.line, key_loc.column)
    if key_at is None:
        return None
    line = source.line_bytes(key_loc.line)
    after = line[key_loc.column - 1:].split(b":", 1)[1] if b":" in line[key_loc.column - 1:] else b""
    brace = after.lstrip()
    nl = source.newline
    if source.is_json or brace.startswith(b"{"):
        if source.is_json:
            entry = json.dumps({key: value})[1:-1].encode()
        elif isinstance(value, dict):
            entry = f"{key}: {{{', '.join(f'{k}: {v}' for k, v in value.items())}}}".encode()
        else:
            entry = f"{key}: {value}".encode()
        if not brace.startswith(b"{"):
            return None
        at = key_at + (len(line[key_loc.column - 1:]) - len(after)) + (len(after) - len(brace)) + 1
        rest = source.data[at:].lstrip()
        separator = b"" if rest.startswith(b"}") else b","
        if source.is_json and not rest.startswith(b"}") and key_loc.line + 1 <= source.lines:
            child = _next_content_line(source, key_loc.line)
            indent = _indent(source.line_bytes(child)) if child else b"  "
            return Edit(at, at, nl + indent + entry + separator)
        return Edit(at, at, entry + separator + (b" " if separator else b""))
    if brace and not brace.startswith(b"#"):
        return None  # a scalar on the key's line: not a mapping we can extend
    parent = key_loc.column - 1
    child = _next_content_line(source, key_loc.line)
    indent = _indent(source.line_bytes(child)) if child else b""
    if child is None or len(indent) <= parent:
        indent, child = b" " * (parent + 2), None
    step = b" " * max(len(indent) - parent, 2)
    if isinstance(value, dict):
        text = indent + key.encode() + b":" + nl + b"".join(
            indent + step + f"{k}: {v}".encode() + nl for k, v in value.items())
    else:
        text = indent + f"{key}: {value}".encode() + nl
    where: int | None
    if child is not None:
        where = source.offset(child, 1)
    else:
        where = source.offset(key_loc.line, 1)
        where = None if where is None else where + len(source.line_bytes(key_loc.line))
        text = nl + text[: -len(nl)]
    return None if where is None else Edit(where, where, text)


def _next_content_line(source: Source, line: int) -> int | None:
    for n in range(line + 1, source.lines + 1):
        text = source.line_bytes(n).strip()
        if text and not text.startswith(b"#"):
            return n
    return None


def _indent(line: bytes) -> bytes:
    return line[: len(line) - len(line.lstrip(b" "))]


def fixers_for(rule_ids, unsafe: bool) -> dict[str, Callable | None]:
    """Rule ID -> custom fix function (None: generic replace) for the rules allowed to fix."""
    allowed = ("safe", "unsafe") if unsafe else ("safe",)
    out = {}
    for rid in set(rule_ids):
        rule = get(rid)
        if rule is not None and rule.fix in allowed:
            out[rule.id] = rule.fixer
    return out


def edits_for(findings: list[Finding], source: Source, unsafe: bool = False) -> list[tuple[Finding, Edit]]:
    """The edits that fix ``findings``. A finding whose facts say ``unsafe_fix`` (a
    safe rule unsure of this one case) is fixed only with ``unsafe``; one without
    ``fixed`` in its facts is never fixed (what it should become cannot be checked)."""
    fixers = fixers_for((f.rule for f in findings), unsafe)
    found = []
    for f in findings:
        facts = f.facts or {}
        if f.rule not in fixers or "fixed" not in facts or facts.get("unsafe_fix") and not unsafe:
            continue
        custom = fixers[f.rule]
        if custom is not None:
            found += [(f, e) for e in custom(f, source) or ()]
            continue
        if "value" not in facts:
            continue
        old, new = str(facts["value"]), str(facts["fixed"])
        places = [f.loc] + (list(f.related) if facts.get("fix_related") else [])
        edits = [source.replace_at(loc, old, new) for loc in places if loc.file == f.loc.file]
        if len(edits) == len(places) and all(edits):  # all of them or none
            found += [(f, e) for e in edits]
    return found


def apply(data: bytes, edits: list[Edit]) -> tuple[bytes, set[Edit]]:
    """(``data`` with the edits applied, the edits applied): non-overlapping ones,
    later ones first; an edit that overlaps one already applied is dropped."""
    out = data
    last = len(data) + 1
    done = set()
    for e in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        if e.end > last or e.end < e.start or e.start < 0:
            continue
        out = out[: e.start] + e.text + out[e.end:]
        last = e.start
        done.add(e)
    return out, done


def verify(original: bytes, fixed: bytes, is_json: bool, expected: Iterable[Finding] = (), name: str = "") -> bool:
    """The fixed bytes parse with no more problems than the original, and the
    value at each of ``expected``'s pointers (and related places, for
    ``fix_related``) is its facts' ``fixed`` (a renamed key, facts ``key``: the
    new key exists; an inserted entry: at the pointer plus facts ``fixed_at``). (A Terraform file: it parses if the
    original did; its values are checked by their old text at each span.)"""
    from ..parse import Document, ParseProblem, parse_source
    from ..safe import scalar_text
    from ..terraform import is_terraform_file

    if is_terraform_file(name):
        from ..terraform.hcl import parses

        return parses(fixed.decode("utf-8", "replace")) or not parses(original.decode("utf-8", "replace"))

    wanted: dict[int, list[tuple[str, str | None]]] = {}
    for f in expected:
        facts = f.facts or {}
        pointers = [f.loc.pointer] + ([r.pointer for r in f.related] if facts.get("fix_related") else [])
        fixed_text = str(facts["fixed"])
        value: str | None = fixed_text
        if facts.get("fixed_at") is not None:  # where the fix puts its value (an inserted entry)
            pointers = [f.loc.pointer + facts["fixed_at"]]
        elif facts.get("key"):  # a renamed key: the new key is there (its value is the old one's)
            parent = f.loc.pointer.rsplit("/", 1)[0]
            pointers, value = [parent + pointer((fixed_text,))], None
        wanted.setdefault(f.loc.doc or 0, []).extend((p, value) for p in pointers)

    def problems(data: bytes, check: bool) -> int:
        count = 0
        for item in parse_source(data, json=is_json):
            if isinstance(item, ParseProblem):
                count += 1
            elif isinstance(item, Document):
                count += len(item.problems)
                for ptr, value in wanted.pop(item.index, ()) if check else ():
                    node = _at_pointer(item.root, ptr)
                    if node is _MISSING or (value is not None and scalar_text(node) != value):
                        return -1
        return count

    after = problems(fixed, True)
    return after >= 0 and not wanted and after <= problems(original, False)


_MISSING = object()


def _at_pointer(root, ptr: str):
    """The value at the RFC 6901 pointer ``ptr`` in ``root``, or _MISSING."""
    node = root
    for step in ptr.split("/")[1:] if ptr else ():
        step = step.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return _MISSING
    return node


def fix_bytes(data: bytes, findings: list[Finding], is_json: bool, unsafe: bool = False,
              name: str = "") -> tuple[bytes, list[Finding]]:
    """(fixed bytes, the findings fixed); the input itself when nothing can be fixed safely."""
    from ..terraform import is_terraform_file

    source = Source(data, is_json, lf_only=is_json or is_terraform_file(name))
    pairs = edits_for(findings, source, unsafe)
    if not pairs:
        return data, []
    fixed, applied = apply(data, [e for _, e in pairs])
    by_finding: dict[int, list] = {}
    for f, e in pairs:
        by_finding.setdefault(id(f), [f, True])[1] &= e in applied
    done = sorted((f for f, ok in by_finding.values() if ok), key=Finding.sort_key)
    if fixed == data or not done or not verify(data, fixed, is_json, done, name):
        return data, []
    return fixed, done


def unified_diff(path: str, before: bytes, after: bytes) -> bytes:
    """A unified diff that ``patch`` and ``git apply`` accept: lines are split at
    LF only (as they split them), bytes are kept as they are, and a last line
    without LF is marked ``\\ No newline at end of file``."""
    if before == after:
        return b""
    name = os.fsencode(path.lstrip("/"))  # like git: `a/tmp/x.yaml` for /tmp/x.yaml, never `a//tmp/x.yaml`
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, _lf_lines(before), _lf_lines(after),
                                   b"a/" + name, b"b/" + name):
        out.append(line)
        if not line.endswith(b"\n"):
            out.append(b"\n\\ No newline at end of file\n")
    return b"".join(out)


def _lf_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out
