"""Scopes (hyperlint.scopes): trees linted from their root, the way a user runs
hyperlint, with every rule; expectations both ways (a tree may pin silence)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clitools import run
from conftest import FIXTURES
from expectations import compare, expected_in
from hyperlint.config import Config
from hyperlint.configfile import read_config
from hyperlint.discover import discover
from hyperlint.engine import lint

SCOPES = FIXTURES / "scopes"
TREES = sorted(p for p in SCOPES.iterdir() if p.is_dir() and not p.name.startswith("_"))
UNRELATED = SCOPES / "_unrelated"


def lint_tree(root: Path, monkeypatch, config: Config | None = None):
    monkeypatch.chdir(root)  # names as a user sees them (and no checkout path in them)
    found = discover(["."])
    return lint(found.inputs, config or Config()), found


@pytest.mark.parametrize("tree", TREES, ids=lambda p: p.name)
def test_tree(tree: Path, monkeypatch):
    result, found = lint_tree(tree, monkeypatch)
    assert not result.errors, result.errors
    expectations = [e for i in found.inputs for e in expected_in(Path(i.path))]
    problems = compare(result.findings, expectations)
    assert not problems, "\n".join(problems)


def _keys(result, outside: str | None = None):
    return sorted((f.loc.file, f.loc.line, f.loc.column, f.rule, f.severity, f.message) for f in result.findings
                  if outside is None or not f.loc.file.startswith(outside))


BASES = [FIXTURES / "projects" / "stack-and-manifests", FIXTURES / "projects" / "describe-cluster",
         SCOPES / "hp301_eksctl_elsewhere", SCOPES / "auto_mode", SCOPES / "eksctl_plain_gpu",
         SCOPES / "terraform_patterns", SCOPES / "terraform_deployment", SCOPES / "cfn_nested_stacks"]


@pytest.mark.parametrize("base", BASES, ids=lambda p: p.name)
def test_an_unrelated_folder_changes_no_finding_outside_it(base: Path, tmp_path, monkeypatch):
    alone, mixed = tmp_path / "alone", tmp_path / "mixed"
    shutil.copytree(base, alone)
    shutil.copytree(base, mixed)
    shutil.copytree(UNRELATED, mixed / "zz-unrelated-example")
    before, _ = lint_tree(alone, monkeypatch)
    after, _ = lint_tree(mixed, monkeypatch)
    assert before.findings, "the base tree must have findings for the comparison to mean anything"
    assert _keys(after, "zz-unrelated-example/") == _keys(before)
    added = [f for f in after.findings if f.loc.file.startswith("zz-unrelated-example/")]
    assert {f.rule for f in added} >= {"HP101", "HP103"}  # the added folder is linted, on its own


def test_the_unrelated_folder_would_change_the_base_if_joined(tmp_path, monkeypatch):
    """The property test can fail: the same folder, mapped to the base's cluster by
    configuration, changes its findings."""
    root = tmp_path / "mixed"
    shutil.copytree(SCOPES / "hp301_eksctl_elsewhere" / "hyperpod", root / "hyperpod")
    shutil.copytree(UNRELATED / "eks", root / "eks")
    (root / ".hyperlint.yaml").write_text("clusters:\n  - source: eks/cluster.yaml\n    manifests: ['hyperpod/jobs/*']\n")
    result, _ = lint_tree(root, monkeypatch, read_config(root / ".hyperlint.yaml", ".hyperlint.yaml"))
    assert not [f for f in result.findings if f.rule == "HP301"]  # eks/ provides p5.48xlarge: right as written


def test_configuration_maps_manifests_to_a_cluster(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(SCOPES / "hp402_unrelated_examples", root)
    (root / ".hyperlint.yaml").write_text(
        "clusters:\n  - source: examples/cluster-a/create-cluster.yaml\n    manifests: ['inference/*.yaml']\n")
    config = read_config(root / ".hyperlint.yaml", ".hyperlint.yaml")
    result, _ = lint_tree(root, monkeypatch, config)
    hp402 = [(f.loc.file, f.loc.line) for f in result.findings if f.rule == "HP402"]
    assert ("inference/deploy.yaml", 22) in hp402  # ml.g6e.12xlarge: example-a has only ml.g5.8xlarge
    assert not result.notes


def test_a_clusters_entry_naming_no_source_is_said(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(SCOPES / "hp402_unrelated_examples", root)
    (root / ".hyperlint.yaml").write_text("clusters:\n  - source: examples/cluster-c/create-cluster.yaml\n"
                                          "    manifests: ['inference/*']\n")
    result, _ = lint_tree(root, monkeypatch, read_config(root / ".hyperlint.yaml", ".hyperlint.yaml"))
    assert any("clusters[0].source 'examples/cluster-c/create-cluster.yaml' is not a cluster source of this run"
               in n for n in result.notes), result.notes
    assert any("belongs to none of them" in n for n in result.notes)  # inference/ is still unmapped


def test_configuration_ties_an_eks_cluster_to_hyperpod(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(SCOPES / "eksctl_plain_gpu", root)
    (root / ".hyperlint.yaml").write_text("clusters:\n  - source: cluster.yaml\n    hyperpod: true\n")
    result, _ = lint_tree(root, monkeypatch, read_config(root / ".hyperlint.yaml", ".hyperlint.yaml"))
    assert {(f.rule, f.severity) for f in result.findings} == {("HP101", "error"), ("HP103", "error")}


def test_a_hyperpod_cluster_naming_the_eks_cluster_ties_it(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(SCOPES / "eksctl_plain_gpu", root)
    (root / "create-cluster.yaml").write_text(
        "ClusterName: hp\nOrchestrator: {Eks: {ClusterArn: 'arn:aws:eks:us-east-1:111122223333:cluster/gpu-training'}}\n"
        "InstanceGroups:\n  - {InstanceGroupName: g, InstanceType: ml.g5.8xlarge, InstanceCount: 1}\n")
    result, _ = lint_tree(root, monkeypatch, Config(select=["HP101"]))
    assert [f.severity for f in result.findings] == ["error"]
    (root / "create-cluster.yaml").write_text(  # a HyperPod cluster of another EKS cluster: not tied
        "ClusterName: hp\nOrchestrator: {Eks: {ClusterArn: 'arn:aws:eks:us-east-1:111122223333:cluster/other'}}\n"
        "InstanceGroups:\n  - {InstanceGroupName: g, InstanceType: ml.g5.8xlarge, InstanceCount: 1}\n")
    result, _ = lint_tree(root, monkeypatch, Config(select=["HP101"]))
    assert [f.severity for f in result.findings] == ["info"]


def test_the_note_is_said_once_on_stderr(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(SCOPES / "hp402_unrelated_examples", root)
    shutil.copy(root / "inference" / "deploy.yaml", root / "inference" / "more.yaml")
    proc = run("check", ".", cwd=root)
    err = proc.stderr.decode()
    assert err.count("hyperlint: note: 2 cluster sources in this run") == 1, err
    assert "2 files with Kubernetes manifests (inference/deploy.yaml ...) belong to none of them" in err
    assert "clusters: [{source: examples/cluster-a/create-cluster.yaml" in err
    assert "note" not in proc.stdout.decode()
    import json

    doc = json.loads(run("check", "-f", "json", ".", cwd=root).stdout)
    assert len(doc["notes"]) == 1 and doc["notes"][0].startswith("2 cluster sources in this run")
    sarif = json.loads(run("check", "-f", "sarif", ".", cwd=root).stdout)
    (note,) = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "note" and note["message"]["text"] == doc["notes"][0]


def test_capacity_uses_the_same_scopes(tmp_path):
    import json

    root = tmp_path / "repo"
    shutil.copytree(SCOPES / "hp402_unrelated_examples", root)
    doc = json.loads(run("capacity", "--format", "json", ".", cwd=root).stdout)
    assert {c["name"] for c in doc["clusters"]} == {"example-a", "example-b"}
    # the job of example-a's folder is judged against example-a only; inference/ against none
    assert [u["workload"] for u in doc["unplaced"]] == ["Job kubeflow/train"]
    (root / ".hyperlint.yaml").write_text(  # the configuration maps inference/ to example-a, as for check
        "clusters:\n  - source: examples/cluster-a/create-cluster.yaml\n    manifests: ['inference/*']\n")
    doc = json.loads(run("capacity", "--format", "json", ".", cwd=root).stdout)
    assert sorted(u["workload"] for u in doc["unplaced"]) == [
        "Deployment default/serve", "InferenceEndpointConfig default/llama", "Job kubeflow/train"]


# -- the nearest-directory match, case by case ------------------------------------------------

def _part(path: str, source: bool = False, eks: str | None = None, names: tuple = ()):
    from hyperlint.findings import Loc
    from hyperlint.model import EksCluster, HyperPodCluster, Model
    from hyperlint.scopes import Part

    model = Model(manifests_seen=not source)
    if source and eks:
        model.eks_clusters.append(EksCluster(eks, "eksctl", Loc(path, 1, 1)))
    elif source:
        model.clusters.append(HyperPodCluster("hp", "describe-cluster", Loc(path, 1, 1), eks=names))
    return Part(path, "/repo/" + path, model)


def _scopes_of(parts):
    from hyperlint.scopes import group

    grouping = group(parts, Config())
    return {p.file: sorted(s.label for s in grouping.by_file.get(p.file, ()) if s.sources) for p in parts}


@pytest.mark.parametrize("job, joins", [
    ("a/job.yaml", ["a/cluster.json"]),  # its own folder
    ("a/k8s/deep/job.yaml", ["a/cluster.json"]),  # an ancestor's
    ("b/k8s/job.yaml", ["b/infra/cluster.json"]),  # a direct subfolder of an ancestor (infra/ beside k8s/)
    ("c/tests/x/job.yaml", []),  # c/ holds c/deep/er/cluster.json only two levels down: another example's
    ("d/job.yaml", []),  # two sources in d/: ambiguous
    ("job.yaml", []),  # the top: its direct subfolders a/ and d/ hold three sources: ambiguous
])
def test_nearest_directory_match(job, joins):
    parts = [_part("a/cluster.json", True), _part("b/infra/cluster.json", True), _part("c/deep/er/cluster.json", True),
             _part("d/one.json", True), _part("d/two.json", True), _part(job)]
    assert _scopes_of(parts)[job] == joins


def test_sources_of_one_folder_that_name_each_other_are_one_cluster():
    parts = [_part("x/eksctl.yaml", True, eks="training"), _part("x/create-cluster.json", True, names=("training",)),
             _part("x/job.yaml"), _part("y/cluster.json", True)]
    assert _scopes_of(parts)["x/job.yaml"] == ["x/eksctl.yaml, x/create-cluster.json"]
    parts[1] = _part("x/create-cluster.json", True, names=("other",))  # names another EKS cluster: two clusters
    assert _scopes_of(parts)["x/job.yaml"] == []
