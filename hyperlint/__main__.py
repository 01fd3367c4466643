"""`python -m hyperlint`, and the `hyperlint` console script (`run`).

``run`` is ``hyperlint.cli.main`` plus three start-up savings measured in
bench/run.py (README, Performance): no garbage collection while the command
line's modules load (nothing to collect yet; about 5 ms), and no interpreter
teardown at the end (clearing typer's and ruamel.yaml's modules takes about as
long as linting a small file), and, for a Helm chart named on the command
line, Helm's Go SDK loading while the rest starts. stdout and stderr are flushed before the
process ends; anything else the command writes (a report file) must be closed
before ``main`` returns, as ``with`` blocks do.
"""

from __future__ import annotations

import gc
import os
import sys


def run() -> None:
    _preload_chart_renderer(sys.argv[1:])
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


def _preload_chart_renderer(args: list[str]) -> None:
    """`hyperlint check CHART`: start loading Helm's Go SDK (helm-python-sdk) in a
    thread while the command line's modules load; its library start-up releases
    the interpreter lock. Only for a chart folder named on the command line when
    no helm binary is on PATH (that chart will be rendered by the SDK)."""
    if not args or args[0] != "check":
        return
    if not any(not a.startswith("-") and os.path.isfile(os.path.join(a, "Chart.yaml")) for a in args[1:]):
        return
    import shutil

    if shutil.which("helm"):
        return
    from .render.charts import _start_sdk

    _start_sdk()


if __name__ == "__main__":
    run()
