"""Renderers: one values set of a chart -> each template's rendered text.

In order of preference:

- ``helm``: the ``helm`` binary on ``PATH`` (``helm template``), run without
  a shell, with ``--dependency-update`` never given, so it reads only the
  chart folder;
- ``python``: Helm's own Go SDK bundled by ``helm-python-sdk`` (import name
  ``helm_python``; ``pip install 'hyperlint[helm]'``), imported only here and
  only when a chart is rendered. It renders in memory: ``lookup`` returns
  nothing and DNS lookups are off, so no network call is ever made.

Dependencies a chart declares but does not vendor under ``charts/`` are left
out (the binary would refuse the chart; a copy with them removed from
``Chart.yaml`` is rendered instead), with a note. A failed render is a
``RenderError`` naming the template and line Helm names, when it names one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile

from ..record import Record

RENDERERS = ("helm", "python")
TIMEOUT = 120  # seconds for one render (`helm template`, or the SDK's call)
# `template: chart/templates/x.yaml:12:5: executing ...`, `parse error at (chart/templates/x.yaml:12): ...`
_WHERE = re.compile(r"([A-Za-z0-9_.\-/]+?\.(?:ya?ml|tpl|txt|json)):(\d+)(?::(\d+))?")


class RenderSpec(Record):
    """One values set of a chart: how to render it."""

    __slots__ = ("kube_version", "name", "namespace", "release", "set", "values")

    def __init__(self, name: str, values: list[str] | None = None, set: list[str] | None = None,
                 release: str = "release-name", namespace: str = "default", kube_version: str | None = None) -> None:
        self.name = name  # shown in findings (`values.yaml`, `ci/gpu-values.yaml`)
        self.values = [] if values is None else values  # values files (paths), after the chart's values.yaml
        self.set = [] if set is None else set  # `key=value` (helm --set)
        self.release = release
        self.namespace = namespace
        self.kube_version = kube_version


class RenderError(Record):
    """Helm refused to render: its message, and the template and line it names."""

    __slots__ = ("column", "line", "message", "template")

    def __init__(self, message: str, template: str | None = None, line: int = 1, column: int = 1) -> None:
        self.message = message
        self.template = template  # a template name (`chart/templates/x.yaml`) or None
        self.line = line  # 1-based
        self.column = column


class Rendered(Record):
    """Each template's rendered text (template name -> text), or the error."""

    __slots__ = ("error", "templates")

    def __init__(self, templates: dict[str, str] | None = None, error: RenderError | None = None) -> None:
        self.templates = {} if templates is None else templates
        self.error = error


def available(preference: str = "auto") -> str | None:
    """The renderer to use: ``helm``, ``python`` or None (neither is installed)."""
    if preference in ("auto", "helm") and shutil.which("helm"):
        return "helm"
    if preference in ("auto", "python") and _sdk_installed():
        return "python"
    return None


def _sdk_installed() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("helm_python") is not None
    except (ImportError, ValueError):
        return False


def no_renderer_hint(chart: str) -> str:
    return (f"{chart}: Helm chart not rendered, so not linted: no renderer; install the helm binary "
            f"(https://helm.sh/docs/intro/install/) or helm-python-sdk (pip install 'hyperlint[helm]'), "
            f"or lint its output: helm template {chart} | hyperlint check -")


def error_from(message: str) -> RenderError:
    """A RenderError from Helm's message: the first `file:line[:col]` it names."""
    message = " ".join(message.replace("Error: ", "", 1).split())
    m = _WHERE.search(message)
    if m is None:
        return RenderError(message)
    return RenderError(message, m.group(1), int(m.group(2)), int(m.group(3) or 1))


def user_values(spec: RenderSpec, sdk=None) -> dict:
    """The values a render is given on top of the chart's: the values files in
    order, then ``set`` (Helm's merge: mappings merge, anything else replaces)."""
    merged: dict = {}
    for path in spec.values:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        values = sdk.values_from_yaml(text) if sdk is not None else _plain_yaml(text)
        merge_maps(merged, values if isinstance(values, dict) else {})
    for expression in spec.set:
        merge_maps(merged, sdk.parse_set_string(expression) if sdk is not None else parse_set(expression))
    return merged


