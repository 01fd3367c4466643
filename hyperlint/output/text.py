"""Text for people: each finding with its source line, a caret and its help (ruff's "full" style).

    k8s/job.yaml:13:47: HP301 [error] [*] instance type 'p5.48xlarge' has no 'ml.' prefix
       |
    13 |             node.kubernetes.io/instance-type: p5.48xlarge
       |                                               ^^^^^^^^^^^ HyperPod nodes are labelled ...
       |
       = in PyTorchJob kubeflow/llama-pretrain
       = help: use 'ml.p5.48xlarge'

The headline is the editor-clickable ``path:line:col: RULE [severity]``
followed by ``[*]`` when ``--fix`` fixes it (an unsafe fix says so in its
help) and the message's headline
(``hyperlint.message``). When the finding came from a Helm template, the
template comes first and the rendered place follows (``-->``); related places
(the parameter a ``!Ref`` resolved to ...) follow as ``:::`` lines, so a
finding can show a primary source and a related one. With ``--show-fixes``,
a fixable finding also shows the replacement ``--fix`` would make. The source line comes
from the linted file (or the stdin bytes); control characters in it are
escaped, as everywhere. Colour (ANSI) only when asked for: the command line
decides (a terminal, ``NO_COLOR``, ``FORCE_COLOR``, ``--no-color``).

``concise`` (``--output-format concise``) is one line per finding:
``path:line:col: HP301 [error] message (Kind namespace/name, from chart/templates/x.yaml)``.
"""

from __future__ import annotations

import os
from collections import Counter

from ..safe import printable

_COLORS = {"error": "31", "warning": "33", "info": "36"}
LINE_LIMIT = 200  # longer source lines are shown as the part around the value
WINDOW = 120  # characters of a long value that are shown
CONTEXT = 60  # characters shown on each side of the value in a long line
LABEL_WIDTH = 100  # a detail goes next to the carets when the line stays this short, else on its own line


def described(f) -> str:
    """The message with the object and the Helm template it concerns (every format shows this)."""
    context = [c for c in (f.object_label(), f"from {f.loc.source}" if f.loc.source else None) if c]
    return f"{f.message} ({', '.join(context)})" if context else f.message


def format_finding(f) -> str:
    return f"{f.loc.file}:{f.loc.line}:{f.loc.column}: {f.rule} [{f.severity}] {described(f)}"


def summary(result) -> str:
    counts = Counter(f.severity for f in result.findings)
    files = len({f.loc.file for f in result.findings})
    skipped = len(getattr(result, "skipped", ()))
    tail = (f"; {skipped} file{'s' if skipped != 1 else ''} skipped as not "
            f"{'inputs' if skipped != 1 else 'an input'} (--show-files lists them)" if skipped else "")
    if not result.files:
        return f"hyperlint: no files linted{tail}"
    if not result.findings:
        return f"hyperlint: no problems in {result.files} file{'s' if result.files != 1 else ''}{tail}"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    total = len(result.findings)
    return (f"hyperlint: {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) "
            f"in {files} of {result.files} file{'s' if result.files != 1 else ''}{tail}")


def closing(result, quiet: bool = False) -> list[str]:
    """The lines after the findings: the summary and what `--fix` would fix."""
    if quiet:
        return []
    from ..applicability import fixable_line

    fixable = fixable_line(result.findings)
    return [summary(result)] + ([fixable] if fixable else [])


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text


class SourceLines:
    """The source lines the code frames show, read once per file.

    ``sources`` maps a finding's file (as reported) to the ``Input`` it was
    read from; only the lines findings point at are kept (a 100 MB stream
    costs its bytes while it is read, not a string per line). A file that
    cannot be read again shows no frame."""

    def __init__(self, sources=None, findings=()) -> None:
        self.sources = sources or {}
        self._wanted: dict[str, set[int]] = {}
        for f in findings:
            self._wanted.setdefault(f.loc.file, set()).add(f.loc.line)
        self._cache: dict[str, dict[int, str]] = {}

    def line(self, file: str, number: int) -> str | None:
        if file not in self._cache:
            self._cache[file] = self._read(file, sorted(self._wanted.get(file, {number})))
        return self._cache[file].get(number)

    def _read(self, file: str, numbers: list[int]) -> dict[int, str]:
        from ..parse import decode

        source = self.sources.get(file)
        if source is None:  # a file the run reached otherwise (a Helm chart's own files): by its name
            path, raw = (file if self.sources and os.path.isfile(file) else None), None
        elif source.problem is not None:
            return {}
        else:
            path, raw = source.path, source.stdin
        if raw is None and path is not None:
            try:
                with open(path, "rb") as fh:
                    raw = fh.read()
            except OSError:
                return {}
        if raw is None:
            return {}
        data, problem = decode(raw)
        del raw
        if problem is not None:
            return {}
        if b"\n" not in data and b"\r" in data:  # old Mac line ends: YAML counts a lone CR as a break
            data = data.replace(b"\r", b"\n")
        found: dict[int, str] = {}
        line, pos = 1, 0
        for number in numbers:
            while line < number:
                nl = data.find(b"\n", pos)
                if nl < 0:
                    return found
                pos, line = nl + 1, line + 1
            end = data.find(b"\n", pos)
            text = data[pos:end if end >= 0 else len(data)]
            found[number] = text.rstrip(b"\r").decode("utf-8", "replace")
        return found


