"""`python -m hyperlint`, and the `hyperlint` console script (`run`).

``run`` is ``hyperlint.cli.main`` plus two start-up savings measured in
bench/run.py (bench/README.md): no garbage collection while the command
line's modules load (nothing to collect yet; about 5 ms), and no interpreter
teardown at the end (clearing typer's and ruamel.yaml's modules takes about as
long as linting a small file). stdout and stderr are flushed before the
process ends; anything else the command writes (a report file) must be closed
before ``main`` returns, as ``with`` blocks do.
"""

from __future__ import annotations

import gc
import os
import sys


def run() -> None:
    gc.disable()
    try:
        from .cli import main
    finally:
        gc.freeze()  # what start-up allocated stays: later collections skip it
        gc.enable()
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is not None and not isinstance(exc.code, int):
            raise  # sys.exit("message"): let Python print it
        code = exc.code or 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`hyperlint check | head`)
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
