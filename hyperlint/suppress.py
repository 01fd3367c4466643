"""Suppress: the ways users silence findings, and HP002 for stale ones.

- a comment ``# hyperlint: disable=HP301,HP304 -- reason`` on the offending
  line, or alone on its line just above it (then it covers the next line
  that is not blank or a comment); ``# hyperlint: disable-file=HP301``
  anywhere silences the rule for the whole file. YAML only: JSON has no
  comments. A ``# hyperlint:`` comment that is not one of these is reported;
- the annotation ``hyperlint.io/ignore: "HP301,HP304 -- reason"`` on a
  Kubernetes object (its pod templates included; in a ``kind: List`` only
  the item that carries it);
- ``Metadata: {hyperlint: {ignore: [HP201], reason: ...}}`` on a
  CloudFormation resource;
- ``per-file-ignores`` in the configuration (glob -> rule IDs or prefixes),
  matched against the path as reported, the path relative to the
  configuration file's folder, and the file name.

Rules never see any of this. A suppression that silences nothing is itself
reported (HP002), for the rules that ran on that file; HP002 findings obey
``per-file-ignores`` and ``disable=HP002`` like any other.
"""

from __future__ import annotations

import fnmatch
import os
import re

from . import lazy
from .findings import Finding, Loc
from .record import Record
from .safe import scalar_text

# A comment starts at the beginning of a line or after a blank (YAML 1.2, 6.6).
_MENTION = lazy.pattern(rb"(?:^|(?<=[ \t]))#[ \t]*hyperlint:", re.MULTILINE)
_DIRECTIVE = lazy.pattern(
    rb"#[ \t]*hyperlint:[ \t]*(disable|disable-file)[ \t]*=[ \t]*"
    rb"([A-Za-z0-9]+(?:[ \t]*,[ \t]*[A-Za-z0-9]+)*)"  # rule IDs
    rb"(?:[ \t]+--([^\r\n]*)"  # -- reason (up to another comment: see _reason)
    rb"|(?=[ \t]+#|[ \t]*\r?$))",  # or end of line or another comment
    re.MULTILINE,
)


def _reason(text: bytes) -> str | None:
    """The reason after `--`, up to another comment (` #`).

    Not done with a lazy group or `[ \t]+#` in a regex: both are quadratic on
    a long run of spaces, and comments come from untrusted files."""
    i = text.find(b"#")
    while i > 0 and text[i - 1] not in b" \t":
        i = text.find(b"#", i + 1)
    if i > 0:
        text = text[:i]
    text = text.strip()
    return text.decode("utf-8", "replace") if text else None


ANNOTATION = "hyperlint.io/ignore"


class Directive(Record):
    """One suppression: a comment, an annotation or resource metadata."""

    __slots__ = ("rules", "loc", "lines", "doc", "prefix", "whole_file", "reason", "used", "kind")

    def __init__(
        self,
        rules: tuple[str, ...],
        loc: Loc,
        lines: tuple[int, ...] = (),
        doc: int | None = None,
        prefix: str | None = None,
        whole_file: bool = False,
        reason: str | None = None,
        used: set | None = None,
        kind: str = "comment",
    ) -> None:
        self.rules = rules
        self.loc = loc  # where the suppression is written
        self.lines = lines  # lines it covers (line directives)
        self.doc = doc  # object/resource scope: document index ...
        self.prefix = prefix  # ... and JSON-pointer prefix
        self.whole_file = whole_file
        self.reason = reason
        self.used = set() if used is None else used
        self.kind = kind  # "comment" | "annotation" | "metadata" | "malformed"

    def covers(self, f: Finding) -> bool:
        if f.rule not in self.rules or f.loc.file != self.loc.file:
            return False
        if self.whole_file:
            return True
        if self.prefix is not None:
            return f.loc.doc == self.doc and (f.loc.pointer == self.prefix or f.loc.pointer.startswith(self.prefix + "/"))
        return f.loc.line in self.lines


