"""A chart folder as Helm sees it: template names -> files, subcharts, values.

Helm names a rendered template ``<chart>/templates/x.yaml`` and a subchart's
``<chart>/charts/<subchart>/templates/x.yaml`` (the subchart's name, or the
alias its parent's ``Chart.yaml`` gives it), whatever the folders are called.
``ChartLayout`` turns those names back into files on disk, and says which
values keys a subchart's ``.Values`` come from (``<subchart>.`` in its
parents' values, then its own ``values.yaml``).
"""

from __future__ import annotations

import os

from ..parse import Document, decode, parse_source
from ..safe import path_text


def read_yaml(path: str) -> Document | None:
    """The first document of a YAML file (positions included), or None."""
    try:
        with open(path, "rb") as fh:
            data, problem = decode(fh.read())
    except OSError:
        return None
    if problem is not None:
        return None
    for item in parse_source(data):
        return item if isinstance(item, Document) else None
    return None


def display_in(chart: str, display: str, path: str) -> str:
    """The name of a file inside the chart folder: the chart's display name + its relative path."""
    try:
        rel = os.path.relpath(path, chart)
    except ValueError:
        return path_text(path)
    if rel.startswith(".."):
        return path_text(os.path.normpath(path))
    rel = rel.replace(os.sep, "/")
    return path_text(rel) if display in (".", "") else f"{display}/{path_text(rel)}"


class Subchart:
    """A chart or subchart folder on disk."""

    __slots__ = ("folder", "name", "prefix", "scope", "templates", "values_file")

    def __init__(self, name: str, folder: str, prefix: str, scope: tuple) -> None:
        self.name = name  # the name Helm uses (alias included)
        self.folder = folder  # path on disk
        self.prefix = prefix  # `root/charts/sub` (template names start with it)
        self.scope = scope  # values keys from the root chart's values to this chart's (`("sub",)`)
        self.values_file = os.path.join(folder, "values.yaml")
        self.templates: dict[str, str] = {}  # template name -> file path


class ChartLayout:
    """Every chart and local subchart of a chart folder, and its template files."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        meta = read_yaml(os.path.join(folder, "Chart.yaml"))
        root = meta.root if meta is not None and isinstance(meta.root, dict) else {}
        self.name = str(root.get("name") or os.path.basename(os.path.abspath(folder)))
        self.declared = [d for d in root.get("dependencies") or () if isinstance(d, dict) and d.get("name")]
        self.library = root.get("type") == "library"  # helpers for other charts: nothing to install or render
        self.charts: list[Subchart] = []
        self.archived: list[str] = []  # subcharts vendored as .tgz (no files to point at)
        self.linked: dict[str, str] = {}  # `file://` dependencies outside charts/: name -> folder
        self._add(Subchart(self.name, folder, self.name, ()), root, 0)
        self._link_local_dependencies()
        self.by_template = {name: (c, path) for c in self.charts for name, path in c.templates.items()}

    def _add(self, chart: Subchart, meta: dict, depth: int) -> None:
        self.charts.append(chart)
        templates = os.path.join(chart.folder, "templates")
        for dirpath, dirnames, filenames in os.walk(templates):
            dirnames.sort()
            for fname in sorted(filenames):
                path = os.path.join(dirpath, fname)
                rel = os.path.relpath(path, templates).replace(os.sep, "/")
                chart.templates[f"{chart.prefix}/templates/{rel}"] = path
        if depth > 10:
            return
        aliases: dict[str, str] = {}
        for d in meta.get("dependencies") or ():
            if isinstance(d, dict) and d.get("name") and d.get("alias"):
                aliases.setdefault(str(d["name"]), str(d["alias"]))
        sub = os.path.join(chart.folder, "charts")
        try:
            entries = sorted(os.listdir(sub))
        except OSError:
            return
        packed = [e[:-4].rsplit("-", 1)[0] for e in entries if e.endswith(".tgz")]
        self.archived += packed
        for entry in entries:
            path = os.path.join(sub, entry)
            if entry.endswith(".tgz"):
                continue
            doc = read_yaml(os.path.join(path, "Chart.yaml"))
            if doc is None or not isinstance(doc.root, dict):
                continue
            name = str(doc.root.get("name") or entry)
            if name in packed:  # also packed: Helm renders the archive, so the folder's files are not its source
                continue
            name = aliases.get(name, name)
            self._add(Subchart(name, path, f"{chart.prefix}/charts/{name}", chart.scope + (name,)), doc.root,
                      depth + 1)

    def _link_local_dependencies(self) -> None:
        """`file://` dependencies that are not vendored under charts/ but exist on disk:
        rendered from where they are (as `helm dependency build` would copy them)."""
        present = {c.name for c in self.charts[1:] if len(c.scope) == 1} | set(self.archived)
        for d in self.declared:
            repo = str(d.get("repository") or "")
            name = str(d.get("alias") or d["name"])
            if not repo.startswith("file://") or name in present or str(d["name"]) in present:
                continue
            path = os.path.normpath(os.path.join(self.folder, repo[len("file://"):]))
            doc = read_yaml(os.path.join(path, "Chart.yaml"))
            if doc is None or not isinstance(doc.root, dict):
                continue
            self.linked[name] = path
            self._add(Subchart(name, path, f"{self.name}/charts/{name}", (name,)), doc.root, 1)
            present.add(name)

    def file_of(self, template: str) -> tuple[Subchart, str] | None:
        """(chart, file path) of a template name Helm reports, or None (a .tgz subchart)."""
        return self.by_template.get(template)

    def missing_dependencies(self, values: dict | None) -> list[str]:
        """Dependencies ``Chart.yaml`` declares that are not in ``charts/`` and
        whose condition is not false in ``values`` (they render without them)."""
        present = {c.name for c in self.charts[1:] if c.scope and len(c.scope) == 1}
        present |= set(self.archived)
        out = []
        for d in self.declared:
            name = str(d["name"])
            if name in present or str(d.get("alias") or "") in present:
                continue
            if _condition_false(d.get("condition"), values):
                continue
            out.append(name)
        return out

    def charts_on(self, scope: tuple) -> list[Subchart]:
        """The charts from the root down to the one at ``scope`` (the root: ``()``)."""
        out = []
        for depth in range(len(scope) + 1):
            chart = next((c for c in self.charts if c.scope == tuple(scope[:depth])), None)
            if chart is None:
                break
            out.append(chart)
        return out


def _condition_false(condition, values) -> bool:
    if not isinstance(condition, str) or not isinstance(values, dict):
        return False
    for path in condition.split(","):
        node: object = values
        for key in path.strip().split("."):
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, bool):
            return node is False
    return False
