"""Start-up cost: heavy modules are imported only when the input needs them."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES, ROOT

PROBE = """
import sys
from hyperlint.cli import main
sys.argv = ["hyperlint", "check", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("cfnlint", "botocore", "jsonschema", "sympy", "pydantic", "networkx", "hcl2", "lark",
                           "helm_python", "hyperlint.render") if m in sys.modules)
print("HEAVY:" + ",".join(heavy))
"""


def imported_by_check(*paths) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *map(str, paths)], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    line = [l for l in proc.stdout.splitlines() if l.startswith("HEAVY:")][-1]
    return [m for m in line[6:].split(",") if m]


def test_kubernetes_input_imports_nothing_heavy():
    assert imported_by_check(FIXTURES / "clean" / "pytorchjob-fsdp.yaml") == []


def test_cloudformation_input_does_not_import_cfn_lint():
    assert imported_by_check(FIXTURES / "clean" / "hyperpod-stack.yaml", FIXTURES / "cfn" / "broken-stack.json") == []


def test_only_a_chart_imports_the_renderer():
    assert imported_by_check(FIXTURES / "clean") == []
    assert imported_by_check(FIXTURES / "charts" / "trainer") == ["helm_python", "hyperlint.render"]


def test_terraform_input_does_not_import_python_hcl2():
    """The fast HCL reader reads a module; python-hcl2 is only the fallback for odd text."""
    assert imported_by_check(FIXTURES / "terraform" / "done_when") == []
