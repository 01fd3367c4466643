"""Findings: what rules report and what every output format renders.

A rule yields a ``Hit``: a path inside the document plus a message. The engine
turns it into a ``Finding`` by adding the rule, severity, file, position
(through ``hyperlint.locate``), object identity and Helm template.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .record import Record, Value

SEVERITIES = ("error", "warning", "info")
RANK = {"info": 1, "warning": 2, "error": 3}


class Hit(NamedTuple):
    """What a document-level rule reports."""

    path: tuple
    message: str
    severity: str | None = None  # None: the rule's default
    key: bool = False  # point at the mapping key instead of the value
    facts: dict | None = None  # data for the rule's `refine(finding, run)`
    rule: str | None = None  # report under another rule (HP003: a value could not be judged)
    related: tuple = ()  # paths of other places that explain the finding (the !Ref, the route ...)


class RunHit(NamedTuple):
    """What a run-level rule reports: a place already resolved (from the run model)."""

    loc: "Loc"
    message: str
    severity: str | None = None
    related: tuple = ()  # further Locs


class Loc(Value):
    """A resolved place in a file, with the object it belongs to."""

    __slots__ = ("file", "line", "column", "end_line", "end_column", "pointer", "object", "source", "doc")

    def __init__(
        self,
        file: str,
        line: int,
        column: int,
        end_line: int | None = None,
        end_column: int | None = None,
        pointer: str = "",
        object: tuple | None = None,
        source: str | None = None,
        doc: int | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.pointer = pointer
        self.object = object  # (kind, namespace, name)
        self.source = source  # Helm template from `# Source:`
        self.doc = doc  # document index in the file

    def describe(self) -> str:
        return f"{self.file}:{self.line}"


class Finding(Record):
    """A rule's report, with its resolved location."""

    __slots__ = ("rule", "severity", "message", "loc", "facts", "related")
    _quiet = ("facts",)

    def __init__(
        self,
        rule: str,
        severity: str,
        message: str,
        loc: Loc,
        facts: dict | None = None,
        related: tuple = (),
    ) -> None:
        self.rule = rule
        self.severity = severity
        self.message = message
        self.loc = loc
        self.facts = facts
        self.related = related  # further Locs (e.g. the parameter a !Ref resolved to)

    # flat accessors used by formatters
    @property
    def file(self) -> str:
        return self.loc.file

    @property
    def line(self) -> int:
        return self.loc.line

    @property
    def column(self) -> int:
        return self.loc.column

    def sort_key(self):
        return (self.loc.file, self.loc.line, self.loc.column, self.rule, self.message)

    def with_(self, **changes) -> "Finding":
        return self.replace(**changes)

    def object_dict(self) -> dict[str, Any] | None:
        if not self.loc.object:
            return None
        kind, namespace, name = self.loc.object
        return {"kind": kind, "namespace": namespace, "name": name}

    def object_label(self) -> str | None:
        if not self.loc.object:
            return None
        kind, namespace, name = self.loc.object
        ident = f"{namespace}/{name}" if namespace else (name or "")
        return f"{kind} {ident}".strip()

    def to_dict(self) -> dict[str, Any]:
        loc = self.loc
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "end_line": loc.end_line,
            "end_column": loc.end_column,
            "pointer": loc.pointer,
            "object": self.object_dict(),
            "source": loc.source,
        }
        if self.related:
            out["related"] = [
                {"file": r.file, "line": r.line, "column": r.column, "pointer": r.pointer} for r in self.related
            ]
        return out
