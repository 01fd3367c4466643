"""A chart Helm cannot render, as one HP001 finding at the place to fix.

``error_finding`` points at the template line Helm names, else at the values key a
``values.schema.json`` error names, else at the broken line of a values file Helm cannot
load, else at the chart's ``Chart.yaml``. A chart that stops on its own default values
(``required``, ``fail``, a nil pointer, an incomplete schema: ``needs_values``) is not a bug but a render to
configure: its finding is info, with ``NEEDS_VALUES`` saying how.
"""

from __future__ import annotations

import os
import re

from ..findings import Finding, Loc
from ..safe import printable
from .chart import display_in

NEEDS_VALUES = ("; info only: the chart does not render with its default values alone; give hyperlint the values it "
                "is installed with (a ci/*-values.yaml in the chart, or renders under `charts:` in the configuration)")


def needs_values(message: str) -> bool:
    """A template that ran and stopped on its values (`required`, `fail`, a nil pointer, a
    missing key), or values its own schema requires more of, as opposed to a template Helm
    cannot parse or a values file it cannot load."""
    return any(sign in message for sign in ("execution error", "executing", "error calling required",
                                            "error calling fail", "don't meet the specifications of the schema"))


def error_finding(state, error) -> Finding:
    """The HP001 finding of a failed render (``state``: its ``charts.RenderState``)."""
    found = state.layout.file_of(error.template) if error.template else None
    if found is not None:
        loc = Loc(display_in(state.chart, state.display, found[1]), max(error.line, 1), max(error.column, 1))
    else:
        loc = _schema_error_loc(state, error.message) or _values_error_loc(state, error.message) or \
            Loc(display_in(state.chart, state.display, os.path.join(state.chart, "Chart.yaml")), 1, 1)
    return Finding("HP001", "error", printable(f"Helm cannot render the chart: {error.message}"), loc)


def _values_error_loc(state, message: str) -> Loc | None:
    """Where a values file Helm cannot load (`cannot load values.yaml: ... yaml: ...`)
    is broken, as hyperlint's own YAML reader finds it; None when it finds nothing."""
    if "values" not in message or "yaml" not in message.lower():
        return None
    from ..parse import Document, ParseProblem, decode, parse_source

    for path in [*state.spec.values, state.layout.charts[0].values_file]:
        name = os.path.basename(path)
        if name not in message:
            continue
        try:
            with open(path, "rb") as fh:
                data, problem = decode(fh.read())
        except OSError:
            continue
        problems = [problem] if problem is not None else []
        for item in parse_source(data) if problem is None else ():
            problems += [item] if isinstance(item, ParseProblem) else item.problems if isinstance(item, Document) \
                else []
        if problems:
            p = problems[0]
            return Loc(display_in(state.chart, state.display, path), max(p.line, 0) + 1, max(p.col, 0) + 1)
    return None


_SCHEMA_AT = re.compile(r"values don't meet the specifications of the schema.*? at '(/[^']*)'")


def _schema_error_loc(state, message: str) -> Loc | None:
    """The values key a values.schema.json error names (`at '/replicas'`), in the
    values file that sets it last; None when it names no key a values file sets."""
    m = _SCHEMA_AT.search(message)
    if m is None:
        return None
    from ..locate import locate
    from .chart import read_yaml
    from .sourcemap import MISSING, value_at

    for path in [*reversed(state.spec.values), state.layout.charts[0].values_file]:
        doc = read_yaml(path)
        if doc is None:
            continue
        value, steps = value_at(doc, m.group(1))
        if value is not MISSING and steps:
            span = locate(doc, steps)
            return Loc(display_in(state.chart, state.display, path), span.line, span.column, span.end_line,
                       span.end_column)
    return None
