"""The pre-commit hooks: the manifest is valid, and `pre-commit try-repo` on this checkout
installs the `hyperlint` hook and fails or passes as it should."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import network_unavailable
from ruamel.yaml import YAML

from clitools import ROOT
from gittools import commit_all, copy_checkout, git, new_repo

HOOKS = {h["id"]: h for h in YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())}
NETWORK_ERRORS = ("Could not find a version", "No matching distribution", "Failed to establish a new connection",
                  "Temporary failure in name resolution", "Network is unreachable", "Max retries exceeded",
                  "ConnectTimeout", "ReadTimeout", "ProxyError", "SSLError")

WRONG = """\
apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  nodeSelector:
    node.kubernetes.io/instance-type: p5.48xlarge
    sagemaker.amazonaws.com/node-health-status: Schedulable
  containers:
    - name: main
      image: busybox
"""
CLEAN = WRONG.replace("p5.48xlarge", "ml.p5.48xlarge")


def pre_commit(*args, cwd, home: Path, timeout=900) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", GIT_CONFIG_NOSYSTEM="1")
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_manifest_is_valid(tmp_path):
    proc = pre_commit("validate-manifest", ROOT / ".pre-commit-hooks.yaml", cwd=tmp_path, home=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hook = HOOKS["hyperlint"]
    assert (hook["entry"], hook["language"], hook["types_or"]) == ("hyperlint check", "python", ["yaml", "json", "terraform"])
    assert hook.get("pass_filenames", True) and hook["require_serial"]
    fix = HOOKS["hyperlint-fix"]
    assert (fix["entry"], fix["language"], fix["types_or"]) == ("hyperlint check --fix", "python", ["yaml", "json", "terraform"])
    cfn = HOOKS["hyperlint-cfn-lint"]
    # the wrapper passes cfn-lint only templates, and installs cfn-lint (an optional dependency)
    assert (cfn["entry"], cfn["language"]) == ("python -m hyperlint.cfnlint_hook", "python")
    assert cfn["additional_dependencies"] == ["cfn-lint>=1.0"] and "args" not in cfn
    import re

    pattern = re.compile(cfn["files"])
    assert all(pattern.search(n) for n in ("stack.yaml", "stack.yml", "stack.json", "stack.template"))
    assert not pattern.search("stack.txt")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """pre-commit reads a git repository: this working tree, committed in a copy."""
    return copy_checkout(tmp_path_factory.mktemp("checkout") / "hyperlint")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(hook_repo: Path, home: Path, tmp_path: Path, name: str, text: str,
             hook: str = "hyperlint") -> subprocess.CompletedProcess:
    """A project whose .pre-commit-config.yaml names the hook repository at its commit, as users
    write it. pre-commit keys hook environments on (repository, rev), so the scenarios of this
    module share one environment (`try-repo` would build a new one for each)."""
    project = new_repo(tmp_path / "project")
    rev = git("rev-parse", "HEAD", cwd=hook_repo)
    hooks = "".join(f"      - id: {h}\n" for h in HOOKS)
    (project / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n{hooks}")
    (project / name).write_text(text)
    commit_all(project, "manifest")
    proc = pre_commit("run", hook, "--files", name, "--verbose", cwd=project, home=home)
    ran = "HP" in proc.stdout or "- hook id:" in proc.stdout  # the hook itself ran (and failed or changed files)
    if proc.returncode != 0 and "Installing environment" in proc.stdout + proc.stderr and not ran:
        log = home / "pre-commit.log"
        details = proc.stdout + proc.stderr + (log.read_text(errors="replace") if log.exists() else "")
        if any(marker in details for marker in NETWORK_ERRORS):
            network_unavailable("pre-commit cannot install the hook: no network to reach the package index")
        pytest.fail(f"pre-commit could not install the hook:\n{details[-4000:]}")
    return proc


def test_try_repo_fails_on_a_wrong_instance_type(hook_repo, home, tmp_path):
    proc = try_repo(hook_repo, home, tmp_path, "training.yaml", WRONG)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "hyperlint (SageMaker HyperPod on EKS)" in out and "Failed" in out
    assert "training.yaml:7:39: HP301 [error] [*] instance type 'p5.48xlarge' has no 'ml.' prefix" in out
    assert "hyperlint: 1 problem (1 error) in 1 of 1 file" in out


def test_try_repo_passes_a_clean_manifest(hook_repo, home, tmp_path):
    proc = try_repo(hook_repo, home, tmp_path, "training.yaml", CLEAN)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout and "HP301" not in proc.stdout


def test_try_repo_fix_hook_rewrites_the_value(hook_repo, home, tmp_path):
    proc = try_repo(hook_repo, home, tmp_path, "training.yaml", WRONG, hook="hyperlint-fix")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # pre-commit fails a hook that modified files
    assert "files were modified by this hook" in proc.stdout
    assert (tmp_path / "project" / "training.yaml").read_text() == CLEAN


TERRAFORM = """\
resource "awscc_sagemaker_cluster" "hyperpod" {
  cluster_name = "training"
  instance_groups = [{
    instance_group_name = "workers"
    instance_type       = "p5.48xlarge"
    instance_count      = 2
    execution_role      = "arn:aws:iam::111122223333:role/hyperpod-exec"
    life_cycle_config = {
      source_s3_uri = "s3://sagemaker-lifecycle/scripts/"
      on_create     = "on_create.sh"
    }
  }]
}
"""


def test_try_repo_lints_terraform(hook_repo, home, tmp_path):
    """`types_or` includes terraform: a .tf file in a commit is linted (HP201 on the instance type)."""
    proc = try_repo(hook_repo, home, tmp_path, "main.tf", TERRAFORM)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "main.tf:5:27: HP201 [error]" in proc.stdout, proc.stdout
