"""Plain-scalar resolution, YAML 1.1 style.

Kubernetes (go-yaml) and CloudFormation both read YAML with YAML 1.1 rules, so
``yes`` is a boolean, ``0755`` an octal integer and ``1.30`` the float 1.3.
Rules that care about the original spelling get it from the position table
(``Document.raw``), never from here.
"""

from __future__ import annotations

import re

_BOOL = {
    "yes": True, "Yes": True, "YES": True, "true": True, "True": True, "TRUE": True,
    "on": True, "On": True, "ON": True,
    "no": False, "No": False, "NO": False, "false": False, "False": False, "FALSE": False,
    "off": False, "Off": False, "OFF": False,
}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(
    r"""[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|0|[1-9][0-9_]*)\Z"""
)
_FLOAT = re.compile(
    r"""[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?\Z|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+\Z"""
)
_SPECIAL_FLOAT = {
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
# First characters that can start a non-string plain scalar.
_MAYBE = MAYBE_NOT_STRING = frozenset("0123456789+-.~nNtTfFyYoO")
# A plain scalar that starts with a letter is a string unless it is one of these words.
_LETTERS = frozenset("nNtTfFyYoO")
_WORDS = {**{word: None for word in _NULL if word}, **_BOOL}


def resolve_plain(text: str):
    """Resolve an untagged plain scalar to None, bool, int, float or str."""
    if not text:
        return None
    first = text[0]
    if first not in _MAYBE:
        return text
    if first in _LETTERS:  # `name`, `true`, `null`: only whole words are not strings
        return _WORDS.get(text, text)
    if text in _NULL:
        return None
    b = _BOOL.get(text)
    if b is not None:
        return b
    if _INT.match(text):
        return _to_int(text)
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        try:
            return float(text.replace("_", ""))
        except ValueError:
            return text
    special = _SPECIAL_FLOAT.get(text)
    if special is not None:
        return special
    return text


_MAX_DIGITS = 4300  # Python's own limit for str() <-> int of decimal numbers
_MAX_BITS = 10_000  # any int below this converts back with str()


def _to_int(text: str) -> int | str:
    """A huge number stays text: int() and str() of it are slow or refused, so
    an int read from a file is always safe to print."""
    if len(text) > _MAX_DIGITS:
        return text
    value = _parse_int(text)
    if isinstance(value, int) and value.bit_length() > _MAX_BITS:
        return text
    return value


def _parse_int(text: str) -> int | str:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    try:
        if t.startswith("0b"):
            return sign * int(t[2:], 2)
        if t.startswith("0x"):
            return sign * int(t[2:], 16)
        if t.startswith("0o"):
            return sign * int(t[2:], 8)
        if len(t) > 1 and t.startswith("0"):
            return sign * int(t, 8)
        return sign * int(t)
    except ValueError:
        return text


_CORE = "tag:yaml.org,2002:"


def resolve_tagged(text: str, tag: str):
    """Resolve a scalar carrying an explicit standard tag (``!!int`` ...)."""
    name = tag[len(_CORE):] if tag.startswith(_CORE) else tag.lstrip("!")
    if name == "str":
        return text
    value = resolve_plain(text)
    if name == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if name == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if name == "bool" and isinstance(value, bool):
        return value
    if name == "null" and value is None:
        return None
    return text
