"""`# expect:` markers in fixtures, and the two-way comparison with findings.

Grammar (in a comment on the line a finding must point at)::

    # expect: HP301                one HP301 finding on this line
    # expect: HP301, HP303         one of each
    # expect: HP301[warning]       ... with that severity
    # expect: HP301@39             ... at column 39
    # expect: HP301 "no 'ml.'"     ... whose message contains the text

A fixture may start with ``# hyperlint-test: select=HP001,HP301`` to choose
the rules that run (default: the rule named by the file, e.g. HP301.yaml)
and ``assume-hyperpod`` to set that option. Every line without a marker
asserts that the selected rules report nothing there.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

MARK = re.compile(r"#\s*expect:\s*(.+?)\s*$")
ITEM = re.compile(r'(HP\d{3})(?:\[(error|warning|info)\])?(?:@(\d+))?(?:\s+"([^"]*)")?')
HEADER = re.compile(r"#\s*hyperlint-test:\s*(.+)$")


def expected_in(path: Path) -> list[tuple]:
    """(file, line, rule, severity|None, column|None, text|None) for every marker."""
    out = []
    if path.suffix == ".json":
        side = path.with_name(path.stem + ".expected.json")
        if side.exists():
            for e in json.loads(side.read_text()):
                out.append((str(path), e["line"], e["rule"], e.get("severity"), e.get("column"), e.get("message")))
        return out
    for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        m = MARK.search(line)
        if not m:
            continue
        for item in ITEM.finditer(m.group(1)):
            rule, sev, col, text = item.groups()
            out.append((str(path), lineno, rule, sev, int(col) if col else None, text))
    return out


def header_options(path: Path) -> dict:
    opts = {}
    if path.suffix == ".json":
        return opts
    with open(path, encoding="utf-8", errors="replace") as fh:
        for _ in range(3):
            m = HEADER.search(fh.readline())
            if m:
                for part in m.group(1).split():
                    key, _, value = part.partition("=")
                    opts[key] = value or True
    return opts


def compare(findings, expectations) -> list[str]:
    """Both ways: every expectation met by a finding, every finding expected."""
    problems = []
    remaining = list(findings)
    for file, line, rule, sev, col, text in expectations:
        match = None
        for f in remaining:
            if (f.loc.file, f.loc.line, f.rule) != (file, line, rule):
                continue
            if (sev and f.severity != sev) or (col and f.loc.column != col) or (text and text not in f.message):
                continue
            match = f
            break
        if match is None:
            got = [f"{f.rule}[{f.severity}]@{f.loc.column} {f.message}" for f in remaining
                   if (f.loc.file, f.loc.line) == (file, line)]
            problems.append(f"{file}:{line}: expected {rule}{f'[{sev}]' if sev else ''}"
                            f"{f'@{col}' if col else ''}{f' {text!r}' if text else ''}; got {got or 'nothing'}")
        else:
            remaining.remove(match)
    for f in remaining:
        problems.append(f"{f.loc.file}:{f.loc.line}:{f.loc.column}: unexpected {f.rule}[{f.severity}] {f.message}")
    return problems


def count_by_rule(expectations) -> Counter:
    return Counter(e[2] for e in expectations)