def _plain_yaml(text: str):
    from ..parse import Document, parse_source

    for item in parse_source(text.encode("utf-8")):
        return item.root if isinstance(item, Document) else {}
    return {}


def merge_maps(dst: dict, src: dict) -> dict:
    for key, value in src.items():
        if isinstance(value, dict) and isinstance(dst.get(key), dict):
            merge_maps(dst[key], value)
        else:
            dst[key] = value
    return dst


def parse_set(expression: str) -> dict:
    """``a.b=1,c=x`` as Helm's --set reads it, for the common forms (dotted keys,
    ``\\.`` in a key, numbers, booleans, null; lists are kept as text)."""
    out: dict = {}
    for part in re.split(r"(?<!\\),", expression):
        key, sep, raw = part.partition("=")
        if not sep or not key:
            continue
        keys = [k.replace("\\.", ".") for k in re.split(r"(?<!\\)\.", key)]
        node = out
        for k in keys[:-1]:
            node = node.setdefault(k, {}) if isinstance(node.get(k), dict) or k not in node else {}
        node[keys[-1]] = _typed(raw)
    return out


def _typed(raw: str):
    if raw in ("true", "false"):
        return raw == "true"
    if raw == "null":
        return None
    if re.fullmatch(r"-?(0|[1-9][0-9]*)", raw):
        return int(raw)
    return raw


def render(folder: str, spec: RenderSpec, renderer: str, omit=(), templates: dict | None = None,
           linked: dict | None = None) -> Rendered:
    """Render the chart in ``folder`` with ``spec``; ``omit``: declared dependencies
    that are not vendored; ``templates``: template files (path -> text) to use
    instead of those on disk (the instrumented copy of the source map);
    ``linked``: `file://` dependencies outside charts/ (name -> folder), added
    under charts/ as `helm dependency build` would."""
    templates = templates or {}
    linked = linked or {}
    try:
        if (templates or linked) and renderer == "python":  # in memory: no copy of the chart on disk
            return _render_sdk(folder, spec, archive=_archive(folder, templates, linked))
        if templates or linked or (omit and renderer == "helm"):
            with tempfile.TemporaryDirectory(prefix="hyperlint-chart-") as tmp:
                copy = _copy(folder, tmp, templates, omit if renderer == "helm" else (), linked)
                return _render(copy, spec, renderer)
        return _render(folder, spec, renderer)
    except OSError as exc:
        return Rendered(error=RenderError(f"cannot render the chart ({exc.strerror or exc})"))


def _render(folder: str, spec: RenderSpec, renderer: str) -> Rendered:
    return _render_binary(folder, spec) if renderer == "helm" else _render_sdk(folder, spec)


def _archive(folder: str, templates: dict, linked: dict) -> bytes:
    """The chart as a .tgz in memory, with ``templates`` (path -> text) in place of
    those files and the ``linked`` charts under charts/."""
    import io
    import tarfile

    replaced = {os.path.abspath(p): text.encode("utf-8") for p, text in templates.items()}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        trees = [(os.path.abspath(folder), "chart")]
        trees += [(os.path.abspath(path), f"chart/charts/{name}") for name, path in linked.items()]
        for root, prefix in trees:
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d != ".git")
                for name in sorted(filenames):
                    path = os.path.join(dirpath, name)
                    data = replaced.get(path)
                    if data is None:
                        if not os.path.isfile(path):
                            continue
                        with open(path, "rb") as fh:
                            data = fh.read()
                    info = tarfile.TarInfo(f"{prefix}/" + os.path.relpath(path, root).replace(os.sep, "/"))
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _copy(folder: str, tmp: str, templates: dict, omit, linked: dict) -> str:
    dest = os.path.join(tmp, "chart")
    shutil.copytree(folder, dest, symlinks=False, ignore=shutil.ignore_patterns(".git"))
    roots = [(os.path.abspath(folder), dest)]
    for name, path in linked.items():
        target = os.path.join(dest, "charts", name)
        shutil.copytree(path, target, symlinks=False, ignore=shutil.ignore_patterns(".git"))
        roots.append((os.path.abspath(path), target))
    for path, text in templates.items():
        full = os.path.abspath(path)
        root, target = next(((r, t) for r, t in roots[1:] if full.startswith(r + os.sep)), roots[0])
        with open(os.path.join(target, os.path.relpath(full, root)), "w", encoding="utf-8") as fh:
            fh.write(text)
    if omit:
        from .chart import read_yaml

        meta = read_yaml(os.path.join(folder, "Chart.yaml"))
        if meta is not None and isinstance(meta.root, dict):
            root_meta = dict(meta.root)
            root_meta["dependencies"] = [d for d in root_meta.get("dependencies") or ()
                                         if not (isinstance(d, dict) and d.get("name") in omit)]
            with open(os.path.join(dest, "Chart.yaml"), "w", encoding="utf-8") as fh:
                json.dump(root_meta, fh, default=str)  # JSON is YAML: nothing to re-serialise
            lock = os.path.join(dest, "Chart.lock")
            if os.path.exists(lock):
                os.unlink(lock)
    return dest