def parse_ids(text) -> tuple[str, ...]:
    if isinstance(text, list):
        parts = [scalar_text(t) or "" for t in text]  # never str() of a nested value (alias bombs)
    else:
        parts = re.split(r"[,\s]+", scalar_text(text) or "")
    return tuple(sorted({p.strip().upper() for p in parts if p.strip()}))


def split_reason(text) -> tuple[tuple[str, ...], str | None]:
    """`"HP301, HP304 -- pinned by the capacity block"` -> (IDs, reason)."""
    if isinstance(text, str) and "--" in text:
        ids, _, reason = text.partition("--")
        return parse_ids(ids), reason.strip() or None
    return parse_ids(text), None


def scan_comments(data: bytes, file: str = "", json: bool | None = None) -> list[Directive]:
    """Line directives of a file (its raw bytes; comments are not in the tree).

    JSON has no comments, so a JSON file (by its name, as the parser decides)
    has no directives, whatever its strings contain."""
    if json is None:
        json = file.lower().endswith(".json")
    if json or b"hyperlint:" not in data:
        return []
    from .parse.lines import as_lf
    from .terraform import is_terraform_file

    if not is_terraform_file(file):  # YAML: lines as libyaml counts them (CR, NEL, U+2028 ...), offsets unchanged
        data = as_lf(data)
    found = []
    next_code = 0  # the code line the previous own-line directive covers
    line, counted = 1, 0  # line numbers are counted forward: many directives stay linear
    for mention in _MENTION.finditer(data):
        start = mention.start()
        line_start = data.rfind(b"\n", 0, start) + 1
        line += data.count(b"\n", counted, start)
        counted = start
        loc = Loc(file, line, start - line_start + 1)
        m = _DIRECTIVE.match(data, start)
        if m is None:
            end = data.find(b"\n", start)
            text = data[start:end if end >= 0 else len(data)].rstrip(b"\r").decode("utf-8", "replace")
            found.append(Directive((), loc, kind="malformed", reason=text))
            continue
        reason = _reason(m.group(3)) if m.group(3) else None
        ids = parse_ids(m.group(2).decode())
        if m.group(1) == b"disable-file":
            found.append(Directive(ids, loc, whole_file=True, reason=reason))
            continue
        covered: tuple[int, ...] = (line,)
        if not data[line_start:start].strip():  # alone on its line: the next code line too
            if line >= next_code:  # else: only comments lie between this one and the line found before
                next_code = _next_code_line(data, start, line)
            covered = (line, next_code)
        found.append(Directive(ids, loc, lines=covered, reason=reason))
    return found


def object_directives(unit, doc, file: str) -> list[Directive]:
    """`hyperlint.io/ignore` annotations and CloudFormation `Metadata.hyperlint.ignore`."""
    from .locate import loc_of, pointer

    found = []
    if unit.kind == "k8s":
        obj = unit.value
        notes = obj.metadata.get("annotations")
        if isinstance(notes, dict) and ANNOTATION in notes:
            path = obj.at("metadata", "annotations", ANNOTATION)
            ids, reason = split_reason(notes[ANNOTATION])
            found.append(Directive(ids, loc_of(doc, path, file, obj.identity), doc=doc.index,
                                   prefix=pointer(obj.path), reason=reason, kind="annotation"))
    elif unit.kind == "cfn":
        resources = doc.root.get("Resources")
        for name, res in (resources.items() if isinstance(resources, dict) else ()):
            meta = res.get("Metadata") if isinstance(res, dict) else None
            own = meta.get("hyperlint") if isinstance(meta, dict) else None
            if isinstance(own, dict) and "ignore" in own:
                path = ("Resources", name, "Metadata", "hyperlint", "ignore")
                reason = own.get("reason")
                found.append(Directive(parse_ids(own["ignore"]), loc_of(doc, path, file),
                                       doc=doc.index, prefix=pointer(("Resources", name)),
                                       reason=str(reason) if reason is not None else None, kind="metadata"))
    return found


