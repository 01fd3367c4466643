"""Benchmark report: the tables and the targets, ratios measured in the same run."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from inputs import CHART_TEMPLATES, Inputs
from timing import Job

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240606

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

@dataclass
class Target:
    what: str
    ratio: float | None
    limit: float
    higher_is_better: bool = False
    note: str = ""

    @property
    def result(self) -> str:
        if self.ratio is None:
            return "SKIP"
        ok = self.ratio >= self.limit if self.higher_is_better else self.ratio <= self.limit
        return "PASS" if ok else "FAIL"


def targets(by: dict[str, Job], files: int) -> list[Target]:
    def t(key, attr="wall"):
        job = by.get(key)
        if job is None or not job.samples:
            return None
        return job.peak_mib() if attr == "rss" else job.median(attr)

    def ratio(a, b):
        return a / b if a is not None and b else None

    hl_small, yl_small = t("small.hyperlint"), t("small.yamllint")
    return [
        Target("small manifest: hyperlint / yamllint (wall)", ratio(hl_small, yl_small), 1.0),
        Target("stream: hyperlint / C event parse (wall)", ratio(t("stream.hyperlint"), t("stream.floor")), 3.0),
        Target("stream: hyperlint / yamllint (peak RSS)",
               ratio(t("stream.hyperlint", "rss"), t("stream.yamllint", "rss")), 1.0),
        Target("stack: hyperlint / cfn-lint (wall)", ratio(t("stack.hyperlint"), t("stack.cfnlint")), 0.5),
        Target("stack: cfn-lint + plugin / cfn-lint (wall)", ratio(t("stack.plugin"), t("stack.cfnlint")), 1.10),
        Target(f"{files:,} files: --jobs 1 / default (wall)", ratio(t("many.jobs1"), t("many.hyperlint")), 1.6,
               higher_is_better=True),
        Target("Terraform tree (100 .tf files): hyperlint wall seconds", t("terraform.hyperlint"), 1.0),
        Target("chart: hyperlint / render alone (wall)", ratio(t("chart.hyperlint"), t("chart.render")), 1.5),
    ]


def render(inputs: Inputs, jobs: list[Job], notes: list[str], markdown: bool) -> str:
    by = {j.key: j for j in jobs}
    floors = {j.input: j for j in jobs if j.key.endswith(".floor")}
    names = {
        "small": f"one manifest ({inputs.small.read_text().count(chr(10))} lines)",
        "stream": f"Helm stream ({inputs.stream_docs:,} docs, {inputs.stream_lines:,} lines)",
        "many": f"{inputs.files:,} files",
        "stack": "50-resource CFN stack",
        "terraform": f"Terraform tree ({inputs.terraform_files} .tf files)",
        "probe": "spare-core check",
        "chart": f"Helm chart ({CHART_TEMPLATES} templates)",
    }
    head = ["input", "command", "runs", "median s", "min s", "CPU s", "peak RSS MiB", "x floor"]
    rows = []
    for job in jobs:
        if job.error:
            rows.append([names[job.input], job.label, "0", "error", "", "", "", ""])
            notes.append(f"{job.input} / {job.label}: {job.error}")
            continue
        if not job.samples:
            continue
        floor = floors.get(job.input)
        vs = (f"{job.median('wall') / floor.median('wall'):.2f}"
              if floor is not None and floor.samples and floor is not job else "")
        rows.append([names[job.input], job.label, str(len(job.samples)), f"{job.median('wall'):.3f}",
                     f"{job.low():.3f}", f"{job.median('cpu'):.2f}", f"{job.peak_mib():.0f}", vs])
    thead = ["target", "measured", "limit", "result"]
    trows = []
    for tg in targets(by, inputs.files):
        limit = f"{'>=' if tg.higher_is_better else '<='} {tg.limit:g}"
        trows.append([tg.what, "n/a" if tg.ratio is None else f"{tg.ratio:.2f}", limit, tg.result])
    out = [table(head, rows, markdown), "", table(thead, trows, markdown)]
    serial, parallel = by.get("probe.serial"), by.get("probe.parallel")
    if serial and parallel and serial.samples and parallel.samples:
        out += ["", f"spare-core check: two busy loops ran {serial.median('wall') / parallel.median('wall'):.2f}x "
                    "faster in two processes than in one (about 2 on an idle 2-CPU machine): no parallel "
                    "run could beat that ratio in this run"]
    if notes:
        out += [""] + [f"note: {n}" for n in notes]
    return "\n".join(out)


def table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    numeric = [i for i, h in enumerate(head) if i >= 2 and h not in ("result", "limit")]
    if markdown:
        align = ["---:" if i in numeric else "---" for i in range(len(head))]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]

    def fmt(r):
        return "  ".join(str(x).rjust(w) if i in numeric else str(x).ljust(w) for i, (x, w) in enumerate(zip(r, widths)))

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows])


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((l.split(":", 1)[1].strip() for l in fh if l.startswith("model name")), "")
    except OSError:
        pass
    return (f"{platform.system()} {platform.machine()}, {cpus} CPUs available{' (' + model + ')' if model else ''}, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "n/a"


def versions(env: dict) -> str:
    code = ("import importlib.metadata as m\n"
            "for p in ('hyperlint', 'ruamel.yaml', 'ruamel.yaml.clib', 'typer', 'yamllint', 'cfn-lint'):\n"
            "    try: print(f'{p} {m.version(p)}', end=', ')\n"
            "    except Exception: pass\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return out.stdout.strip().rstrip(",")
