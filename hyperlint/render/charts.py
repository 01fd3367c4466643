"""The pipeline hook for Helm charts: renders in, mapped findings out.

``prepare`` renders every values set of every chart a walk found (the
chart's ``values.yaml``; each ``ci/*-values.yaml`` on top of it, the
chart-testing convention; or the renders the configuration lists for the
chart; or ``--values``/``--set`` for a chart named on the command line:
``valuesets``) and
turns each rendered template into an input named by the template's file, so
the rules, the run model and scopes see a chart's objects in the chart's
folder (the run model counts each chart once, with its first values set:
values sets are alternatives, not more of the chart). ``finish`` moves each
finding in rendered text to the template line or values key that produced it
(``sourcemap``), names its render, and reports a finding that several renders
share once, naming them all.

Objects annotated ``helm.sh/hook: test`` (``helm test`` pods, never deployed
by an install) are left out unless the configuration asks for them. A render
Helm refuses is one HP001 finding (``failures``).
"""

from __future__ import annotations

import os
import re

from ..discover import Input
from ..findings import Finding, Loc
from ..record import Record
from ..safe import printable
from .chart import display_in
from .failures import NEEDS_VALUES, error_finding, needs_values
from .helm import RenderSpec, available, no_renderer_hint, render
from .valuesets import skip_test_hooks, specs_for

HEADER = 1  # lines put before each rendered template: its `# Source:` tag
_DUPLICATE = re.compile(r"^duplicate key .* \(first defined at line (\d+)\)")


class RenderState(Record):
    """One render (one values set) of one chart, and what its source map needs."""

    __slots__ = ("_map", "chart", "display", "layout", "omit", "renderer", "spec", "primary")

    def __init__(self, chart: str, display: str, layout, spec: RenderSpec, renderer: str, omit: list[str]) -> None:
        self.primary = False  # the chart's first render that succeeded: the one the run model counts
        self.chart = chart  # the chart folder
        self.display = display
        self.layout = layout
        self.spec = spec
        self.renderer = renderer
        self.omit = omit
        self._map = None

    def source_map(self):
        """The render's source map, built the first time a finding needs it (a
        chart without findings is rendered once)."""
        if self._map is None:
            from .gotemplate import TemplateFile
            from .helm import user_values
            from .sourcemap import RenderMap, instrument, new_nonce

            files, paths, displays = [], [], {}
            for chart in self.layout.charts:
                for name, path in chart.templates.items():
                    try:
                        with open(path, encoding="utf-8") as fh:
                            text = fh.read()
                    except (OSError, UnicodeDecodeError):
                        continue
                    files.append(TemplateFile(name, text))
                    paths.append(path)
            for chart in self.layout.charts:
                displays[chart.values_file] = display_in(self.chart, self.display, chart.values_file)
            for path in paths + list(self.spec.values):
                displays[path] = display_in(self.chart, self.display, path)
            marked = render(self.chart, self.spec, self.renderer, self.omit,
                            templates=dict(zip(paths, instrument(files, new_nonce()), strict=True)), linked=self.layout.linked)
            try:
                set_values = user_values(self.spec.replace(values=[]), _sdk() if self.renderer == "python" else None)
            except Exception:  # a --set the renderer already accepted: only the map loses it
                set_values = {}
            self._map = RenderMap(self.layout, self.spec, set_values,
                                  None if marked.error else marked.templates, files, paths, displays)
        return self._map


def _sdk():
    import helm_python

    return helm_python


class RenderedTemplate(Record):
    """One template's rendered text in one render."""

    __slots__ = ("data", "state", "template", "text")

    def __init__(self, template: str, text: str, data: bytes, state: RenderState) -> None:
        self.template = template
        self.text = text
        self.data = data  # what was linted: the `# Source:` tag line, then the text
        self.state = state


