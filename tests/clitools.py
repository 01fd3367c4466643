"""Run the real command line: in this process by default, in a subprocess when asked.

``run`` calls ``hyperlint.cli.main`` with the arguments, standard streams, environment and
working directory of the call, and returns what a subprocess would
(``subprocess.CompletedProcess`` with ``returncode``, ``stdout`` and ``stderr`` as bytes).
Spawning ``python -m hyperlint`` costs about 0.3 s a call, which made the CLI tests most of
the suite's time. ``run(..., subprocess=True)`` (or passing stream arguments such as
``stdout=...``) starts a real process: for what only a process shows (exit through
``os._exit``, a console script, signals, the import-time cost).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess as _subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _environment(env: dict | None) -> dict:
    full = dict(os.environ)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    full.pop("GITHUB_ACTIONS", None)
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    return full


def run(*args, cwd=None, stdin: bytes | None = None, timeout: float = 60, env: dict | None = None,
        subprocess: bool = False, **streams) -> _subprocess.CompletedProcess:
    """``python -m hyperlint ARGS``; ``env`` adds variables (a value of None removes one)."""
    full = _environment(env)
    argv = [str(a) for a in args]
    if subprocess or streams or os.environ.get("HYPERLINT_TEST_SUBPROCESS") == "1":
        if not streams:
            streams = {"capture_output": True}
        return _subprocess.run([sys.executable, "-m", "hyperlint", *argv],
                               cwd=cwd, input=stdin, timeout=timeout, env=full, **streams)
    return _in_process(argv, cwd, stdin, full)


@contextlib.contextmanager
def _environ(full: dict):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(full)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _stream(data: bytes = b"") -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="", write_through=True)


def _in_process(argv: list[str], cwd, stdin: bytes | None, full: dict) -> _subprocess.CompletedProcess:
    from hyperlint.cli import main

    here = os.getcwd()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = _stream(stdin or b""), _stream(), _stream()
    out, err = sys.stdout, sys.stderr
    code = 0
    try:
        with _environ(full):
            if cwd is not None:
                os.chdir(cwd)
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(here)
        for stream in (out, err):
            with contextlib.suppress(ValueError, OSError):
                stream.flush()
        sys.stdin, sys.stdout, sys.stderr = saved
    return _subprocess.CompletedProcess(["hyperlint", *argv], code,
                                        out.buffer.getvalue(), err.buffer.getvalue())
