"""`--statistics`: how many findings each rule has, instead of the findings (ruff's `--statistics`).

    3  HP301  [*] instance-type-without-ml-prefix
    1  HP307      host-network-on-hyperpod

As JSON (``--output-format json --statistics``): a list of
``{"code", "name", "count", "fixable"}``, most frequent first.
"""

from __future__ import annotations

import json
from collections import Counter


def rows(result) -> list[dict]:
    from ..applicability import applicability
    from ..rules import get

    counts = Counter(f.rule for f in result.findings)
    fixable = Counter(f.rule for f in result.findings if applicability(f) == "safe")
    out = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = get(rule_id)
        out.append({"code": rule_id, "name": rule.name if rule else rule_id, "count": count,
                    "fixable": fixable[rule_id] > 0})
    return out


def render(result, out, requested: str = "text", quiet: bool = False, **_options) -> None:
    table = rows(result)
    if requested == "json":
        json.dump(table, out, indent=2)
        out.write("\n")
        return
    width = max((len(str(r["count"])) for r in table), default=1)
    for r in table:
        out.write(f"{r['count']:>{width}}  {r['code']}  {'[*]' if r['fixable'] else '   '} {r['name']}\n")
    if not quiet:
        from .text import summary

        out.write(summary(result) + "\n")
