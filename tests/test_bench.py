"""The benchmark script keeps working: its inputs generate, deterministically, and lint.

No timing here, ever: timings belong to `python bench/run.py`, not to the test suite.
"""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys

from conftest import ROOT

BENCH = ROOT / "bench" / "run.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("hyperlint_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _digest(folder) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def test_quick_generation_runs_and_is_deterministic(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--generate-only", "--out", str(out)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
    for name in ("stream.yaml", "small.yaml", "stack.yaml"):
        assert (first / name).stat().st_size > 0
    assert len(list((first / "many").rglob("*.yaml"))) == _load_bench().QUICK["files"]
    assert _digest(first) == _digest(second)


def test_generated_inputs_parse_and_produce_findings(tmp_path):
    bench = _load_bench()
    inputs = bench.generate(tmp_path, quick=True)
    from hyperlint.config import Config
    from hyperlint.discover import discover
    from hyperlint.engine import lint

    found = discover([str(inputs.stream), str(inputs.small)], [])
    result = lint(found.inputs, Config(jobs=1))
    rules = {f.rule for f in result.findings}
    assert not result.errors
    assert "HP001" not in rules  # every generated document is valid YAML
    assert rules & {"HP301", "HP303", "HP304", "HP306", "HP307"}  # the planted mistakes are found
    alone = lint(discover([str(inputs.stack)], []).inputs, Config(jobs=1))  # the stack, as benchmarked
    assert not alone.errors and not [f for f in alone.findings if f.severity != "info"]
    stack = bench.stack_text()
    assert stack.count("\n    Type: AWS::") == 50


def test_install_size_sums_the_records_of_installed_distributions(tmp_path):
    """bench/install_size.py (the 40 MB target of `pip install .`) counts each distribution's files once."""
    spec = importlib.util.spec_from_file_location("hyperlint_install_size", ROOT / "bench" / "install_size.py")
    size = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(size)
    site = tmp_path / "site-packages"
    for name, files in {"pip-24.0": {"pip/__init__.py": 50}, "hyperlint-0.1.0": {"hyperlint/a.py": 300},
                        "ruamel.yaml-0.18.6": {"ruamel/yaml/b.py": 700, "ruamel/yaml/c.py": 1000}}.items():
        info = site / f"{name}.dist-info"
        info.mkdir(parents=True)
        rows = []
        for path, n in files.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_bytes(b"x" * n)
            rows.append(f"{path},sha256=x,{n}")
        (info / "RECORD").write_text("\n".join(rows + [f"{name}.dist-info/RECORD,,"]) + "\n")
    total, sizes = size.installed_size(site)
    assert "pip" not in sizes and 300 < sizes["hyperlint"] < 400 and 1700 < sizes["ruamel-yaml"] < 1800
    assert total == sum(sizes.values())
    assert size.main(["--site-packages", str(site)]) == 0
def test_generated_chart_renders_and_its_mistakes_are_found_at_their_sources(tmp_path):
    import pytest

    pytest.importorskip("helm_python")
    bench = _load_bench()
    chart = bench.chart_files(tmp_path / "chart", templates=8)
    from hyperlint.config import Config
    from hyperlint.discover import discover
    from hyperlint.engine import lint

    config = Config(jobs=1, charts={"renderer": "python"})
    found = discover([str(chart)])
    result = lint(found.inputs, config, charts=found.charts)
    assert not result.errors
    shown = sorted((f.rule, f.loc.file.rsplit("/", 1)[-1], f.loc.line) for f in result.findings)
    assert shown == [("HP301", "values.yaml", 55), ("HP307", "w03.yaml", 16)]
