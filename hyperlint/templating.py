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
_SHELL_VARIABLE = re.compile(r"\$[A-Za-z_]")  # `$INSTANCE_TYPE`: envsubst fills it too
# Obvious placeholders a user is meant to fill in: `PLACEHOLDER_INSTANCE_TYPE`,
# `<instance-type>`, `REPLACE_ME`, `CHANGE_ME`, `YOUR_CLUSTER_NAME`. Linear-time patterns.
_FILL_IN = re.compile(r"(?<![A-Za-z0-9])(?:PLACEHOLDER|REPLACE[_-]?ME|CHANGE[_-]?ME|YOUR[_-][A-Z0-9][A-Z0-9_-]*)"
                      r"(?![a-z0-9])|<[A-Za-z][A-Za-z0-9_.-]{0,60}>")


def is_placeholder(value) -> bool:
    """Unrendered template text (`{{ .Values.x }}`, `${VAR}`, `$VAR`, `<% x %>`, `__VAR__`) or an
    obvious placeholder (`PLACEHOLDER_X`, `<instance-type>`, `REPLACE_ME`): never judged.

    In linear time: a lazy regex (`{{.*?}}`) took seconds on a value of 20,000
    `{` (quadratic), and values come from untrusted files."""
    if not isinstance(value, str):
        return False
    if "{{" in value and _paired_on_a_line(value, "{{", "}}"):
        return True
    start = value.find("${")
    if start >= 0 and value.find("}", start + 2) >= 0:
        return True
    if "$" in value and _SHELL_VARIABLE.search(value):
        return True
    if "<%" in value and _paired_on_a_line(value, "<%", "%>"):
        return True
    if "__" in value and _ENV_PLACEHOLDER.search(value):
        return True
    return is_fill_in(value)


def is_fill_in(value) -> bool:
    """An obvious placeholder a user fills in by hand (`PLACEHOLDER_INSTANCE_TYPE`,
    `<instance-type>`, `REPLACE_ME`, `YOUR_CLUSTER_NAME`)."""
    return isinstance(value, str) and bool(_FILL_IN.search(value))


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
    envsubst = "${" in value or "$" in value and _SHELL_VARIABLE.search(value)
    if "{{" not in value and not envsubst and "<%" not in value and not _ENV_PLACEHOLDER.search(value) \
            and is_fill_in(value):
        return Hit(path, f"{what} '{shown}' is a placeholder to fill in, so it was not checked; "
                         f"lint the file once it holds the real value", rule="HP003")
    render = "helm template ..." if "{{" in value else "envsubst < file" if envsubst else "your render step"
    return Hit(path, f"{what} '{shown}' is unrendered template text, so it was not checked; "
                     f"lint the rendered output ({render} | hyperlint check -)", rule="HP003")


class TemplateSource:
    """Finds the unrendered template action (`{{ ... }}` outside a comment) that
    broke a YAML parse: a Helm template is not YAML until it is rendered, and
    "complex mapping key" or "expected <block end>" would hide that."""

    LOOKBACK = 2  # a broken action shows as an error on its own line or one of the next two

    def __init__(self, data: bytes):
        self._data = data
        self._starts: list[int] | None = None
        self.reported = False  # one such finding per file says it all

    def _line(self, n: int) -> bytes:
        if self._starts is None:  # built once, on the first parse error only
            starts = [0]
            find = self._data.find
            i = find(b"\n")
            while i >= 0:
                starts.append(i + 1)
                i = find(b"\n", i + 1)
            self._starts = starts
        if not 0 <= n < len(self._starts):
            return b""
        end = self._starts[n + 1] - 1 if n + 1 < len(self._starts) else len(self._data)
        return self._data[self._starts[n]:end]

    def action_near(self, line: int) -> tuple[int, int, str] | None:
        """(line, column, action) of the template action on 0-based ``line`` or just before it."""
        for n in range(line, max(line - self.LOOKBACK, 0) - 1, -1):
            text = self._line(n)
            col = text.find(b"{{")
            end = text.find(b"}}", col + 2) if col >= 0 else -1
            before = text[:col] if col >= 0 else b""
            if end >= 0 and b"#" not in before and before.count(b'"') % 2 == 0 and before.count(b"'") % 2 == 0:
                action = text[col:end + 2].decode("utf-8", "replace")
                column = len(text[:col].decode("utf-8", "replace"))  # characters, as parse errors count
                return n, column, action if len(action) <= 60 else action[:57] + "..."
        return None


def template_problem_message(action: str) -> str:
    return (f"unrendered template text {action} is not YAML, so what it breaks was not checked; "
            f"render it first (helm template <chart> | hyperlint check -)")
