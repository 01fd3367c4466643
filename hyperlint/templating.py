"""Unrendered template text: values that cannot be known offline.

A value such as `{{ .Values.instanceType }}`, `${INSTANCE_TYPE}` or
`__IMAGE_TAG__` is filled in later by Helm, envsubst, kustomize or a CI
script. Rules never judge it (never a guess); they report HP003 instead, so
users know which check was skipped and can lint the rendered output.
"""

from __future__ import annotations

import re

from .findings import Hit

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\$\{[^}]*\}|<%.*?%>|__[A-Z][A-Z0-9_]*__")


def is_placeholder(value) -> bool:
    """Unrendered template text (`{{ .Values.x }}`, `${VAR}`): never judged."""
    return isinstance(value, str) and bool(_PLACEHOLDER.search(value))


def unrendered(path: tuple, value: str, what: str) -> Hit:
    """The HP003 report for a value a rule needed but cannot read."""
    shown = value if len(value) <= 80 else value[:77] + "..."
    return Hit(path, f"{what} '{shown}' is unrendered template text, so it was not checked; "
                     f"lint the rendered output (helm template ... | hyperlint check -)", rule="HP003")
