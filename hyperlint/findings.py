"""Findings: what rules report and what every output format renders.

A rule yields a ``Hit``: a path inside the document plus a message. The engine
turns it into a ``Finding`` by adding the rule, severity, file, position
(through ``hyperlint.locate``), object identity and Helm template.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

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


@dataclass(frozen=True, slots=True)
class Loc:
    """A resolved place in a file, with the object it belongs to."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    pointer: str = ""
    object: tuple | None = None  # (kind, namespace, name)
    source: str | None = None  # Helm template from `# Source:`
    doc: int | None = None  # document index in the file

    def describe(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class Finding:
    """A rule's report, with its resolved location."""

    rule: str
    severity: str
    message: str
    loc: Loc
    facts: dict | None = field(default=None, compare=False)
    related: tuple = ()  # further Locs (e.g. the parameter a !Ref resolved to)

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
        return replace(self, **changes)

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
