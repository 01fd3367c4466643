"""Unrendered template text: values that cannot be known offline.

A value such as `{{ .Values.instanceType }}`, `${INSTANCE_TYPE}` or
`__IMAGE_TAG__` is filled in later by Helm, envsubst, kustomize or a CI
script. Rules never judge it (never a guess); they report HP003 instead, so
users know which check was skipped and can lint the rendered output.
"""

from __future__ import annotations

import re

from .findings import Hit

_ENV_PLACEHOLDER = re.compile(r"__[A-Z][A-Z0-9_]*__")


def is_placeholder(value) -> bool:
    """Unrendered template text (`{{ .Values.x }}`, `${VAR}`, `<% x %>`, `__VAR__`): never judged.

    In linear time: a lazy regex (`{{.*?}}`) took seconds on a value of 20,000
    `{` (quadratic), and values come from untrusted files."""
    if not isinstance(value, str):
        return False
    if "{{" in value and _paired_on_a_line(value, "{{", "}}"):
        return True
    start = value.find("${")
    if start >= 0 and value.find("}", start + 2) >= 0:
        return True
    if "<%" in value and _paired_on_a_line(value, "<%", "%>"):
        return True
    return "__" in value and bool(_ENV_PLACEHOLDER.search(value))


def _paired_on_a_line(text: str, left: str, right: str) -> bool:
    """Whether ``left`` is followed by ``right`` on the same line; each line is scanned once."""
    i = text.find(left)
    while i >= 0:
        eol = text.find("\n", i)
        end = eol if eol >= 0 else len(text)
        if text.find(right, i + len(left), end) >= 0:
            return True
        if eol < 0:
            return False
        i = text.find(left, eol)
    return False


def unrendered(path: tuple, value: str, what: str) -> Hit:
    """The HP003 report for a value a rule needed but cannot read."""
    shown = value if len(value) <= 80 else value[:77] + "..."
    return Hit(path, f"{what} '{shown}' is unrendered template text, so it was not checked; "
                     f"lint the rendered output (helm template ... | hyperlint check -)", rule="HP003")