# -- the Go SDK (helm-python-sdk) --------------------------------------------------------

def _render_sdk(folder: str, spec: RenderSpec, archive: bytes | None = None) -> Rendered:
    import helm_python as sdk
    from helm_python import _native

    try:
        values = user_values(spec, sdk)
    except (sdk.HelmError, OSError, UnicodeDecodeError) as exc:
        return Rendered(error=error_from(f"values: {exc}"))
    try:
        chart = sdk.Chart.load(folder) if archive is None else sdk.Chart.load_archive(archive)
    except sdk.HelmError as exc:
        return Rendered(error=error_from(str(exc)))
    options = {"name": spec.release, "namespace": spec.namespace, "is_install": True}
    if spec.kube_version:
        options["kube_version"] = spec.kube_version
    # Chart.render() has no kube_version; the library's own call takes it. The call runs in a
    # thread (it releases the interpreter lock) so that a template that renders for ever (`range
    # until 1000000000`) costs TIMEOUT seconds, not the run; such a render is left behind.
    outcome: list = []

    def call():
        try:
            outcome.append(_native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(options)))
        except Exception as exc:  # HelmError (a render error), or anything the binding raises
            outcome.append(exc)

    import threading

    worker = threading.Thread(target=call, name="hyperlint-helm-render", daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if not outcome:  # still running: the chart handle stays open for it
        return Rendered(error=RenderError(f"Helm did not finish rendering in {TIMEOUT} s"))
    chart.close()
    if isinstance(outcome[0], sdk.HelmError):
        return Rendered(error=error_from(str(outcome[0])))
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return Rendered(_without_notes(json.loads(outcome[0])))


def _without_notes(templates: dict) -> dict:
    return {name: text for name, text in templates.items()
            if isinstance(text, str) and not name.endswith("/NOTES.txt") and text.strip()}


# -- the helm binary -----------------------------------------------------------------------

_SOURCE = re.compile(r"^# Source: (.+?)[ \t\r]*$", re.MULTILINE)


def _render_binary(folder: str, spec: RenderSpec) -> Rendered:
    # absolute paths: a folder or file named `-x` is never read as an option
    cmd = [shutil.which("helm") or "helm", "template", spec.release, os.path.abspath(folder),
           f"--namespace={spec.namespace}"]  # `--flag=value`: a value is never read as an option
    cmd += [f"--values={os.path.abspath(path)}" for path in spec.values]
    cmd += [f"--set={expression}" for expression in spec.set]
    if spec.kube_version:
        cmd.append(f"--kube-version={spec.kube_version}")
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return Rendered(error=RenderError(f"helm template did not finish in {TIMEOUT} s"))
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        lines = [ln for ln in err.splitlines() if ln.startswith("Error")] or err.splitlines()[-1:] or ["(no message)"]
        return Rendered(error=error_from(lines[0]))
    return Rendered(split_stream(proc.stdout.decode("utf-8", "replace")))


def split_stream(text: str) -> dict[str, str]:
    """`helm template` output -> template name -> its documents, in output order.

    Helm sorts documents by kind, so a template's documents may be apart in the
    stream; they are joined in the order they came (a render and its
    instrumented twin are sorted alike, so their lines still pair up)."""
    out: dict[str, list[str]] = {}
    matches = list(_SOURCE.finditer(text))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[m.end() + 1:end]
        if i + 1 < len(matches) and body.endswith("---\n"):
            body = body[:-4]
        out.setdefault(m.group(1), []).append(body)
    return {name: "---\n".join(parts) for name, parts in out.items() if "".join(parts).strip()}
