"""Report: one small module per output format.

Each format is a function ``render(result, out, options) -> None`` writing to
the text stream ``out``. Formats read only ``Finding`` objects (positions
already resolved) and the rule registry.
"""

from __future__ import annotations

import importlib

FORMATS = ("text", "json")


def render(name: str, result, out, **options) -> None:
    module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
    module.render(result, out, **options)
