"""Run the command line in this process (fast): ``hyperlint.cli.main`` with its
own stdin, stdout, stderr, working directory and environment."""

from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager


class Outcome:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Outcome(code={self.code}, out={self.out[:2000]!r}, err={self.err[:2000]!r})"


@contextmanager
def _environment(env: dict | None):
    saved = dict(os.environ)
    os.environ.pop("GITHUB_ACTIONS", None)
    for key, value in (env or {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def hyperlint(*args, cwd=None, stdin: bytes | None = None, env: dict | None = None) -> Outcome:
    """``hyperlint ARGS`` in-process; stdin is empty (a closed pipe) unless given."""
    from hyperlint.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    streams = (sys.stdin, sys.stdout, sys.stderr)
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    here = os.getcwd()
    code = 0
    try:
        with _environment(env):
            if cwd is not None:
                os.chdir(cwd)
            try:
                main([str(a) for a in args])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(here)
        sys.stdout.flush()
        sys.stderr.flush()
        texts = out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")  # before the wrappers close them
        sys.stdin, sys.stdout, sys.stderr = streams
    return Outcome(code, *texts)
