"""Benchmark measurement: whole processes, interleaved run by run, medians."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from inputs import RENDER_ALONE, Inputs

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240606

def chart_jobs(chart: Path, hl: list[str]) -> tuple[list, list[str]]:
    """hyperlint on the chart, and rendering it alone (`helm template`, else helm-python-sdk)."""
    helm = find_tool("helm")
    if helm:
        alone = Job("chart.render", "chart", "helm template (render alone)", [helm, "template", str(chart)], (0,))
    else:
        try:
            import importlib.util

            if importlib.util.find_spec("helm_python") is None:
                return [], ["no helm binary and no helm-python-sdk: chart rows skipped (pip install 'hyperlint[helm]')"]
        except (ImportError, ValueError):
            return [], ["helm-python-sdk cannot be found: chart rows skipped"]
        alone = Job("chart.render", "chart", "helm-python-sdk render (render alone)",
                    [sys.executable, "-c", RENDER_ALONE, str(chart)], (0,))
    return [Job("chart.hyperlint", "chart", "hyperlint check", hl + [str(chart)]), alone], []

# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------

# The floor: what it costs just to read the same YAML with the C event parser that hyperlint uses.
FLOOR = r"""
import os, sys
from ruamel.yaml import CParser
from ruamel.yaml.events import StreamEndEvent
paths = []
for arg in sys.argv[1:]:
    if os.path.isdir(arg):
        for d, dirs, files in os.walk(arg):
            dirs.sort()
            paths += [os.path.join(d, f) for f in sorted(files) if f.endswith(('.yaml', '.yml'))]
    else:
        paths.append(arg)
events = 0
for path in paths:
    with open(path, 'rb') as fh:
        get = CParser(fh.read()).get_event
    while get().__class__ is not StreamEndEvent:
        events += 1
"""

# A spare-core check, run interleaved with everything else: the same busy loop twice, one
# after the other or in two processes at once. On an idle 2-CPU machine the second takes half
# the time; when other processes hold a CPU, no parallel program can do better than this.
PROBE = r"""
import os, sys
def spin():
    n = 0
    for i in range(5_000_000):
        n += i
if sys.argv[1] == "parallel":
    pid = os.fork()
    spin()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
else:
    spin(); spin()