class ChartRun(Record):
    """What rendering the charts of a run gives: inputs, render errors, notes."""

    __slots__ = ("error_tags", "errors", "failures", "inputs", "notes", "rendered", "start")

    def __init__(self) -> None:
        self.failures: list[str] = []  # internal errors (exit code 2); the other charts go on
        self.inputs: list[Input] = []
        self.errors: list[tuple[Finding, str]] = []  # (HP001 at the template Helm names, render name)
        self.notes: list[str] = []
        self.rendered: dict[str, RenderedTemplate] = {}  # `# Source:` tag -> its render
        self.error_tags: dict[str, str] = {}  # tag of a render error's finding -> the render's name
        self.start = 0  # index of the first rendered input in the run's inputs

    # -- after the files are linted --------------------------------------------------

    def tag(self, results) -> None:
        """Key each render's findings and suppressions by its `# Source:` tag, so a
        comment in a template suppresses (or is stale) render by render, and
        findings made without a document (parse errors) know their render."""
        from ..model import Model

        for inp, result in zip(self.inputs, results[self.start:], strict=True):  # the run's last results
            data = inp.stdin or b""
            tag = data[len(b"# Source: "):data.index(b"\n")].decode("utf-8", "replace")
            rt = self.rendered.get(tag)
            if rt is not None and not rt.state.primary:
                # values sets are alternatives, not more of the chart: the run model (cross-document
                # rules, capacity) counts a chart once, with its first values set
                result.model = Model(manifests_seen=result.model.manifests_seen)
            result.file = tag
            result.findings = [f.replace(loc=f.loc.replace(file=tag, source=tag)) for f in result.findings]
            result.directives = [d.replace(loc=d.loc.replace(file=tag)) for d in result.directives]

    def file_count(self) -> int:
        """The chart files the run linted: each rendered template once (whatever the
        number of renders), and the file of each render error."""
        return len({inp.display for inp in self.inputs} | {f.loc.file for f, _ in self.errors})

    def places(self) -> dict[str, str]:
        """`# Source:` tag -> the file (display name) of the template it rendered."""
        return {tag: inp.display for tag, inp in zip(self.rendered, self.inputs, strict=True)}

    def error_findings(self, ruleset) -> list[Finding]:
        if "HP001" not in ruleset:
            return []
        severity = ruleset.rules["HP001"].severity
        out = []
        for f, render_name in self.errors:
            tag = f"render-error {len(self.error_tags)}:{render_name}"
            self.error_tags[tag] = render_name
            out.append(f.replace(severity=f.severity if f.severity == "info" else severity,
                                 loc=f.loc.replace(source=tag)))
        return out

    def finish(self, findings: list[Finding], config=None) -> list[Finding]:
        """Findings in rendered text mapped to their sources, each naming its renders
        (``per-file-ignores`` of ``config`` apply to the files they are mapped to)."""
        ignores = None
        if config is not None and config.per_file_ignores:
            from ..suppress import _PerFileIgnores

            ignores = _PerFileIgnores(config.per_file_ignores, config.source)
        merged: dict[tuple, list] = {}
        out: list[Finding] = []
        for f in findings:
            tag = f.loc.source if f.loc.source is not None else f.loc.file
            rt = self.rendered.get(tag)
            if tag in self.error_tags:  # a render error: already at the template or values line
                mapped, render_name = f.replace(loc=f.loc.replace(source=None)), self.error_tags[tag]
            elif rt is None:
                out.append(f)
                continue
            elif f.rule == "HP001" and _same_duplicate(f, rt):
                continue
            else:
                try:
                    mapped = self._mapped(f, rt)
                except Exception as exc:  # a bug in the map must not lose the finding
                    from ..safe import describe_failure

                    self.failures.append(f"internal error while mapping a finding in {rt.template}: "
                                         f"{describe_failure(exc)}")
                    mapped = f.replace(loc=Loc(f.loc.file.split(" [", 1)[0], 1, 1), message=f"{f.message}; "
                                       f"its line in {rt.template} could not be worked out")
                render_name = rt.state.spec.name
            if ignores is not None and ignores.ignores(mapped.loc.file, mapped.rule):
                continue
            key = (mapped.rule, mapped.loc.file, mapped.loc.line, mapped.loc.column, mapped.message, mapped.severity)
            entry = merged.get(key)
            if entry is None:
                merged[key] = [mapped, [render_name]]
                out.append(mapped)
            elif render_name not in entry[1]:
                entry[1].append(render_name)
        named = {id(entry[0]): entry[1] for entry in merged.values()}
        renders_of = self._renders_of_files()
        return [f if id(f) not in named else f.replace(message=printable(f"{f.message} ({_renders(named[id(f)])})"))
                for f in out
                # a suppression is unused only if no render that has its line used it
                if not (f.rule == "HP002" and id(f) in named
                        and len(named[id(f)]) < len(renders_of.get(f.loc.file, ())))]

    def _renders_of_files(self) -> dict[str, set]:
        """Template display name -> the renders it was rendered in."""
        out: dict[str, set] = {}
        for inp, rt in zip(self.inputs, self.rendered.values(), strict=True):
            out.setdefault(inp.display, set()).add(rt.state.spec.name)
        return out

    def _mapped(self, f: Finding, rt: RenderedTemplate) -> Finding:
        smap = rt.state.source_map()
        loc, related, note = smap.map(rt.template, rt.text, rt.data, f.loc, HEADER)
        more = []
        for r in f.related:
            rr = self.rendered.get(r.source) if r.source is not None else None
            more.append(rr.state.source_map().map(rr.template, rr.text, rr.data, r, HEADER)[0]
                        if rr is not None else r)
        message = f.message
        if f.rule == "HP001":  # its line number is one of the rendered text
            message = re.sub(r" \(first defined at line \d+\)", " (defined twice in the rendered output)", message)
            message = re.sub(r"\(line \d+\)", "(in the rendered output)", message)
        if note:
            message += f"; {note}"
        severity = f.severity
        if f.rule == "HP001" and not (rt.state.spec.values or rt.state.spec.set):
            severity, message = "info", message + NEEDS_VALUES  # as for a render error (see NEEDS_VALUES)
        return f.replace(message=message, severity=severity, loc=loc, related=tuple(related) + tuple(more))


