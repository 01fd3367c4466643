"""`--add-suppressions`: a `# hyperlint: disable=HPxxx -- TODO` comment for every current finding.

A team adopts hyperlint on a repository with findings in one command and
fixes them later (ruff's ``--add-noqa``). The comment is the suppression
syntax of ``hyperlint.suppress``, so each one is visible in review, carries a
reason to replace, and is reported (HP002) once the problem is fixed.

- Each finding's line gets ``  # hyperlint: disable=HP301 -- TODO`` at its
  end; a line that already has a directive gets the new IDs added to it
  (its reason kept).
- Files are written as ``--fix`` writes them (``hyperlint.fix.write_fixed``).
- Only bytes are inserted: everything else (line endings, a UTF-8 BOM,
  comments, quoting) stays as it was. The edited file must parse to exactly
  the same data; where an end-of-line comment would change it (a plain scalar
  that continues on the next line), the directive goes on its own line above
  instead, and where that fails too the finding is left alone.
- JSON has no comments, stdin is not a file, and HP001 (the file does not
  parse) and HP002 (a stale suppression: remove it instead) are not
  suppressed this way.
"""

from __future__ import annotations

import codecs
import re

from .record import Record
from .suppress import _DIRECTIVE

SKIPPED_RULES = ("HP001", "HP002")


class Added(Record):
    __slots__ = ("count", "files", "skipped")

    def __init__(self, count: int = 0, files: list | None = None, skipped: int = 0) -> None:
        self.count = count  # findings now suppressed
        self.files = [] if files is None else files  # files changed
        self.skipped = skipped  # findings that could not get a comment


def _data(raw: bytes):
    """The plain data of every document, or None when the text does not parse cleanly."""
    from .parse import Document, ParseProblem, parse_source

    out = []
    for item in parse_source(raw):
        if isinstance(item, ParseProblem) or (isinstance(item, Document) and item.problems):
            return None
        out.append(item.root)
    return out


def _lines(data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each line, without its line break."""
    spans, start = [], 0
    for m in re.finditer(rb"\r?\n", data):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(data)))
    return spans


def _directive(ids) -> bytes:
    return f"# hyperlint: disable={','.join(sorted(ids))} -- TODO".encode()


def _edits(data: bytes, by_line: dict[int, set], own_line: bool) -> list[tuple[int, int, bytes]]:
    spans = _lines(data)
    newline = b"\r\n" if b"\r\n" in data[:4096] else b"\n"
    edits = []
    for line, ids in by_line.items():
        if not 1 <= line <= len(spans):
            continue
        start, end = spans[line - 1]
        text = data[start:end]
        existing = None
        for m in _DIRECTIVE.finditer(text):
            if m.group(1) == b"disable":
                existing = m
        if existing is not None:
            old = {i.strip().upper() for i in existing.group(2).decode().split(",")}
            merged = ",".join(sorted(old | ids)).encode()
            edits.append((start + existing.start(2), start + existing.end(2), merged))
        elif own_line:
            indent = text[:len(text) - len(text.lstrip(b" \t"))]
            edits.append((start, start, indent + _directive(ids) + newline))
        else:
            edits.append((end, end, b"  " + _directive(ids)))
    return edits


def _apply(data: bytes, edits) -> bytes:
    for start, end, text in sorted(edits, reverse=True):
        data = data[:start] + text + data[end:]
    return data


def suppress_file(raw: bytes, findings) -> tuple[bytes, int, int]:
    """(new bytes, findings suppressed, findings left) for one YAML file's findings."""
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    data = raw[len(bom):]
    by_line: dict[int, set] = {}
    for f in findings:
        by_line.setdefault(f.loc.line, set()).add(f.rule)
    before = _data(data)
    if before is None:
        return raw, 0, len(findings)
    chosen, done_lines = _edits(data, by_line, False), set(by_line)
    if _data(_apply(data, chosen)) == before:  # the usual case: one parse checks every comment
        return bom + _apply(data, chosen), len(findings), 0
    chosen, done_lines = [], set()
    for line, ids in sorted(by_line.items()):
        for own_line in (False, True):
            edits = _edits(data, {line: ids}, own_line)
            if edits and _data(_apply(data, edits)) == before:
                chosen += edits
                done_lines.add(line)
                break
    fixed = _apply(data, chosen)
    if not chosen or _data(fixed) != before:
        return raw, 0, len(findings)
    suppressed = sum(1 for f in findings if f.loc.line in done_lines)
    return bom + fixed, suppressed, len(findings) - suppressed


def add_suppressions(inputs, findings) -> Added:
    """Write a directive for every finding that can take one; files are written atomically."""
    from .fix import NotFixed, write_fixed

    by_file: dict = {}
    for f in findings:
        by_file.setdefault(f.loc.file, []).append(f)
    outcome = Added()
    for inp in inputs:
        mine = by_file.pop(inp.display, None)
        if not mine:
            continue
        usable = [f for f in mine if f.rule not in SKIPPED_RULES]
        outcome.skipped += len(mine) - len(usable)
        if not usable:
            continue
        if inp.path is None or inp.is_json or inp.problem is not None:
            outcome.skipped += len(usable)
            continue
        try:
            with open(inp.path, "rb") as fh:
                raw = fh.read()
        except OSError:
            outcome.skipped += len(usable)
            continue
        if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            outcome.skipped += len(usable)  # UTF-16/32 files are reported, not rewritten
            continue
        new, done, left = suppress_file(raw, usable)
        outcome.skipped += left
        if done and new != raw:
            try:  # the same careful write as --fix: only if unchanged since read, mode and links kept
                write_fixed(inp.path, raw, new)
            except NotFixed:
                outcome.skipped += done
                continue
            outcome.count += done
            outcome.files.append(inp.display)
    outcome.skipped += sum(len(v) for v in by_file.values())
    return outcome