"""

HYPERLINT = "from hyperlint.__main__ import run; run()"  # what the console script does


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_kib: int
    rc: int


@dataclass
class Job:
    key: str
    input: str
    label: str
    cmd: list[str]
    ok_codes: tuple = (0, 1)
    runs: int = 0
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def low(self) -> float:
        return min(s.wall for s in self.samples)

    def peak_mib(self) -> float:
        return max(s.rss_kib for s in self.samples) / 1024


# Every command is started by this small helper process, not by the benchmark itself: on Linux a
# process's peak RSS includes the memory of the process it was forked from (the high-water mark
# survives exec), so forking from a large parent would inflate every peak-memory figure.
SPAWNER = r"""
import json, os, sys, time
dev_null = os.open(os.devnull, os.O_RDWR)
for line in sys.stdin:
    err, argv = json.loads(line)
    fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(dev_null, 0); os.dup2(dev_null, 1); os.dup2(fd, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(fd)
    print(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, os.waitstatus_to_exitcode(status), flush=True)
"""


class Spawner:
    """A minimal Python process that forks, execs and waits for each measured command."""

    def __init__(self, env: dict, scratch: Path):
        self.err = str(scratch / "stderr.txt")
        self.proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", SPAWNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, cwd=ROOT, text=True)

    def run(self, cmd: list[str]) -> tuple[Sample, str]:
        self.proc.stdin.write(json.dumps([self.err, cmd]) + "\n")
        self.proc.stdin.flush()
        wall, cpu, rss, rc = self.proc.stdout.readline().split()
        with open(self.err, encoding="utf-8", errors="replace") as fh:
            message = fh.read(4000)
        # ru_maxrss is KiB on Linux, bytes on macOS
        rss_kib = int(rss) // 1024 if sys.platform == "darwin" else int(rss)
        return Sample(float(wall), float(cpu), rss_kib, int(rc)), message

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def find_tool(name: str) -> str | None:
    here = Path(sys.executable).parent / name
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which(name)


def environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    return env


def plan(inputs: Inputs, only: set[str] | None, baselines: bool = True) -> tuple[list[Job], list[str]]:
    py = sys.executable
    yamllint = find_tool("yamllint") if baselines else None
    cfnlint = find_tool("cfn-lint") if baselines else None
    notes = []
    if not baselines:
        notes.append("--no-baselines: yamllint and cfn-lint rows skipped")
    else:
        if yamllint is None:
            notes.append("yamllint not found: its rows are skipped (pip install yamllint)")
        if cfnlint is None:
            notes.append("cfn-lint not found: its rows are skipped (pip install cfn-lint)")
    hl = [py, "-c", HYPERLINT, "check"]
    floor = [py, "-c", FLOOR]
    small, stream, many, stack = map(str, (inputs.small, inputs.stream, inputs.many, inputs.stack))
    jobs = [
        Job("small.hyperlint", "small", "hyperlint check", hl + [small]),
        Job("small.floor", "small", "C event parse (floor)", floor + [small], (0,)),
        Job("small.yamllint", "small", "yamllint -d relaxed", [yamllint or "", "-d", "relaxed", small]),
        Job("stream.hyperlint", "stream", "hyperlint check", hl + [stream]),
        Job("stream.floor", "stream", "C event parse (floor)", floor + [stream], (0,)),
        Job("stream.yamllint", "stream", "yamllint -d relaxed", [yamllint or "", "-d", "relaxed", stream]),
        Job("stack.hyperlint", "stack", "hyperlint check", hl + [stack]),
        Job("stack.floor", "stack", "C event parse (floor)", floor + [stack], (0,)),
        Job("stack.cfnlint", "stack", "cfn-lint", [cfnlint or "", stack], (0,)),
        Job("stack.plugin", "stack", "cfn-lint + hyperlint plugin",
            [cfnlint or "", "--append-rules=hyperlint.cfnlint_rules", stack], (0,)),
        # the spare-core check runs right before the parallel run it explains
        Job("probe.serial", "probe", "busy loop x2, one after the other", [py, "-c", PROBE, "serial"], (0,)),
        Job("probe.parallel", "probe", "busy loop x2, in 2 processes", [py, "-c", PROBE, "parallel"], (0,)),
        Job("many.hyperlint", "many", "hyperlint check (default jobs)", hl + [many]),
        Job("many.jobs1", "many", "hyperlint check --jobs 1", hl + ["--jobs", "1", many]),
        Job("many.floor", "many", "C event parse (floor, 1 process)", floor + [many], (0,)),
        Job("many.yamllint", "many", "yamllint -d relaxed", [yamllint or "", "-d", "relaxed", many]),
        Job("terraform.hyperlint", "terraform", "hyperlint check", hl + [str(inputs.terraform)], (0, 1)),
    ]
    if inputs.chart is not None:
        more, why = chart_jobs(inputs.chart, hl)
        jobs += more
        notes += why
    keep = []
    for job in jobs:
        if only and job.input not in only and not (job.input == "probe" and "many" in only):
            continue
        if not job.cmd[0]:
            continue
        keep.append(job)
    return keep, notes


def measure(jobs: list[Job], runs: int, slow_runs: int, spawner: Spawner, progress) -> None:
    """One unmeasured warm-up each, then the jobs interleaved run by run."""
    for job in jobs:
        job.runs = runs
        if job.key == "stream.yamllint":  # ~50 s a run: fewer runs unless asked
            job.runs = min(runs, slow_runs)
    for job in jobs:
        if job.key == "stream.yamllint":
            continue  # a warm-up of 50 s buys nothing: the page cache is warm from the others
        sample, message = spawner.run(job.cmd)
        if sample.rc not in job.ok_codes:
            job.error = f"exit code {sample.rc}: {message.strip().splitlines()[-1] if message.strip() else ''}"
    for i in range(max(j.runs for j in jobs)):
        for job in jobs:
            if job.error or i >= job.runs:
                continue
            progress(f"run {i + 1}/{job.runs}: {job.input:6} {job.label}")
            sample, message = spawner.run(job.cmd)
            if sample.rc not in job.ok_codes:
                job.error = f"exit code {sample.rc}: {message.strip()[-300:]}"
                continue
            job.samples.append(sample)
    progress("")
