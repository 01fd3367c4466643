"""Real-world trees (tests/realworld, provenance in its README): public files of public
HyperPod repositories, each tree linted from its root as a user runs `hyperlint check .`.

Every finding must be expected by a `# expect:` marker on its line and every marker met
(tests/expectations.py); the files that are not inputs (a website's tsconfig.json, Hydra
configs, a Helm chart's config/ folder, empty JSON, a broken symlink ...) give nothing, and
each tree says which charts it found and which files it skipped, and why."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from expectations import compare, expected_in
from hyperlint.configfile import load_config
from hyperlint.discover import discover
from hyperlint.engine import lint

REALWORLD = ROOT / "tests" / "realworld"
CASES = sorted(p for p in REALWORLD.iterdir() if p.is_dir())

# tree -> (outermost charts found, {skipped file: text its reason contains})
TREES = {
    "website-hydra-chart": (
        ["tests/k8s_workflow/k8s_baseline_artifacts/llama-8b/k8s_template"],
        {
            "website/tsconfig.json": "TypeScript configuration",
            "website/package.json": "npm package manifest",
            "website/docs/00-getting-started/_category_.json": "no Kubernetes object",
            "launcher/nemo/nemo_framework_launcher/auto_configurator/conf/search_config/llama/7b.yaml": "does not parse",
            "tests/k8s_workflow/k8s_baseline_artifacts/llama-8b/llama-8b_hydra.yaml": "does not parse",
        },
    ),
    "awsome-distributed-training": (
        ["4.validation_and_observability/3.efa-node-exporter/EKS"],
        {
            "1.architectures/7.sagemaker-hyperpod-eks/task-governance/2-hyperpod-cli-example-team-b.yaml":
                "no Kubernetes object",
            "3.test_cases/megatron/nemo1.0/EKS/launcher_scripts/conf/config.yaml": "no Kubernetes object",
            "3.test_cases/megatron/nemo1.0/EKS/launcher_scripts/conf/data_preparation/gpt3/data_prep.yaml":
                "template source: unrendered template text on line 1",
            "4.validation_and_observability/3.efa-node-exporter/buildspec.yaml": "CodeBuild",
            "4.validation_and_observability/3.efa-node-exporter/docker-compose.yml": "Docker Compose",
        },
    ),
    "hyperpod-quickstart": (
        [],
        {
            "modules/inference/nvidia-dynamo/karpenter/nodepool.yaml": "template source",
            "modules/inference/nvidia-dynamo/helm-values/nats.yaml": "no Kubernetes object",
            "stacks/eks-gpu/params/small.json": "no Kubernetes object",
        },
    ),
    "cluster-setup": (
        [],
        {
            "eks/cloudformation/resources/slurm-script/provisioning_parameters.json": "empty file",
            "eks/linked.yaml": "broken symbolic link",
        },
    ),
    "cfn-functions": ([], {}),
    "aws-do-eks": ([], {}),
    "dlami-nvme": ([], {}),
}


def _lint_tree(case: Path, tmp_path: Path, monkeypatch):
    tree = tmp_path / case.name
    shutil.copytree(case, tree, symlinks=True)
    if case.name == "cluster-setup":
        # a link into a submodule that was not checked out (git keeps the link, not the target)
        os.symlink("../submodule/missing.yaml", tree / "eks" / "linked.yaml")
    monkeypatch.chdir(tree)
    found = discover(["."])
    result = lint(found.inputs, load_config(start="."))
    return found, result


def test_every_tree_is_described():
    assert sorted(TREES) == sorted(p.name for p in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_tree_as_a_user_runs_it(case: Path, tmp_path: Path, monkeypatch):
    found, result = _lint_tree(case, tmp_path, monkeypatch)
    assert not found.errors and not result.errors, (found.errors, result.errors)
    files = sorted(p for p in Path(".").rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    problems = compare(result.findings, [e for f in files for e in expected_in(f)])
    assert not problems, "\n".join(problems)
    assert "HP001" not in {f.rule for f in result.findings}

    charts, skipped = TREES[case.name]
    assert found.charts == charts
    reasons = dict(found.skipped + result.skipped)
    assert sorted(reasons) == sorted(skipped), reasons
    for name, text in skipped.items():
        assert text in reasons[name], (name, reasons[name])


def test_chart_files_are_never_read_raw(tmp_path: Path, monkeypatch):
    """No file under a chart folder reaches the engine, and a chart inside a chart
    (`charts/` sub-charts) is not named on its own."""
    found, _ = _lint_tree(REALWORLD / "awsome-distributed-training", tmp_path, monkeypatch)
    chart = "4.validation_and_observability/3.efa-node-exporter/EKS/"
    assert not [i.display for i in found.inputs if i.display.startswith(chart)]


def test_website_hydra_and_chart_as_the_issue_states(tmp_path: Path):
    """`hyperlint check .` on a repository with a website (tsconfig.json), Hydra configs and a
    Helm chart: no HP001 for the website or the Hydra configs, the chart's files never read raw,
    the skipped files counted. The chart is rendered (hyperlint.render): its baseline values
    (`persistentVolumeClaims: [null]`) make Helm fail, which is one HP001 at the template line
    Helm names, as info: the chart is meant to be rendered with the launcher's values."""
    import pytest
    from clitools import run

    pytest.importorskip("helm_python")
    tree = tmp_path / "repo"
    shutil.copytree(REALWORLD / "website-hydra-chart", tree)
    proc = run("check", "--output-format", "concise", ".", cwd=tree)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    chart = "tests/k8s_workflow/k8s_baseline_artifacts/llama-8b/k8s_template"
    hp001 = [line for line in out.splitlines() if " HP001 " in line]
    assert len(hp001) == 1 and hp001[0].startswith(f"{chart}/templates/training.yaml:182:28: HP001 [info]")
    assert "nil pointer evaluating interface {}.mountPath" in hp001[0]
    assert err == ""
    assert out.splitlines()[-1].endswith("; 5 files skipped as not inputs (--show-files lists them)")
