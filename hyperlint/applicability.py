"""Whether a finding can be fixed by `hyperlint check --fix`: ``safe``, ``unsafe`` or ``none``.

Read from the rule (its ``FIX`` and whether its module has a ``fix``
function) and the finding's facts: a finding carries ``fixed`` (the value
that replaces it) when the generic fixer can rewrite it, and ``unsafe_fix``
when a safe rule is unsure of this one case (then only ``--unsafe-fixes``
fixes it). Every output format shows the same answer: ``[*]`` in text, the
``fix`` field in JSON and SARIF, the "N fixable" summary.
"""

from __future__ import annotations

from functools import lru_cache

SAFE, UNSAFE, NONE = "safe", "unsafe", "none"


@lru_cache(maxsize=None)
def _rule_fix(rule_id: str) -> tuple[str | None, bool]:
    """(the rule's FIX, whether its module has a custom ``fix``)."""
    from .rules import get

    rule = get(rule_id)
    if rule is None or rule.fix not in (SAFE, UNSAFE):
        return None, False
    module = __import__(rule.module, fromlist=["fix"])
    return rule.fix, callable(getattr(module, "fix", None))


def applicability(finding) -> str:
    fix, custom = _rule_fix(finding.rule)
    if fix is None:
        return NONE
    facts = finding.facts or {}
    if not custom and not ("fixed" in facts and "value" in facts):
        return NONE
    return UNSAFE if fix == UNSAFE or facts.get("unsafe_fix") else SAFE


def fixable_counts(findings) -> tuple[int, int]:
    """(findings ``--fix`` fixes, findings only ``--unsafe-fixes`` adds)."""
    safe = unsafe = 0
    for f in findings:
        kind = applicability(f)
        safe += kind == SAFE
        unsafe += kind == UNSAFE
    return safe, unsafe


def fixable_line(findings) -> str | None:
    """`2 fixable with `--fix` (1 more with `--unsafe-fixes`).`, or None."""
    safe, unsafe = fixable_counts(findings)
    if not safe and not unsafe:
        return None
    if not safe:
        return f"hyperlint: {unsafe} fixable with `--fix --unsafe-fixes`."
    more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
    return f"hyperlint: {safe} fixable with `--fix`{more}."
