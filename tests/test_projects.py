"""Cross-document analysis: small projects linted as one run, with all rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clitools import run
from conftest import FIXTURES
from expectations import compare, expected_in
from hyperlint.config import Config
from hyperlint.discover import discover
from hyperlint.engine import lint

PROJECTS = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())


def _lint(path: Path):
    found = discover([str(path)])
    return lint(found.inputs, Config()), found


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_project(project):
    result, found = _lint(project)
    assert not result.errors
    expectations = [e for i in found.inputs for e in expected_in(Path(i.path))]
    assert expectations
    problems = compare(result.findings, expectations)
    assert not problems, "\n".join(problems)


def test_describe_cluster_gives_the_same_workload_findings_as_the_stack():
    def workload_findings(name):
        result, _ = _lint(FIXTURES / "projects" / name)
        return sorted((f.rule, Path(f.loc.file).name, f.loc.line, f.loc.column, f.message)
                      for f in result.findings if f.loc.file.endswith("manifests.yaml"))
    assert workload_findings("stack-and-manifests") == workload_findings("describe-cluster")
    assert {r for r, *_ in workload_findings("describe-cluster")} == {"HP401", "HP402", "HP403"}


def test_capacity_command_text_markdown_json():
    project = FIXTURES / "projects" / "stack-and-manifests"
    proc = run("capacity", project)
    text = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("group"))
    for column in ("type", "count", "max pods", "DaemonSet pods", "workload pods", "free slots"):
        assert column in header
    system = next(line for line in lines if line.startswith("system "))
    assert system.split()[:7] == ["system", "ml.t3.medium", "1", "5", "1", "12", "-8"]
    assert "Deployment tools/api" in text and "needs 3 nodes" in text
    md = run("capacity", "--format", "markdown", project).stdout.decode()
    assert "| group | type | count |" in md and "| system | ml.t3.medium | 1 | 5 | 1 | 12 | -8 |" in md
    doc = json.loads(run("capacity", "--format", "json", project).stdout)
    (cluster,) = doc["clusters"]
    groups = {g["name"]: g for g in cluster["groups"]}
    assert groups["system"]["free_slots"] == -8 and groups["gpu-workers"]["workload_pods"] == 2
    assert groups["gpu-workers"]["daemonset_pods_per_node"] == 1
    assert any(u["workload"].startswith("Job kubeflow/pretrain") for u in doc["unplaced"])