def source_inputs(charts: list[str], findings: list[Finding]) -> list[Input]:
    """The chart files (templates, values files) findings point at, as inputs
    ``--fix`` may edit: a fix applies only where the reported span holds the
    reported value, so a place that is not certain is never edited."""
    roots = [os.path.realpath(c) for c in charts]
    out, seen = [], set()
    for f in findings:
        path = f.loc.file
        if path in seen or not os.path.isfile(path):
            continue
        real = os.path.realpath(path)
        if any(real.startswith(r + os.sep) for r in roots):
            seen.add(path)
            out.append(Input(path, path))
    return out


def _same_duplicate(f: Finding, rt: RenderedTemplate) -> bool:
    """A duplicate key that repeats the same one-line value (`app: x` from a label
    helper and from the template): Helm keeps the last, so nothing changes."""
    m = _DUPLICATE.match(f.message)
    if m is None:
        return False
    lines = rt.data.split(b"\n")
    first, again = int(m.group(1)), f.loc.line
    if not (0 < first <= len(lines) and 0 < again <= len(lines)):
        return False
    a, b = lines[first - 1].strip(), lines[again - 1].strip()
    value = b.split(b":", 1)[1].strip() if b":" in b else b""
    return a == b and bool(value) and value[:1] not in (b"|", b">", b"&", b"*", b"{", b"[")


def _renders(names: list[str]) -> str:
    return ("Helm render " if len(names) == 1 else "Helm renders ") + ", ".join(names)


# -- before the files are linted ------------------------------------------------------

