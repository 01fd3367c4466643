"""Suppress: the ways users silence findings, and HP002 for stale ones.

- a comment ``# hyperlint: disable=HP301,HP304 -- reason`` on the offending
  line, or on its own line just above it (works in manifests, Helm
  templates and CloudFormation YAML); ``# hyperlint: disable-file=HP301``
  anywhere silences the rule for the whole file;
- the annotation ``hyperlint.io/ignore: "HP301,HP304"`` on a Kubernetes
  object (its pod templates included);
- ``Metadata: {hyperlint: {ignore: [HP201]}}`` on a CloudFormation resource;
- ``per-file-ignores`` in the configuration (glob -> rule IDs or prefixes).

Rules never see any of this. A suppression that silences nothing is itself
reported (HP002), for the rules that ran.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from .findings import Finding, Loc

_DIRECTIVE = re.compile(
    rb"#[ \t]*hyperlint:[ \t]*(disable|disable-file)[ \t]*=[ \t]*"
    rb"([A-Za-z0-9]+(?:[ \t]*,[ \t]*[A-Za-z0-9]+)*)"  # rule IDs
    rb"(?:[ \t]+--[ \t]*([^\r\n]*?))?"  # -- reason
    rb"(?=[ \t]+#|[ \t]*\r?$)",  # end of line or another comment
    re.MULTILINE,
)
ANNOTATION = "hyperlint.io/ignore"


@dataclass
class Directive:
    """One suppression: a comment, an annotation or resource metadata."""

    rules: tuple[str, ...]
    loc: Loc  # where the suppression is written
    lines: tuple[int, ...] = ()  # lines it covers (line directives)
    doc: int | None = None  # object/resource scope: document index ...
    prefix: str | None = None  # ... and JSON-pointer prefix
    whole_file: bool = False
    reason: str | None = None
    used: set = field(default_factory=set)

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
        parts = [str(t) for t in text]
    else:
        parts = re.split(r"[,\s]+", str(text))
    return tuple(sorted({p.strip().upper() for p in parts if p.strip()}))


def scan_comments(data: bytes, file: str = "") -> list[Directive]:
    """Line directives of a file (its raw bytes; comments are not in the tree)."""
    if b"hyperlint:" not in data:
        return []
    found = []
    lines = None
    for m in _DIRECTIVE.finditer(data):
        line_start = data.rfind(b"\n", 0, m.start()) + 1
        line = data.count(b"\n", 0, m.start()) + 1
        col = m.start() - line_start + 1
        own_line = not data[line_start:m.start()].strip()
        loc = Loc(file, line, col)
        reason = m.group(3).decode("utf-8", "replace").strip() if m.group(3) else None
        ids = parse_ids(m.group(2).decode())
        if m.group(1) == b"disable-file":
            found.append(Directive(ids, loc, whole_file=True, reason=reason))
            continue
        covered = (line,)
        if own_line:
            if lines is None:
                lines = data.split(b"\n")
            covered = (line, _next_code_line(lines, line))
        found.append(Directive(ids, loc, lines=covered, reason=reason))
    return found


def object_directives(unit, doc, file: str) -> list[Directive]:
    """`hyperlint.io/ignore` annotations and CloudFormation `Metadata.hyperlint.ignore`."""
    from .engine import loc_of
    from .locate import pointer

    found = []
    if unit.kind == "k8s":
        obj = unit.value
        notes = obj.metadata.get("annotations")
        if isinstance(notes, dict) and ANNOTATION in notes:
            path = obj.at("metadata", "annotations", ANNOTATION)
            found.append(Directive(parse_ids(notes[ANNOTATION]), loc_of(doc, path, file, obj.identity),
                                   doc=doc.index, prefix=pointer(obj.path)))
    elif unit.kind == "cfn":
        resources = doc.root.get("Resources")
        for name, res in (resources.items() if isinstance(resources, dict) else ()):
            meta = res.get("Metadata") if isinstance(res, dict) else None
            own = meta.get("hyperlint") if isinstance(meta, dict) else None
            if isinstance(own, dict) and "ignore" in own:
                path = ("Resources", name, "Metadata", "hyperlint", "ignore")
                found.append(Directive(parse_ids(own["ignore"]), loc_of(doc, path, file),
                                       doc=doc.index, prefix=pointer(("Resources", name))))
    return found


def _next_code_line(lines: list[bytes], line: int) -> int:
    """The first line after ``line`` (1-based) that is not blank or a comment."""
    for i in range(line, len(lines)):
        text = lines[i].strip()
        if text and not text.startswith(b"#"):
            return i + 1
    return line + 1


def apply_suppressions(findings: list[Finding], directives: dict[str, list[Directive]], config, ruleset) -> list[Finding]:
    kept = []
    per_file = config.per_file_ignores or {}
    for f in findings:
        if _ignored_for_file(f, per_file):
            continue
        hit = False
        for d in directives.get(f.loc.file, ()):
            if d.covers(f):
                d.used.add(f.rule)
                hit = True
        if not hit:
            kept.append(f)
    if "HP002" in ruleset:
        kept += _unused(directives, ruleset)
    return kept


def _ignored_for_file(f: Finding, per_file: dict) -> bool:
    from .rules import matches

    for pattern, ids in per_file.items():
        if fnmatch.fnmatch(f.loc.file, pattern) or fnmatch.fnmatch(f.loc.file.rsplit("/", 1)[-1], pattern):
            if matches(f.rule, ids):
                return True
    return False


def _unused(directives: dict[str, list[Directive]], ruleset) -> list[Finding]:
    from .rules import all_rules

    known = all_rules()
    severity = ruleset.rules["HP002"].severity
    out = []
    for items in directives.values():
        for d in items:
            unknown = [r for r in d.rules if r not in known]
            stale = [r for r in d.rules if r in ruleset and r not in d.used and r != "HP002"]
            if unknown:
                out.append(Finding("HP002", severity, f"suppression names unknown rule(s) {', '.join(unknown)}", d.loc))
            if stale:
                what = "suppression" if d.prefix is None else "ignore annotation"
                out.append(Finding("HP002", severity,
                                   f"{what} for {', '.join(stale)} suppressed nothing; remove it", d.loc))
    return out
