"""Which values sets a chart is rendered with, and what a render leaves out.

``specs_for``: ``--values``/``--set`` for a chart named on the command line; else the
renders the configuration lists for the chart (``charts: renders:``); else the chart's
``values.yaml`` and each ``ci/*-values.yaml`` on top of it (the chart-testing convention).
``skip_test_hooks`` blanks the objects annotated ``helm.sh/hook: test`` (``helm test``
pods, never deployed by an install).
"""

from __future__ import annotations

import fnmatch
import os
import re

from ..safe import path_text
from .helm import RenderSpec


def specs_for(chart: str, config) -> list[RenderSpec]:
    """The values sets to render ``chart`` with."""
    options = config.charts or {}
    cli = options.get("command-line") or {}
    if (cli.get("values") or cli.get("set")) and _named(chart, cli.get("paths") or ()):
        values = list(cli.get("values") or ())
        name = ", ".join([*(path_text(v) for v in cli.get("values") or ()), *(f"--set {s}" for s in cli.get("set") or ())])
        return [RenderSpec(name, values, list(cli.get("set") or ()))]
    configured = _configured(chart, options.get("renders") or {}, config.source)
    if configured is not None:
        return [_spec(chart, i, entry) for i, entry in enumerate(configured)]
    specs = [RenderSpec("values.yaml")]
    ci = os.path.join(chart, "ci")
    try:
        names = sorted(n for n in os.listdir(ci) if n.endswith(("-values.yaml", "-values.yml")))
    except OSError:
        names = []
    specs += [RenderSpec(f"ci/{n}", [os.path.join(ci, n)]) for n in names if os.path.isfile(os.path.join(ci, n))]
    return specs


def _named(chart: str, paths) -> bool:
    real = os.path.realpath(chart)
    return any(os.path.realpath(p) == real for p in paths)


def _configured(chart: str, renders: dict, source: str | None):
    real = os.path.realpath(chart)
    base = os.path.dirname(os.path.abspath(source)) if source else os.getcwd()
    for key, entries in renders.items():
        if os.path.realpath(os.path.join(base, key)) == real or os.path.realpath(key) == real \
                or fnmatch.fnmatch(chart, key):
            return entries
    return None


def _spec(chart: str, index: int, entry: dict) -> RenderSpec:
    values = [os.path.join(chart, v) for v in entry.get("values") or ()]
    name = entry.get("name") or ", ".join(entry.get("values") or ()) or f"render {index + 1}"
    return RenderSpec(name, values, list(entry.get("set") or ()), entry.get("release-name") or "release-name",
                      entry.get("namespace") or "default", entry.get("kube-version"))


_TEST_HOOK = re.compile(r"^(test|test-success|test-failure)$")


def skip_test_hooks(text: str) -> str:
    """``text`` with the documents of ``helm.sh/hook: test`` objects blanked (lines kept)."""
    if "helm.sh/hook" not in text:
        return text
    from ..parse import Document, parse_source

    lines = text.split("\n")
    for doc in parse_source(text.encode("utf-8")):
        if not isinstance(doc, Document) or not isinstance(doc.root, dict):
            continue
        meta = doc.root.get("metadata")
        notes = meta.get("annotations") if isinstance(meta, dict) else None
        hook = notes.get("helm.sh/hook") if isinstance(notes, dict) else None
        if isinstance(hook, str) and any(_TEST_HOOK.match(h.strip()) for h in hook.split(",")):
            for k in range(doc.start_line, min(doc.end_line, len(lines) - 1) + 1):
                if not lines[k].startswith("---"):
                    lines[k] = ""
    return "\n".join(lines)