def prepare(charts: list[str], config, warm=None) -> ChartRun:
    """Render every values set of every chart in ``charts`` (chart folders).

    ``warm``: work to do while Helm's Go runtime starts in another thread (the
    library call releases the interpreter lock), such as importing the rules."""
    run = ChartRun()
    options = config.charts or {}
    preference = options.get("renderer", "auto")
    if preference == "off":
        for chart in charts:
            run.notes.append(f"{chart}: Helm chart not rendered (charts.renderer is off), so not linted")
        return run
    renderer = available(preference)
    loading = _start_sdk() if renderer == "python" and charts else None
    if warm is not None and renderer is not None:
        warm()
    for chart in charts:
        if renderer is None:
            run.notes.append(no_renderer_hint(chart))
            continue
        if loading is not None:
            loading.join()
            loading = None
            broken = _sdk_problem()
            if broken is not None:  # installed, but its library does not load here
                run.notes += [f"{c}: Helm chart not rendered, so not linted: helm-python-sdk cannot load its "
                              f"library ({broken}); install the helm binary (https://helm.sh/docs/intro/install/)"
                              for c in charts]
                return run
        try:
            _prepare_chart(run, chart, config, renderer)
        except Exception as exc:  # one chart must not end the run
            from ..safe import describe_failure

            run.failures.append(f"internal error while rendering the chart {chart}: {describe_failure(exc)}")
    return run


def _prepare_chart(run: ChartRun, chart: str, config, renderer: str) -> None:
    from .chart import ChartLayout

    options = config.charts or {}
    layout = ChartLayout(chart)
    if layout.library:  # `helm template` refuses it; the charts that use it render its helpers
        return
    defaults = _values_of(layout)
    omit = layout.missing_dependencies(defaults)
    if omit:
        run.notes.append(f"{chart}: rendered without the dependencies {', '.join(omit)}: not vendored under "
                         f"charts/ (helm dependency build {chart} vendors them); nothing was downloaded")
    primary = True
    for spec in specs_for(chart, config):
        state = RenderState(chart, chart, layout, spec, renderer, omit)
        result = render(chart, spec, renderer, omit, linked=layout.linked)
        if result.error is not None:
            finding = error_finding(state, result.error)
            if not (spec.values or spec.set) and needs_values(result.error.message):
                # the chart's own values.yaml alone: charts installed with --set or generated values
                # fail here by design (required, nil pointer); not a bug to fix, a render to configure
                finding = finding.replace(severity="info", message=finding.message + NEEDS_VALUES)
            run.errors.append((finding, spec.name))
            continue
        state.primary, primary = primary, False
        for template, text in result.templates.items():
            text = text if options.get("test-hooks") else skip_test_hooks(text)
            if not text.strip():
                continue
            found = layout.file_of(template)
            display = display_in(chart, chart, found[1]) if found else f"{chart}/{template.split('/', 1)[-1]}"
            tag = f"{template} [{spec.name}] #{len(run.rendered)}"
            data = f"# Source: {tag}\n{text}".encode()
            run.rendered[tag] = RenderedTemplate(template, text, data, state)
            run.inputs.append(Input(display, None, data))


def _start_sdk():
    """Import helm_python (loading Helm's Go runtime) in a thread."""
    import threading

    def load():
        try:
            import helm_python  # noqa: F401
        except Exception:  # reported when the chart is rendered
            pass

    thread = threading.Thread(target=load, name="hyperlint-helm-sdk", daemon=True)
    thread.start()
    return thread


def _sdk_problem() -> str | None:
    try:
        import helm_python  # noqa: F401
    except Exception as exc:  # ImportError, OSError, HelmLibraryError: a platform without its library
        return printable(f"{type(exc).__name__}: {exc}", 300)
    return None


def _values_of(layout) -> dict:
    from .chart import read_yaml

    doc = read_yaml(layout.charts[0].values_file)
    return doc.root if doc is not None and isinstance(doc.root, dict) else {}
