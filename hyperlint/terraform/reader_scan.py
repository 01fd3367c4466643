"""The low level of the fast HCL reader (``reader``): positions, blanks, comments, tokens.

``Scanner`` holds the text and the reading offset; the expression reader
(``reader_expr``) and the structure reader (``reader``) build on it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from typing import NoReturn, cast


class ReaderError(Exception):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message, self.offset = message, offset


_WS = re.compile(r"(?:[ \t\r]+|/\*.*?\*/|\\\r?\n)*", re.DOTALL)
# _WS matches the empty string, so it matches at every position (also past the end)
_skip_ws = cast("Callable[[str, int], re.Match[str]]", _WS.match)
_BLANK_START = frozenset(" \t\r\n/#\\")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class Scanner:
    """The text being read, the offset reached, and how to move over it."""

    def __init__(self, text: str):
        self.s = text
        self.n = len(text)
        self.i = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    # -- positions and low-level scanning ---------------------------------------------------
    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def span(self, start: int, end: int) -> tuple:
        return self.at(start) + self.at(end)

    def fail(self, message: str) -> NoReturn:
        raise ReaderError(message, self.i)

    def ws(self, newlines: bool = False) -> None:
        """Skip blanks and comments; with ``newlines`` also line ends and line comments."""
        s = self.s
        if self.i < self.n and s[self.i] not in _BLANK_START:
            return
        while True:
            self.i = _skip_ws(s, self.i).end()
            if self.i >= self.n:
                return
            c = s[self.i]
            if c == "#" or (c == "/" and s.startswith("//", self.i)):
                if not newlines:
                    return
                end = s.find("\n", self.i)
                self.i = self.n if end < 0 else end
                continue
            if c == "\n" and newlines:
                self.i += 1
                continue
            return

    def peek(self, token: str) -> bool:
        return self.s.startswith(token, self.i)

    def expect(self, token: str) -> None:
        if not self.peek(token):
            self.fail(f"expected '{token}'")
        self.i += len(token)

    def end_of_line(self) -> None:
        """After an attribute or a block: a comment, a line end, `}` or the end."""
        if self.s[self.i - 1] == "\n":
            return  # a heredoc ends with its line end
        self.ws()
        if self.i >= self.n or self.s[self.i] in "\n}#" or self.peek("//"):
            return
        self.fail("expected a new line")

