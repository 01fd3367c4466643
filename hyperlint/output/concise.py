"""One line per finding: `path:line:col: HP301 [error] message (Kind namespace/name, from chart/templates/x.yaml)`.

The form of hyperlint 0.1's text output, for grep, editors' problem matchers
and logs (``--output-format concise``).
"""

from __future__ import annotations

from .text import closing, format_finding


def render(result, out, quiet: bool = False, **_options) -> None:
    from ..applicability import applicability

    for f in result.findings:
        line = format_finding(f)
        if applicability(f) == "safe":  # `[*]` after the severity, as in the full format
            head = f"{f.rule} [{f.severity}] "
            line = line.replace(head, head + "[*] ", 1)
        out.write(line + "\n")
    for line in closing(result, quiet):
        out.write(line + "\n")
