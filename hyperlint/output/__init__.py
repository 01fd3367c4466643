"""Report: one small module per output format.

Each format is a function ``render(result, out, **options) -> None`` writing to
the text stream ``out``. Formats read only ``Finding`` objects (positions
already resolved), the run's counts and errors, and the rule registry.
"""

from __future__ import annotations

import importlib
import os

FORMATS = ("full", "concise", "json", "sarif", "github", "junit", "markdown", "text")
_MODULES = {"full": "text"}  # `text` is the name of the default format (`full`) since 0.1


def render(name: str, result, out, **options) -> None:
    module = importlib.import_module(f"{__name__}.{_MODULES.get(name, name).replace('-', '_')}")
    module.render(result, out, **options)


def relative_path(file: str) -> str:
    """A finding's file as a relative POSIX path (relative to the current directory when given absolute)."""
    path = file
    if os.path.isabs(path):
        try:
            path = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            pass
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    return path or "."
