"""Run the real command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=None, stdin: bytes | None = None, timeout: float = 60, env: dict | None = None,
        **streams) -> subprocess.CompletedProcess:
    """``python -m hyperlint ARGS``; ``env`` adds variables (a value of None removes one)."""
    full = dict(os.environ)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    full.pop("GITHUB_ACTIONS", None)
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    if not streams:
        streams = {"capture_output": True}
    return subprocess.run(
        [sys.executable, "-m", "hyperlint", *map(str, args)],
        cwd=cwd, input=stdin, timeout=timeout, env=full, **streams,
    )
