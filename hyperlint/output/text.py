"""`path:line:col: HP301 [error] message (Kind namespace/name, from chart/templates/x.yaml)`."""

from __future__ import annotations

from collections import Counter


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
    if not result.findings:
        return f"hyperlint: no problems in {result.files} file{'s' if result.files != 1 else ''}{tail}"
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "info") if counts[s]]
    total = len(result.findings)
    return (f"hyperlint: {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) "
            f"in {files} of {result.files} file{'s' if result.files != 1 else ''}{tail}")


def render(result, out, **_options) -> None:
    for f in result.findings:
        out.write(format_finding(f) + "\n")
    out.write(summary(result) + "\n")