def _next_code_line(data: bytes, pos: int, line: int) -> int:
    """The first line after ``line`` (1-based, holding offset ``pos``) that is
    not blank or a comment. Scans forward in place: splitting a 100 MB stream
    into lines for one directive tripled the memory it needs."""
    number = line
    end = data.find(b"\n", pos)
    while end >= 0:
        start = end + 1
        number += 1
        end = data.find(b"\n", start)
        text = data[start:end if end >= 0 else len(data)].strip()
        if text and not text.startswith(b"#"):
            return number
    return line + 1


def apply_suppressions(findings: list[Finding], directives: dict[str, list[Directive]], config, ruleset) -> list[Finding]:
    per_file = _PerFileIgnores(config.per_file_ignores or {}, config.source)
    kept = [f for f in findings if not per_file.ignores(f.loc.file, f.rule) and not _suppressed(f, directives)]
    if "HP002" in ruleset:
        kept += [f for f in _unused(directives, ruleset, per_file)
                 if not per_file.ignores(f.loc.file, f.rule) and not _suppressed(f, directives)]
    return kept


def _suppressed(f: Finding, directives: dict[str, list[Directive]]) -> bool:
    hit = False
    for d in directives.get(f.loc.file, ()):
        if d.covers(f):
            d.used.add(f.rule)
            hit = True
    return hit


class _PerFileIgnores:
    """`per-file-ignores`: glob -> rule IDs or prefixes."""

    def __init__(self, table: dict, source: str | None):
        self.table = table
        self.base = os.path.abspath(os.path.dirname(source)) if source else None
        self._names: dict[str, tuple[str, ...]] = {}

    def names(self, file: str) -> tuple[str, ...]:
        """The path as reported, relative to the configuration's folder, and the file name."""
        if file not in self._names:
            names = [file, file.rsplit("/", 1)[-1]]
            if self.base is not None and file != "-":
                try:
                    names.append(os.path.relpath(os.path.abspath(file), self.base).replace(os.sep, "/"))
                except ValueError:  # another drive (Windows)
                    pass
            self._names[file] = tuple(names)
        return self._names[file]

    def ignores(self, file: str, rule: str) -> bool:
        from .rules import matches

        if not self.table:
            return False
        names = self.names(file)
        return any(matches(rule, ids) and any(fnmatch.fnmatch(n, pattern) for n in names)
                   for pattern, ids in self.table.items())


_SYNTAX = "`# hyperlint: disable=HP301[,HP304] [-- reason]` or `# hyperlint: disable-file=HP301`"
_WHAT = {"comment": "suppression", "annotation": "ignore annotation", "metadata": "Metadata ignore"}


def _unused(directives: dict[str, list[Directive]], ruleset, per_file: _PerFileIgnores) -> list[Finding]:
    from .rules import rule_ids

    known = set(rule_ids())
    severity = ruleset.rules["HP002"].severity
    out = []
    for items in directives.values():
        for d in items:
            if d.kind == "malformed":
                out.append(Finding("HP002", severity, f"not a hyperlint directive: {d.reason!r}; write {_SYNTAX}", d.loc))
                continue
            unknown = [r for r in d.rules if r not in known]
            # only rules that ran on this file can prove a suppression stale
            stale = [r for r in d.rules if r in ruleset and r not in d.used and r != "HP002"
                     and not per_file.ignores(d.loc.file, r)]
            if unknown:
                out.append(Finding("HP002", severity, f"suppression names unknown rule(s) {', '.join(unknown)}", d.loc))
            if stale:
                out.append(Finding("HP002", severity,
                                   f"{_WHAT[d.kind]} for {', '.join(stale)} suppressed nothing; remove it", d.loc))
    return out
