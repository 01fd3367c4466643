"""How much `pip install .` puts on disk: the packages hyperlint brings, in MB.

    python bench/install_size.py            # install into a fresh venv, measure, remove it
    python bench/install_size.py --extra cfn-lint
    python bench/install_size.py --site-packages /path/to/venv/lib/python3.12/site-packages

A fresh virtual environment gets ``pip install <this checkout>`` (``--extra``:
``<checkout>[extra]``); the size is the sum of the files of every installed
distribution except the ones a new venv already has (pip, setuptools), read
from each distribution's RECORD (so shared folders are not counted twice, and
nothing outside site-packages is missed). The target is under 40 MB
(issue 16): cfn-lint and its dependencies (sympy, networkx ...) are an extra.
Needs the package index (or a local wheel cache) for the dependencies.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 40
BASE = {"pip", "setuptools", "wheel", "distribute"}


def distribution_sizes(site_packages: Path) -> dict[str, int]:
    """Installed bytes per distribution of ``site_packages`` (from the RECORD files)."""
    sizes: dict[str, int] = {}
    for info in sorted(site_packages.glob("*.dist-info")):
        name = re.sub(r"[-_.]+", "-", info.name.split("-")[0]).lower()  # PEP 503 normalised
        record = info / "RECORD"
        total = 0
        if record.exists():
            with open(record, newline="", encoding="utf-8") as fh:
                for row in csv.reader(fh):
                    if not row:
                        continue
                    path = (site_packages / row[0]).resolve()
                    try:
                        total += path.stat().st_size
                    except OSError:
                        continue
        sizes[name] = total
    return sizes


def installed_size(site_packages: Path) -> tuple[int, dict[str, int]]:
    sizes = {k: v for k, v in distribution_sizes(site_packages).items() if k not in BASE}
    return sum(sizes.values()), sizes


def _site_packages(env_dir: Path) -> Path:
    found = list(env_dir.glob("lib/python*/site-packages")) or list(env_dir.glob("Lib/site-packages"))
    if not found:
        raise SystemExit(f"no site-packages under {env_dir}")
    return found[0]


def measure(extra: str | None = None) -> tuple[int, dict[str, int]]:
    with tempfile.TemporaryDirectory(prefix="hyperlint-size-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        target = f"{ROOT}[{extra}]" if extra else str(ROOT)
        proc = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", target],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"pip install {target} failed:\n{proc.stderr[-2000:]}")
        return installed_size(_site_packages(env_dir))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", help="install hyperlint[EXTRA] (e.g. cfn-lint)")
    parser.add_argument("--site-packages", type=Path, help="measure this folder instead of installing")
    args = parser.parse_args(argv)
    total, sizes = installed_size(args.site_packages) if args.site_packages else measure(args.extra)
    for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"{size / 1e6:8.2f} MB  {name}")
    verdict = "PASS" if total < LIMIT_MB * 1e6 or args.extra else "FAIL"
    print(f"{total / 1e6:8.2f} MB  total, {len(sizes)} distributions (limit {LIMIT_MB} MB without extras: {verdict})")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
