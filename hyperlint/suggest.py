""""Did you mean ...?": the closest of the allowed spellings, for one-line usage errors."""

from __future__ import annotations


def closest(value: str, choices) -> str | None:
    """The allowed spelling nearest to ``value`` (case-insensitive), or None."""
    import difflib

    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    hit = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[hit[0]] if hit else None


def did_you_mean(value: str, choices) -> str:
    """`; did you mean 'warning'?` or ``""``."""
    hint = closest(value, choices)
    return f"; did you mean {hint!r}?" if hint else ""
