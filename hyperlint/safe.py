"""Text that is safe to show, from values that may be hostile.

Input files are untrusted: a value can be a mapping shared a billion times
through aliases (``str()`` of it would expand every copy), nested ten
thousand levels deep (``repr()`` raises RecursionError), an integer with
more digits than ``str()`` accepts, or a string with newlines, terminal
escape sequences and lone surrogates. Everything here is O(size of the
result) whatever the value, and never raises.
"""

from __future__ import annotations

import os
import re
import sys

MESSAGE_LIMIT = 2000  # characters of a finding message (head and tail are kept)
VALUE_LIMIT = 200  # characters of a quoted input value

# C0/C1 control characters, DEL, lone surrogates, and the Unicode line and
# paragraph separators and bidirectional overrides that can disguise text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, limit: int | None = MESSAGE_LIMIT) -> str:
    """``text`` on one line: control characters, surrogates and line breaks
    escaped (``\\n``, ``\\x1b``, ``\\udcff``), and at most ``limit`` characters
    (the middle of longer text is replaced by a note)."""
    if not isinstance(text, str):
        text = scalar_text(text) or f"<{type(text).__name__}>"
    if limit is not None and len(text) > limit:
        head, tail = text[: limit * 2 // 3], text[-(limit // 3):]
        text = f"{head}...[{len(text) - len(head) - len(tail)} characters omitted]...{tail}"
    return _UNSAFE.sub(_escape, text)


def path_text(path: str) -> str:
    """A file name for display, on one line and reversible (``path_from_text``
    gives the name back): a backslash is doubled, line breaks and tabs are
    ``\\n``, ``\\r``, ``\\t``, other control characters ``\\x1b``, an
    undecodable byte (kept by Python as a lone surrogate) ``\\xff`` (always
    0x80 or more), and C1 controls, other surrogates, Unicode line separators and
    bidirectional overrides ``\\u0085``. So a name with a real newline and one
    with a backslash and an ``n`` never look alike. (On Windows, where a
    backslash separates folders, it is shown as it is.)"""
    return _PATH_UNSAFE.sub(_escape_path, path)


_PATH_UNSAFE = re.compile("[\\\\\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
                          if os.sep != "\\" else _UNSAFE.pattern)


def _escape_path(m: re.Match) -> str:
    ch = m.group()
    if ch == "\\":
        return "\\\\"
    named = _NAMED.get(ch)
    if named:
        return named
    code = ord(ch)
    if code < 0x80:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the undecodable byte itself
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


_PATH_ESCAPE = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt\\])")
_UNNAMED = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}


def path_from_text(text: str) -> str:
    """The file name ``path_text`` shows as ``text`` (undecodable bytes as lone
    surrogates, as ``os.fsdecode`` gives them)."""
    if "\\" not in text or os.sep == "\\":
        return text

    def back(m: re.Match) -> str:
        esc = m.group()
        if esc[1] == "x":
            code = int(esc[2:], 16)
            return chr(code if code < 0x80 else 0xDC00 + code)
        if esc[1] == "u":
            return chr(int(esc[2:], 16))
        return _UNNAMED[esc[1]]

    return _PATH_ESCAPE.sub(back, text)


def scalar_text(value) -> str | None:
    """``str(value)`` for a scalar, in bounded time; None for a mapping or list.

    Integers too long for ``str()`` are described instead of converted."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 10_000:
        return f"<integer of {value.bit_length()} bits>"
    if value is None or isinstance(value, (bool, int, float)):
        return str(value)
    return None


def describe(value, limit: int = VALUE_LIMIT) -> str:
    """A short, bounded description of any value, for messages: ``'text'``,
    ``1.3``, ``True``, ``a mapping``, ``a list``."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = scalar_text(value)
    if text is None:
        return f"a {type(value).__name__}"
    if isinstance(value, str):
        if len(text) > limit:
            text = text[:limit] + "..."
        return repr(text)
    return text[:limit]


# -- internal errors ------------------------------------------------------------------

def describe_failure(exc: BaseException) -> str:
    """One clear line for an exception raised inside hyperlint."""
    show_traceback(exc)
    if isinstance(exc, MemoryError):
        return "out of memory (MemoryError)"
    if isinstance(exc, RecursionError):
        return "RecursionError: a value nested too deeply for a recursive step"
    return printable(f"{type(exc).__name__}: {exc}", 500)


def show_traceback(exc: BaseException) -> None:
    """With ``HYPERLINT_DEBUG=1`` (the test suite sets it), the traceback behind an internal
    error goes to stderr, so a failure inside the isolation boundary can be traced; the message
    itself stays one line."""
    if os.environ.get("HYPERLINT_DEBUG") == "1":
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
