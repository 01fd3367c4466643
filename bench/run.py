#!/usr/bin/env python3
"""hyperlint benchmark: generated inputs, hyperlint and its baselines side by side.

    python bench/run.py                 # 5 runs of everything, a text table
    python bench/run.py --runs 9        # more runs
    python bench/run.py --quick         # smaller inputs, 2 runs: a smoke test
    python bench/run.py --markdown      # the tables for the README
    python bench/run.py --generate-only # write the inputs and stop

Inputs are generated deterministically (seeded) into ``bench/out/`` (or
``--out DIR``):

- ``stream.yaml``: a Helm-rendered stream of 5,000 documents (~165,000 lines)
  with ``# Source:`` comments: Deployments, Jobs, Kubeflow PyTorchJobs,
  Services and ConfigMaps with HyperPod node selectors, a few with real
  mistakes so that findings are produced;
- ``small.yaml``: one small manifest;
- ``many/``: 2,000 small manifest files;
- ``terraform/``: 25 HyperPod EKS Terraform module folders, 100 ``.tf`` files
  (``terraform_tree``);
- ``stack.yaml``: a 50-resource CloudFormation stack (VPC, subnets, route
  tables, security groups, IAM roles, EKS cluster and add-ons, a node group,
  an ``AWS::SageMaker::Cluster``; short-form intrinsics) that lints clean
  with cfn-lint;
- ``chart/``: a Helm chart of 40 workload templates fed by values (two real
  mistakes), linted by hyperlint and rendered alone (``helm template``, else
  helm-python-sdk) for the comparison.

Every measurement is a whole process (``subprocess``), wall time by
``time.perf_counter``, CPU time and peak RSS from ``os.wait4`` (the largest
single process: for a parallel run, the biggest of the parent and its
workers). The commands are interleaved run by run, after one unmeasured
warm-up each, and the tables show medians. Targets are ratios measured in the
same run: absolute times on a shared machine are noise.

Baselines: ``yamllint`` and ``cfn-lint`` are looked up next to this Python
and on PATH; a missing one is reported (with the ``pip install`` that
provides it) and its rows are skipped. The script installs nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: its sibling modules

from inputs import QUICK, chart_files, generate, stack_text, terraform_tree  # noqa: E402
from report import _load, machine, render, versions  # noqa: E402
from timing import Spawner, environment, measure, plan  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240606

__all__ = ["QUICK", "chart_files", "generate", "main", "stack_text", "terraform_tree"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=None, help="measured runs of each command (default 5; --quick: 2)")
    ap.add_argument("--slow-runs", type=int, default=3,
                    help="at most this many runs of yamllint on the stream (~50 s each; default 3)")
    ap.add_argument("--quick", action="store_true", help="smaller inputs and fewer runs: a smoke test")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables (for the README)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="scratch folder (default bench/out)")
    ap.add_argument("--only", default="", help="comma-separated inputs to run: small, stream, stack, many, "
                                               "terraform, chart")
    ap.add_argument("--no-baselines", action="store_true", help="skip the yamllint and cfn-lint rows")
    ap.add_argument("--generate-only", action="store_true", help="write the inputs and stop")
    args = ap.parse_args(argv)
    runs = args.runs if args.runs is not None else (2 if args.quick else 5)
    if runs < 1:
        ap.error("--runs must be at least 1")

    inputs = generate(args.out, quick=args.quick)
    print(f"inputs in {inputs.out}: stream {inputs.stream_docs:,} documents / {inputs.stream_lines:,} lines, "
          f"{inputs.files:,} files, 50-resource stack", file=sys.stderr)
    if args.generate_only:
        return 0

    env = environment()
    only = {s.strip() for s in args.only.split(",") if s.strip()} or None
    if only and only - {"small", "stream", "stack", "many", "terraform", "chart"}:
        ap.error(f"--only takes small, stream, stack, many, terraform, chart (got {', '.join(sorted(only))})")
    jobs, notes = plan(inputs, only, baselines=not args.no_baselines)
    interactive = sys.stderr.isatty()

    def progress(text: str) -> None:
        if interactive:
            sys.stderr.write("\r\033[K" + text)
            sys.stderr.flush()

    spawner = Spawner(env, inputs.out)
    load_before = _load()
    try:
        measure(jobs, runs, args.slow_runs, spawner, progress)
    finally:
        spawner.close()
    print(f"{machine()}; {versions(env)}")
    print(f"load average (1 min) before / after: {load_before} / {_load()} (other processes compete for the CPUs)")
    slow = (f" (yamllint on the stream: {min(runs, args.slow_runs)})"
            if any(j.key == "stream.yamllint" for j in jobs) else "")
    print(f"{runs} measured runs per command{slow}, medians; "
          "peak RSS is the largest single process")
    print()
    print(render(inputs, jobs, notes, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
