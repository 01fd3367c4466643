"""Autofix: golden files per case, layout kept byte for byte, idempotent.

Regenerate the golden files with HYPERLINT_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXTURES
from hyperlint.config import Config
from hyperlint.discover import Input
from hyperlint.engine import lint
from hyperlint.fix import fix_bytes, unified_diff

FIX = FIXTURES / "fix"
INPUTS = sorted(p for p in FIX.iterdir() if p.suffix in (".yaml", ".json") and ".fixed" not in p.name
                and ".unsafe" not in p.name)
UPDATE = os.environ.get("HYPERLINT_UPDATE_GOLDEN") == "1"


def fixed(data: bytes, name: str, unsafe: bool = False) -> tuple[bytes, list]:
    result = lint([Input(name, None, data)], Config())
    return fix_bytes(data, result.findings, name.endswith(".json"), unsafe=unsafe)


def golden(path: Path, actual: bytes) -> None:
    if UPDATE:
        path.write_bytes(actual)
    assert path.exists(), f"missing golden file {path.name} (run with HYPERLINT_UPDATE_GOLDEN=1)"
    assert actual == path.read_bytes(), f"{path.name} differs"


# HP103 is an unsafe fix; so is HP313's when it adds the label, and HP301's where the workload only may be meant for HyperPod (a warning)
UNSAFE_CASES = [p for p in INPUTS if p.name.startswith("cfn") or p.name in ("k8s-flow.yaml", "helm-stream.yaml",
                                                                            "k8s-task-governance.yaml", "api-create-cluster.json")]


@pytest.mark.parametrize("case, unsafe", [(p, False) for p in INPUTS] + [(p, True) for p in UNSAFE_CASES],
                         ids=lambda v: v.name if isinstance(v, Path) else ("unsafe" if v else "safe"))
def test_golden(case: Path, unsafe: bool):
    data = case.read_bytes()
    after, done = fixed(data, case.name, unsafe)
    assert done, "every case has something to fix"
    if unsafe:
        assert after != fixed(data, case.name)[0], "an unsafe case must differ from the safe fix"
    kind = ".unsafe" if unsafe else ".fixed"
    golden(case.with_name(case.stem + kind + case.suffix), after)
    golden(case.with_name(case.name + kind + ".diff"), unified_diff(case.name, data, after).encode())


@pytest.mark.parametrize("case", INPUTS, ids=lambda p: p.name)
def test_only_the_values_change(case: Path):
    data = case.read_bytes()
    after, _ = fixed(data, case.name, unsafe=False)
    before_lines, after_lines = data.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(before_lines) == len(after_lines), "a safe fix never adds or removes lines"
    for old, new in zip(before_lines, after_lines):
        if old != new:  # same line ending, same indentation, same comment
            assert old[-2:] == new[-2:] or old[-1:] == new[-1:]
            assert old[: len(old) - len(old.lstrip())] == new[: len(new) - len(new.lstrip())]
            assert old.split(b"#", 1)[1:] == new.split(b"#", 1)[1:]


@pytest.mark.parametrize("case", INPUTS, ids=lambda p: p.name)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fixing_twice_changes_nothing(case: Path, unsafe: bool):
    once, _ = fixed(case.read_bytes(), case.name, unsafe)
    twice, done = fixed(once, case.name, unsafe)
    assert twice == once and done == []
    remaining = [f for f in lint([Input(case.name, None, once)], Config()).findings]
    assert not [f for f in remaining if f.rule in ("HP301", "HP201") and (unsafe or f.severity == "error")]
    if unsafe:
        assert "HP103" not in {f.rule for f in remaining}


def test_placeholders_and_unknown_types_are_never_touched():
    data = (b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector:\n"
            b"    node.kubernetes.io/instance-type: \"{{ .Values.type }}\"\n"
            b"    beta.kubernetes.io/instance-type: t4g.small\n  containers: [{name: c, image: busybox}]\n")
    assert fixed(data, "p.yaml") == (data, [])


# -- the command line ---------------------------------------------------------------------------

MANIFEST = """\
# Workers on the p5 capacity block.
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama   # 70B
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: p5.48xlarge   # keep this comment
            sagemaker.amazonaws.com/node-health-status: Schedulable
          affinity:
            nodeAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 1
                  preference:
                    matchExpressions:
                      - {key: node.kubernetes.io/instance-type, operator: In, values: ['p4d.24xlarge', "p5e.48xlarge"]}
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
"""


def test_fix_changes_only_the_values_in_git_diff_and_keeps_the_mode(tmp_path):
    import subprocess

    from clitools import run

    path = tmp_path / "job.yaml"
    path.write_text(MANIFEST)
    path.chmod(0o640)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "job.yaml"], cwd=tmp_path, check=True)
    proc = run("check", "--fix", "job.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert "fixed 3 findings in 1 file" in proc.stderr.decode()
    changed = subprocess.run(["git", "diff", "-U0", "--no-color", "job.yaml"], cwd=tmp_path, capture_output=True,
                             text=True, check=True).stdout
    minus = [line for line in changed.splitlines() if line.startswith("-") and not line.startswith("---")]
    plus = [line for line in changed.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert minus == ["-            node.kubernetes.io/instance-type: p5.48xlarge   # keep this comment",
                     "-                      - {key: node.kubernetes.io/instance-type, operator: In, values: "
                     "['p4d.24xlarge', \"p5e.48xlarge\"]}"]
    assert plus == ["+            node.kubernetes.io/instance-type: ml.p5.48xlarge   # keep this comment",
                    "+                      - {key: node.kubernetes.io/instance-type, operator: In, values: "
                    "['ml.p4d.24xlarge', \"ml.p5e.48xlarge\"]}"]
    assert path.stat().st_mode & 0o777 == 0o640
    again = run("check", "--select", "HP301", "job.yaml", cwd=tmp_path)
    assert again.returncode == 0 and b"HP301" not in again.stdout


def test_diff_writes_nothing_and_stdin_fix_prints_the_stream(tmp_path):
    from clitools import run

    path = tmp_path / "job.yaml"
    path.write_text(MANIFEST)
    proc = run("check", "--diff", "job.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "+            node.kubernetes.io/instance-type: ml.p5.48xlarge" in proc.stdout.decode()
    assert proc.stdout.decode().startswith("--- a/job.yaml\n+++ b/job.yaml\n")
    assert path.read_text() == MANIFEST
    absolute = run("check", "--diff", str(path), cwd=tmp_path).stdout.decode()
    assert absolute.startswith(f"--- a/{str(path).lstrip('/')}\n+++ b/{str(path).lstrip('/')}\n")  # never a//
    proc = run("check", "--fix", "-", "--stdin-filename", "job.yaml", cwd=tmp_path, stdin=MANIFEST.encode())
    assert proc.stdout.decode() == MANIFEST.replace(": p5.48xlarge", ": ml.p5.48xlarge").replace(
        "'p4d.24xlarge'", "'ml.p4d.24xlarge'").replace('"p5e.48xlarge"', '"ml.p5e.48xlarge"')
    assert proc.returncode == 0 and "fixed 3 findings" in proc.stderr.decode()
    assert path.read_text() == MANIFEST
    assert run("check", "--unsafe-fixes", "job.yaml", cwd=tmp_path).returncode == 2


def test_unsafe_fix_only_with_the_flag(tmp_path):
    from clitools import run

    stack = (FIX / "cfn.yaml").read_text()
    path = tmp_path / "stack.yaml"
    path.write_text(stack)
    run("check", "--fix", "stack.yaml", cwd=tmp_path)
    assert "AccessConfig" not in path.read_text() and "ml.p5.48xlarge" in path.read_text()
    run("check", "--fix", "--unsafe-fixes", "stack.yaml", cwd=tmp_path)
    assert "AuthenticationMode: API_AND_CONFIG_MAP" in path.read_text()
    assert path.read_text() == (FIX / "cfn.unsafe.yaml").read_text()


def test_rule_docs_say_whether_a_fix_exists():
    from clitools import run

    assert "Fix: safe" in run("rule", "HP301").stdout.decode()
    assert "Fix: unsafe" in run("rule", "HP103").stdout.decode()
    assert "Fix: no" in run("rule", "HP306").stdout.decode()


# -- property: fixing twice changes nothing -----------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TYPES = st.sampled_from(["p5.48xlarge", "ml.p5.48xlarge", "g5.xlarge", "t4g.small", "{{ .Values.t }}",
                         "p4d.24xlarge", "trn1.32xlarge", "ml.g6.12xlarge", "ml.p5.48xl"])
QUOTES = st.sampled_from(["", "'", '"'])
HEALTH = st.sampled_from(["Schedulable", "schedulable", "SCHEDULABLE", "Healthy"])


def _manifest(values, health, flow, comment, crlf) -> bytes:
    items = [f"{q}{v}{q}" if q or not v.startswith("{") else f'"{v}"' for v, q in values]
    note = "  # pinned" if comment else ""
    if flow:
        values_text = f"values: [{', '.join(items)}]{note}"
    else:
        values_text = "values:\n" + "".join(f"                  - {i}{note}\n" for i in items).rstrip("\n")
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        f"  nodeSelector:\n    sagemaker.amazonaws.com/node-health-status: {health}{note}\n"
        "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "        nodeSelectorTerms:\n          - matchExpressions:\n"
        "              - key: node.kubernetes.io/instance-type\n                operator: In\n"
        f"                {values_text}\n"
        "  containers: [{name: c, image: busybox}]\n"
    )
    return text.replace("\n", "\r\n").encode() if crlf else text.encode()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(values=st.lists(st.tuples(TYPES, QUOTES), min_size=1, max_size=4), health=HEALTH, flow=st.booleans(),
       comment=st.booleans(), crlf=st.booleans())
def test_fixing_twice_changes_nothing_property(values, health, flow, comment, crlf):
    data = _manifest(values, health, flow, comment, crlf)
    once, _ = fixed(data, "p.yaml")
    twice, done = fixed(once, "p.yaml")
    assert twice == once and done == []
    assert once.count(b"\n") == data.count(b"\n") and once.count(b"\r\n") == data.count(b"\r\n")
    remaining = {f.rule for f in lint([Input("p.yaml", None, once)], Config()).findings}
    assert "HP301" not in remaining
    assert ("HP303" in remaining) == (health == "Healthy")
