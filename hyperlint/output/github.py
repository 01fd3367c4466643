"""GitHub Actions workflow commands: one annotation per finding.

``::error file=k8s/job.yaml,line=13,col=47,endLine=13,endColumn=58,title=HP301 instance-type-without-ml-prefix::message``

error -> ``::error``, warning -> ``::warning``, info -> ``::notice``. Data is
escaped as the Actions toolkit does (``%``, CR, LF), properties also escape
``:`` and ``,``. A plain summary line follows for the log. GitHub resolves
``file=`` from the repository root, so inside ``$GITHUB_WORKSPACE`` paths are
given relative to it (a step may run in a subdirectory).

GitHub shows at most 10 annotations of each level per step and drops the
rest without a word. So each level gets at most ``budget`` (10)
annotations, errors before warnings before notices, each in the report's
order; the others are printed as plain log lines after
``hyperlint: N more in the job summary and code scanning``, so nothing is lost.
"""

from __future__ import annotations

import os

from . import relative_path
from .text import described, summary

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
ANNOTATIONS_PER_LEVEL = 10  # what GitHub shows of each level (error, warning, notice) per step


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(file: str) -> str:
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and file != "-":
        try:
            rel = os.path.relpath(os.path.abspath(file), os.path.abspath(workspace))
        except ValueError:  # another drive (Windows)
            rel = os.pardir
        if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
            return rel.replace(os.sep, "/")
    return relative_path(file)


def annotation(f) -> str:
    from ..rules import get

    loc = f.loc
    props = [("file", workspace_path(loc.file)), ("line", loc.line), ("col", loc.column)]
    if loc.end_line is not None:
        props.append(("endLine", loc.end_line))
        if loc.end_column is not None:
            props.append(("endColumn", loc.end_column))
    rule = get(f.rule)
    props.append(("title", f"{f.rule} {rule.name}" if rule else f.rule))
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in props)
    return f"::{COMMAND[f.severity]} {fields}::{escape_data(described(f))}"


def render(result, out, budget: int | None = ANNOTATIONS_PER_LEVEL, **_options) -> None:
    from collections import Counter

    from ..findings import RANK
    from .text import format_finding

    shown: Counter = Counter()
    rest = []
    ordered = result.findings if budget is None else sorted(result.findings, key=lambda f: -RANK[f.severity])
    for f in ordered:
        if budget is not None and shown[f.severity] >= budget:
            rest.append(f)
            continue
        shown[f.severity] += 1
        out.write(annotation(f) + "\n")
    if rest:
        out.write(f"hyperlint: {len(rest)} more in the job summary and code scanning (GitHub shows {budget} "
                  "annotations of each level):\n")
        for f in rest:
            out.write(format_finding(f) + "\n")
    out.write(summary(result) + "\n")
