"""Markdown: a summary and a table of findings (GitHub job summaries, pull-request comments)."""

from __future__ import annotations

import html

from . import relative_path
from .text import described, summary

MAX_ROWS = 3000  # a GitHub job summary holds 1 MiB: every finding of a real run, with room to spare
_ICON = {"error": "\u274c error", "warning": "\u26a0\ufe0f warning", "info": "\u2139\ufe0f info"}


def _cell(text: str) -> str:
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def render(result, out, title: str = "hyperlint", **_options) -> None:
    from ..rules import get

    out.write(f"## {title}\n\n")
    line = summary(result).removeprefix("hyperlint: ")
    out.write(f"{line[0].upper()}{line[1:]}.\n\n")
    if result.findings:
        out.write("| severity | rule | location | message |\n|---|---|---|---|\n")
        for f in result.findings[:MAX_ROWS]:
            rule = get(f.rule)
            name = f"{f.rule} {rule.name}" if rule else f.rule
            label = f"[{name}]({rule.url})" if rule and rule.url else name
            where = f"{relative_path(f.loc.file)}:{f.loc.line}:{f.loc.column}"
            out.write(f"| {_ICON[f.severity]} | {label} | {_cell(where)} | {_cell(described(f))} |\n")
        hidden = len(result.findings) - MAX_ROWS
        if hidden > 0:
            out.write(f"\n\u2026 and {hidden} more (see the annotations or the SARIF report).\n")
        out.write("\n")
    if result.errors:
        out.write("### Internal errors\n\n")
        out.write("".join(f"- {_cell(message)}\n" for message in result.errors))
        out.write("\n")
