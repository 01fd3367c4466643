"""Built on first use: start-up time is import time, and most runs never need most patterns.

``pattern(r"...")`` stands for ``re.compile(r"...")`` at module level in modules whose
patterns only some inputs need (walked-file recognition, configuration, a template): the
expression is compiled the first time a method is called. Not for the parser's hot path,
where the extra attribute lookup would cost more than the compile saves.
"""

from __future__ import annotations

import re


class Pattern:
    """A compiled regular expression, compiled on first use."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, source, flags: int = 0) -> None:
        self._args = (source, flags)
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str):
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


def pattern(source, flags: int = 0) -> Pattern:
    return Pattern(source, flags)
