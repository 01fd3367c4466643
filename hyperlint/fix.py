"""Fix: rewrite exactly the spans that findings point at, and nothing else.

A fixed file differs from the original only in the changed values: comments,
quoting, key order, indentation, flow style, blank lines, document
separators and line endings stay byte-identical, because edits are made on
the raw bytes at the positions the parser recorded (no re-serialisation).

Two kinds of fixes:

- *replace*: a finding whose rule has ``FIX`` set and whose facts carry
  ``fixed`` gets its scalar replaced (inside its quotes, if quoted);
- *custom*: a rule module may define ``fix(finding, source)`` returning
  edits (HP103 inserts an ``AccessConfig``).

Every edited file is parsed again; if a fixed document no longer parses, or
the value at the finding's pointer is not the intended one, the whole file is
left untouched.
"""

from __future__ import annotations

import codecs
import difflib
import os
import tempfile
from typing import Callable, NamedTuple

from .findings import Finding
from .record import Record
from .rules import get


class Edit(NamedTuple):
    start: int  # byte offsets in the file
    end: int
    text: bytes


class Source(Record):
    """A file's bytes with line/column -> byte offset conversion (columns are characters)."""

    __slots__ = ("data", "is_json", "_starts")

    def __init__(self, data: bytes, is_json: bool = False) -> None:
        self.data = data
        self.is_json = is_json
        starts = [0]  # byte offset of each line
        find = data.find
        pos = find(b"\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        self._starts = starts

    def line_bytes(self, line: int) -> bytes:
        """Line ``line`` (1-based) without its end of line."""
        start = self._starts[line - 1]
        end = self._starts[line] - 1 if line < len(self._starts) else len(self.data)
        return self.data[start:end].rstrip(b"\r")

    def offset(self, line: int, column: int) -> int:
        """Byte offset of 1-based ``line``/``column`` (a character column)."""
        text = self.line_bytes(line).decode("utf-8", "replace")
        return self._starts[line - 1] + len(text[: column - 1].encode("utf-8"))

    @property
    def newline(self) -> bytes:
        return b"\r\n" if b"\r\n" in self.data[:4096] else b"\n"

    def replace_scalar(self, f: Finding, old: str, new: str) -> Edit | None:
        """Replace a one-line scalar at ``f``'s span, keeping its quotes."""
        loc = f.loc
        if loc.end_line != loc.line or loc.end_column is None:
            return None
        start, end = self.offset(loc.line, loc.column), self.offset(loc.end_line, loc.end_column)
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
        at = source.offset(key_loc.line, key_loc.column) + (len(line[key_loc.column - 1:]) - len(after)) + \
            (len(after) - len(brace)) + 1
        rest = source.data[at:].lstrip()
        separator = b"" if rest.startswith(b"}") else b","
        if source.is_json and not rest.startswith(b"}") and key_loc.line + 1 <= len(source._starts):
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
    if child is not None:
        at = source.offset(child, 1)
    else:
        at = source.offset(key_loc.line, 1) + len(source.line_bytes(key_loc.line))
        text = nl + text[: -len(nl)]
    return Edit(at, at, text)


def _next_content_line(source: Source, line: int) -> int | None:
    for n in range(line + 1, len(source._starts) + 1):
        text = source.line_bytes(n).strip()
        if text and not text.startswith(b"#"):
            return n
    return None


def _indent(line: bytes) -> bytes:
    return line[: len(line) - len(line.lstrip(b" "))]


def _fixers(rule_ids, unsafe: bool) -> dict[str, Callable | None]:
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
    safe rule unsure of this one case) is fixed only with ``unsafe``."""
    fixers = _fixers((f.rule for f in findings), unsafe)
    found = []
    for f in findings:
        if f.rule not in fixers or (f.facts or {}).get("unsafe_fix") and not unsafe:
            continue
        custom = fixers[f.rule]
        if custom is not None:
            found += [(f, e) for e in custom(f, source) or ()]
            continue
        facts = f.facts or {}
        if "fixed" in facts and "value" in facts:
            edit = source.replace_scalar(f, str(facts["value"]), str(facts["fixed"]))
            if edit:
                found.append((f, edit))
    return found


def apply(data: bytes, edits: list[Edit]) -> bytes:
    """Apply non-overlapping edits (later ones first); overlapping ones are dropped."""
    out = data
    last = len(data) + 1
    for e in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        if e.end > last:
            continue
        out = out[: e.start] + e.text + out[e.end:]
        last = e.start
    return out


def verify(original: bytes, fixed: bytes, is_json: bool, name: str = "") -> bool:
    """The fixed bytes parse with no more problems than the original."""
    from .parse import Document, ParseProblem, parse_source
    from .terraform import is_terraform_file

    if is_terraform_file(name):
        from .terraform.hcl import parses

        return parses(fixed.decode("utf-8", "replace")) or not parses(original.decode("utf-8", "replace"))

    def problems(data: bytes) -> int:
        count = 0
        for item in parse_source(data, json=is_json):
            if isinstance(item, ParseProblem):
                count += 1
            elif isinstance(item, Document):
                count += len(item.problems)
        return count

    return problems(fixed) <= problems(original)


def fix_bytes(data: bytes, findings: list[Finding], is_json: bool, unsafe: bool = False,
              name: str = "") -> tuple[bytes, list[Finding]]:
    """(fixed bytes, the findings fixed); the input itself when nothing can be fixed safely."""
    source = Source(data, is_json)
    pairs = edits_for(findings, source, unsafe)
    if not pairs:
        return data, []
    fixed = apply(data, [e for _, e in pairs])
    if fixed == data or not verify(data, fixed, is_json, name):
        return data, []
    return fixed, sorted({id(f): f for f, _ in pairs}.values(), key=Finding.sort_key)


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    a = before.decode("utf-8", "replace").splitlines(keepends=True)
    b = after.decode("utf-8", "replace").splitlines(keepends=True)
    name = path.lstrip("/")  # like git: `a/tmp/x.yaml` for /tmp/x.yaml, never `a//tmp/x.yaml`
    return "".join(difflib.unified_diff(a, b, fromfile=f"a/{name}", tofile=f"b/{name}"))


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temporary file and a rename, keeping its mode."""
    mode = os.stat(path).st_mode & 0o7777
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".hyperlint-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class FixOutcome(Record):
    """What a fix run did: the fixed bytes per file, how many findings it fixed, the diff."""

    __slots__ = ("files", "count", "diff", "stdin")

    def __init__(self, files: dict, count: int, diff: str, stdin: bytes | None) -> None:
        self.files = files  # display name -> fixed bytes
        self.count = count  # findings fixed
        self.diff = diff
        self.stdin = stdin  # the fixed stdin stream, when stdin was linted

    def refreshed(self, found):
        """``found`` with stdin replaced by its fixed bytes, to lint again."""
        inputs = [i.replace(stdin=self.files.get(i.display, i.stdin)) if i.stdin is not None else i
                  for i in found.inputs]
        return found.replace(inputs=inputs)


def fix_run(inputs, findings: list[Finding], unsafe: bool = False, write: bool = True) -> FixOutcome:
    """Fix every input that has fixable findings; write files atomically unless ``write`` is False."""
    by_file: dict = {}
    for f in findings:
        by_file.setdefault(f.loc.file, []).append(f)
    outcome = FixOutcome({}, 0, "", None)
    for inp in inputs:
        mine = by_file.get(inp.display)
        if not mine:
            if inp.stdin is not None:
                outcome.stdin = inp.stdin
            continue
        raw = inp.stdin if inp.stdin is not None else _read(inp.path)
        if raw is None:
            continue
        bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
        if not bom and raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            continue  # UTF-16/32 files are reported, not rewritten
        fixed, done = fix_bytes(raw[len(bom):], mine, inp.is_json, unsafe, inp.display)
        fixed = bom + fixed
        if inp.stdin is not None:
            outcome.stdin = fixed
        if not done:
            continue
        outcome.files[inp.display] = fixed
        outcome.count += len(done)
        outcome.diff += unified_diff(inp.display, raw, fixed)
        if write and inp.path is not None:
            write_atomically(inp.path, fixed)
    return outcome


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None
