"""`{"version": ..., "findings": [...], "summary": {...}}`, byte-identical across runs.

``file`` is the name as ``hyperlint.safe.path_text`` shows it: one line, and
reversible (``path_from_text``), so two files never share a name here (a real
newline is ``\\n``, a backslash ``\\\\``).
"""

from __future__ import annotations

import json
from collections import Counter

from .. import __version__


def render(result, out, **_options) -> None:
    counts = Counter(f.severity for f in result.findings)
    doc = {
        "version": __version__,
        "findings": [_finding(f) for f in result.findings],
        "summary": {
            "files": result.files,
            "skipped": len(getattr(result, "skipped", ())),
            "findings": len(result.findings),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        },
    }
    if getattr(result, "notes", None):
        doc["notes"] = list(result.notes)  # said once about the run, not findings
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")


def _finding(f) -> dict:
    """A finding, with whether --fix can fix it (safe, unsafe, none) and its rule's documentation."""
    from ..applicability import applicability
    from ..rules import get

    rule = get(f.rule)
    return {**f.to_dict(), "fix": applicability(f), "url": rule.url if rule else None}