def _frame(f, lines: SourceLines, style: _Style, label: str) -> list[str]:
    """The source line with carets under the span, or nothing when the line is not available."""
    loc = f.loc
    text = lines.line(loc.file, loc.line)
    if text is None or (loc.line == 1 and loc.column == 1 and f.rule == "HP001" and not text.strip()):
        return []
    text = text.expandtabs(1)
    start = max(loc.column - 1, 0)
    if loc.end_line == loc.line and loc.end_column and loc.end_column > loc.column:
        end = loc.end_column - 1
    elif loc.end_line is not None and loc.end_line > loc.line:
        end = len(text)
    else:
        end = start + 1
    end = max(min(end, len(text)), start + 1)
    if end - start > WINDOW:  # a long value: its beginning
        end = start + WINDOW
    left, right = 0, len(text)
    if len(text) > LINE_LIMIT:  # a long line: the part around the value
        left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    head = printable(text[left:start], None)
    body = printable(text[start:end], None)
    shown = ("\u2026" if left else "") + head + body + printable(text[end:right], None) + \
        ("\u2026" if right < len(text) else "")
    before = len(head) + (1 if left else 0)
    width = max(1, len(body))
    gutter = str(loc.line)
    pad = " " * len(gutter)
    bar = style("|", "34;1")
    colour = _COLORS[f.severity] + ";1"
    carets = style("^" * width, colour)
    fits = label and before + width + len(label) + len(gutter) + 4 <= LABEL_WIDTH
    tail = f" {style(label, colour)}" if fits else ""
    return [f"{pad} {bar}", f"{style(gutter, '34;1')} {bar} {shown}", f"{pad} {bar} {' ' * before}{carets}{tail}",
            f"{pad} {bar}"]


def format_full(f, lines: SourceLines, style: _Style, show_fixes: bool = False) -> list[str]:
    from ..applicability import UNSAFE, applicability
    from ..message import split

    parts = split(f.message)
    loc = f.loc
    colour = _COLORS[f.severity] + ";1"
    fix = applicability(f)
    marker = style("[*]", "36") + " " if fix == "safe" else ""
    place = f"{loc.file}:{loc.line}:{loc.column}"
    head = f"{style(f.rule, '1')} {style('[' + f.severity + ']', colour)} {marker}{style(parts.headline, '1')}"
    out = []
    if loc.source:  # the Helm template first: that is the file to change
        out.append(f"{style(loc.source, '1')}: {head}")
        out.append(f"  {style('-->', '34;1')} {place} (rendered from it)")
    else:
        out.append(f"{style(place, '1')}: {head}")
    detail = parts.detail
    frame = _frame(f, lines, style, detail)
    if frame and detail and frame[2].endswith(style(detail, colour)):
        detail = ""  # shown next to the carets
    out += frame
    pad = " " * (len(str(loc.line)) + 1) if frame else "  "
    eq = style("=", "34;1")
    for r in f.related:
        out.append(f"{pad}{style(':::', '34;1')} {r.file}:{r.line}:{r.column} related{f' ({r.pointer})' if r.pointer else ''}")
    if detail:
        out.append(f"{pad}{eq} {detail}")
    label = f.object_label()
    if label:
        out.append(f"{pad}{eq} in {label}")
    if parts.data:
        out.append(f"{pad}{eq} {parts.data}")
    if parts.help:
        help_ = parts.help + (" (an unsafe fix: `--fix --unsafe-fixes`)" if fix == UNSAFE else "")
        out.append(f"{pad}{eq} {style('help', '36;1')}: {help_}")
    facts = f.facts or {}
    if show_fixes and fix != "none" and "fixed" in facts and "value" in facts:
        old, new = printable(str(facts["value"]), 200), printable(str(facts["fixed"]), 200)
        out.append(f"{pad}{eq} {style('fix', '36;1')} ({fix}): replace {old!r} with {new!r}")
    return out


def render(result, out, color: bool = False, sources=None, quiet: bool = False, show_fixes: bool = False,
           **_options) -> None:
    style = _Style(color)
    lines = SourceLines(sources, result.findings)
    for f in result.findings:
        out.write("\n".join(format_full(f, lines, style, show_fixes)) + "\n\n")
    for line in closing(result, quiet):
        out.write(line + "\n")
