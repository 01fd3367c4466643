"""The GitHub Action: its metadata against the Actions schema, and its steps run here with a
simulated GitHub environment (event file, outputs, job summary, a git history for only-changed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import network_unavailable
from ruamel.yaml import YAML

from clitools import ROOT
from gittools import commit_all, git, new_repo
from test_output import BAD, assert_valid_sarif

ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())
GOOD = BAD.replace("p5.48xlarge", "ml.p5.48xlarge")
WARN = BAD.replace("p5.48xlarge", "ml.p5.48xlarge").replace("spec:\n", "spec:\n  hostNetwork: true\n", 1)
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
NETWORK_ERRORS = ("Could not find a version", "No matching distribution", "Failed to establish a new connection",
                  "Temporary failure in name resolution", "Network is unreachable", "Max retries exceeded",
                  "ConnectTimeout", "ReadTimeout")


# -- the metadata ------------------------------------------------------------------------

def check_jsonschema(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions",
                           str(path)], capture_output=True, text=True, timeout=120)


def test_action_metadata_is_valid(tmp_path):
    proc = check_jsonschema(ROOT / "action.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the check can fail: a misspelled input property is caught
    broken = tmp_path / "action.yml"
    broken.write_text((ROOT / "action.yml").read_text().replace("    required: false\n", "    requried: false\n", 1))
    proc = check_jsonschema(broken)
    assert proc.returncode == 1 and "requried" in proc.stdout


def test_inputs_and_outputs_are_wired():
    inputs = ACTION["inputs"]
    assert {k: v.get("default") for k, v in inputs.items()} == {
        "paths": ".", "fail-on": "", "config": "", "sarif-file": "hyperlint.sarif",
        "only-changed": "false", "baseline": "", "diff-base": "", "python": "3.12"}
    steps = ACTION["runs"]["steps"]
    used = {m for step in steps for text in _texts(step) for m in re.findall(r"inputs\.([\w-]+)", text)}
    assert used == set(inputs), "every input is used, and only declared inputs are"
    lint = next(s for s in steps if s.get("id") == "lint")
    assert lint["run"].strip() == '"$HYPERLINT_PYTHON" -m hyperlint.ci'
    assert {k: v for k, v in lint["env"].items() if k.startswith("INPUT_")} == {
        f"INPUT_{name.upper().replace('-', '_')}": f"${{{{ inputs.{name} }}}}" for name in inputs if name != "python"}
    assert {k: v["value"] for k, v in ACTION["outputs"].items()} == {
        "findings": "${{ steps.lint.outputs.findings }}", "sarif-file": "${{ steps.lint.outputs.sarif-file }}"}
    # no input is pasted into a script (script injection): they reach the scripts through env
    assert not any("${{" in step.get("run", "") for step in steps)


def _texts(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v)
    elif isinstance(node, str):
        yield node


# -- running the steps here ------------------------------------------------------------------

class LocalRunner:
    """Runs the composite action's steps the way the runner does: `${{ }}` expressions
    evaluated, bash with `--noprofile --norc -eo pipefail`, fresh GITHUB_OUTPUT per step."""

    def __init__(self, workspace: Path, tmp: Path, event_name="push", event=None, inputs=None, given=None,
                 extra_env=None):
        self.workspace, self.tmp = workspace, tmp
        self.inputs = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
        self.inputs.update(inputs or {})
        self.steps: dict[str, dict] = {k: {"outputs": v} for k, v in (given or {}).items()}
        self.summary = tmp / "step_summary.md"
        self.summary.write_text("")
        event_path = tmp / "event.json"
        event_path.write_text(json.dumps(event or {}))
        self.env = dict(os.environ)
        self.env.pop("GITHUB_ACTIONS", None)
        self.env.update({
            "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path), "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_STEP_SUMMARY": str(self.summary), "RUNNER_TEMP": str(tmp / "runner-temp"),
            "GITHUB_ACTION_PATH": str(ROOT), "PYTHONPATH": str(ROOT),
        })
        self.env.update(extra_env or {})
        (tmp / "runner-temp").mkdir(exist_ok=True)
        self.stdout = ""
        self.returncode = 0

    def expr(self, text: str) -> str:
        def value(m):
            e = m.group(1)
            if e == "github.action_path":
                return str(ROOT)
            if e.startswith("inputs."):
                return self.inputs[e[len("inputs."):]]
            parts = e.split(".")
            if len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
                return self.steps.get(parts[1], {}).get("outputs", {}).get(parts[3], "")
            raise AssertionError(f"the local runner does not know the expression {e!r}")
        return EXPRESSION.sub(value, text)

    def condition(self, text: str) -> bool:
        m = re.fullmatch(r"inputs\.([\w-]+) (==|!=) '([^']*)'", text.strip())
        assert m, f"the local runner does not know the condition {text!r}"
        equal = self.inputs[m.group(1)] == m.group(3)
        return equal if m.group(2) == "==" else not equal

    def run(self, timeout=120) -> "LocalRunner":
        for i, step in enumerate(ACTION["runs"]["steps"]):
            sid = step.get("id", f"step{i}")
            if sid in self.steps:  # given by the test
                continue
            if "if" in step and not self.condition(step["if"]):
                continue
            assert "uses" not in step, f"step {sid} uses {step['uses']}: set inputs.python to '' to skip it"
            assert step["shell"] == "bash"
            output = self.tmp / f"output-{sid}"
            output.write_text("")
            env = dict(self.env, GITHUB_OUTPUT=str(output))
            env.update({k: self.expr(str(v)) for k, v in step.get("env", {}).items()})
            script = self.tmp / f"{sid}.sh"
            script.write_text(self.expr(step["run"]))
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=self.workspace, env=env, capture_output=True, text=True, timeout=timeout)
            self.stdout += proc.stdout
            self.stderr = proc.stderr
            self.steps[sid] = {"outputs": dict(line.split("=", 1) for line in output.read_text().splitlines() if line)}
            self.returncode = proc.returncode
            if proc.returncode != 0:
                self.failed = sid
                break
        self.outputs = {k: self.expr(v["value"]) for k, v in ACTION["outputs"].items()}
        return self

    def annotations(self) -> list[str]:
        return [line for line in self.stdout.splitlines() if line.startswith("::")]

    def sarif(self) -> dict:
        doc = json.loads((self.workspace / self.outputs["sarif-file"]).read_text())
        assert_valid_sarif(doc)
        return doc


def lint_step(workspace, tmp, **kw) -> LocalRunner:
    """The action with the install step replaced by this test environment's Python."""
    kw.setdefault("inputs", {})
    kw["inputs"].setdefault("python", "")
    return LocalRunner(workspace, tmp, given={"install": {"python": sys.executable}}, **kw).run()


@pytest.fixture
def repo(tmp_path):
    ws = new_repo(tmp_path / "ws")
    (ws / "k8s").mkdir()
    (ws / "k8s" / "bad.yaml").write_text(BAD)
    (ws / "k8s" / "good.yaml").write_text(GOOD)
    (ws / "k8s" / "warn.yaml").write_text(WARN)
    (ws / "docs").mkdir()
    (ws / "docs" / "bad.yaml").write_text(BAD)
    base = commit_all(ws, "base")
    return ws, base


def test_push_lints_the_paths_and_reports_everything(repo, tmp_path):
    ws, _ = repo
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s"})
    assert r.returncode == 1, r.stderr
    assert r.annotations() == [
        "::error file=k8s/bad.yaml,line=6,col=39,endLine=6,endColumn=50,title=HP301 instance-type-without-ml-prefix::"
        "instance type 'p5.48xlarge' has no 'ml.' prefix: HyperPod nodes are labelled 'ml.p5.48xlarge', so this "
        "matches no HyperPod node; use 'ml.p5.48xlarge' (Pod ml/trainer)",
        "::warning file=k8s/warn.yaml,line=5,col=16,endLine=5,endColumn=20,title=HP307 host-network-on-hyperpod::"
        "hostNetwork: true on a HyperPod pod gives it the node's IMDS and the execution role's credentials; remove "
        "it and use EKS Pod Identity or IRSA for AWS access (Pod ml/trainer)",
    ]
    assert r.outputs == {"findings": "2", "sarif-file": "hyperlint.sarif"}
    results = r.sarif()["runs"][0]["results"]
    assert [(x["ruleId"], x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for x in results] == [
        ("HP301", "k8s/bad.yaml"), ("HP307", "k8s/warn.yaml")]
    summary = r.summary.read_text()
    assert summary.startswith("## hyperlint\n\n2 problems (1 error, 1 warning) in 2 of 3 files.\n")
    assert "| k8s/bad.yaml:6:39 |" in summary and "| k8s/warn.yaml:5:16 |" in summary


def test_fail_on_decides_the_exit_status(repo, tmp_path):
    ws, _ = repo
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s/warn.yaml", "fail-on": "error"})
    assert r.returncode == 0 and r.outputs["findings"] == "1"
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s/warn.yaml k8s/good.yaml", "fail-on": "warning"})
    assert r.returncode == 1 and r.outputs["findings"] == "1"


def test_clean_run(repo, tmp_path):
    ws, _ = repo
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s/good.yaml", "sarif-file": "reports/out.sarif"})
    assert r.returncode == 0 and r.annotations() == []
    assert r.outputs == {"findings": "0", "sarif-file": "reports/out.sarif"}
    assert r.sarif()["runs"][0]["results"] == []
    assert "No problems in 1 file." in r.summary.read_text()


def test_configuration_error_fails_with_one_annotation(repo, tmp_path):
    ws, _ = repo
    (ws / "lint.yaml").write_text("selct: [HP301]\n")
    r = lint_step(ws, tmp_path, inputs={"config": "lint.yaml"})
    assert r.returncode == 2
    assert r.annotations() == ["::error title=hyperlint::lint.yaml: 'selct' is not a known key (allowed: select, "
                               "ignore, per-file-ignores, severity, fail-on, exclude, extend-exclude, "
                               "respect-gitignore, assume-hyperpod, data, clusters, cluster, charts); "
                               "did you mean 'select'?"]
    r = lint_step(ws, tmp_path, inputs={"only-changed": "sometimes"})
    assert r.returncode == 2 and "only-changed must be true or false" in r.stdout


def test_config_input_and_discovered_configuration(repo, tmp_path):
    ws, _ = repo
    (ws / ".hyperlint.yaml").write_text("exclude: [docs]\nselect: [HP307]\n")
    r = lint_step(ws, tmp_path)
    assert r.outputs["findings"] == "1" and "k8s/warn.yaml" in r.annotations()[0]
    (ws / "strict.yaml").write_text("select: [HP301]\n")
    r = lint_step(ws, tmp_path, inputs={"config": "strict.yaml", "paths": "k8s"})
    assert r.outputs["findings"] == "1" and "HP301" in r.annotations()[0]


def _pull_request(ws: Path):
    """A pull request (branch `feature`) on top of the base: a good file broken, a bad file added, one deleted."""
    git("checkout", "-q", "-b", "feature", cwd=ws)
    (ws / "k8s" / "good.yaml").write_text(BAD.replace("trainer", "edited"))
    (ws / "k8s" / "new.yaml").write_text(BAD.replace("trainer", "added"))
    (ws / "k8s" / "notes.txt").write_text("p5.48xlarge\n")
    (ws / "docs" / "bad.yaml").unlink()
    (ws / ".github").mkdir()
    (ws / ".github" / "hidden.yaml").write_text(BAD)
    return commit_all(ws, "pull request")


def test_only_changed_lints_what_the_pull_request_changed(repo, tmp_path):
    ws, base = repo
    _pull_request(ws)
    event = {"pull_request": {"base": {"sha": base, "ref": "main"}}}
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true"})
    assert r.returncode == 1, r.stderr
    files = [re.search(r"file=([^,]+)", a).group(1) for a in r.annotations() if "file=" in a]
    assert files == ["k8s/good.yaml", "k8s/new.yaml"]
    assert f"::notice title=hyperlint::only-changed: 2 changed YAML/JSON files since {base[:12]} linted." in r.stdout
    assert r.outputs["findings"] == "2"
    assert "2 problems (2 errors) in 2 of 2 files" in r.summary.read_text()
    # the `paths` input still limits what is linted
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event,
                  inputs={"only-changed": "true", "paths": "k8s/new.yaml docs"})
    assert r.outputs["findings"] == "1"


def test_only_changed_files_are_recognised_as_a_walk_would(repo, tmp_path):
    """The files a pull request changed are not files the user named: a changed
    tsconfig.json (JSON with comments), an empty JSON file and a chart's values and
    templates give no finding; the chart is named once."""
    ws, base = repo
    git("checkout", "-q", "-b", "website", cwd=ws)
    (ws / "site").mkdir()
    (ws / "site" / "tsconfig.json").write_text('{\n  // comment\n  "compilerOptions": {},\n}\n')
    (ws / "site" / "empty.json").write_text("")
    (ws / "chart" / "templates").mkdir(parents=True)
    (ws / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (ws / "chart" / "values.yaml").write_text("image: x  # {{ .Values.x }}: not YAML-breaking, not read raw\n")
    (ws / "chart" / "templates" / "job.yaml").write_text("{{- if .Values.on }}\n" + BAD + "{{- end }}\n")
    (ws / "k8s" / "new.yaml").write_text(BAD.replace("trainer", "added"))
    commit_all(ws, "website and chart")
    event = {"pull_request": {"base": {"sha": base, "ref": "main"}}}
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true"})
    files = [re.search(r"file=([^,]+)", a).group(1) for a in r.annotations() if "file=" in a]
    assert files == ["k8s/new.yaml"], r.stdout  # the chart is rendered (nothing: `on` is not set), never read raw


def test_only_changed_without_changes_lints_nothing(repo, tmp_path):
    ws, base = repo
    (ws / "README.md").write_text("docs only\n")
    commit_all(ws, "docs")
    event = {"pull_request": {"base": {"sha": base}}}
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true"})
    assert r.returncode == 0 and r.outputs["findings"] == "0"
    assert r.sarif()["runs"][0]["results"] == []
    assert "0 changed YAML/JSON files" in r.summary.read_text()


def test_only_changed_fetches_a_missing_base_from_a_shallow_checkout(repo, tmp_path):
    ws, base = repo
    head = _pull_request(ws)
    origin = tmp_path / "origin.git"
    git("clone", "-q", "--bare", ws, origin, cwd=tmp_path)
    shallow = tmp_path / "shallow"
    git("clone", "-q", "--depth=1", "--branch", "feature", f"file://{origin}", shallow, cwd=tmp_path)
    assert git("rev-parse", "HEAD", cwd=shallow) == head
    assert subprocess.run(["git", "cat-file", "-e", f"{base}^{{commit}}"], cwd=shallow).returncode != 0
    event = {"pull_request": {"base": {"sha": base, "ref": "main"}}}
    r = lint_step(shallow, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true"})
    assert r.outputs["findings"] == "2", r.stdout + r.stderr
    # only GITHUB_BASE_REF known: the branch is fetched from origin
    shallow2 = tmp_path / "shallow2"
    git("clone", "-q", "--depth=1", "--branch", "feature", f"file://{origin}", shallow2, cwd=tmp_path)
    git("update-ref", "refs/heads/base-branch", base, cwd=origin)
    r = lint_step(shallow2, tmp_path, event_name="pull_request", event={},
                  inputs={"only-changed": "true"}, extra_env={"GITHUB_BASE_REF": "base-branch"})
    assert r.outputs["findings"] == "2", r.stdout + r.stderr


def test_only_changed_falls_back_to_everything(repo, tmp_path):
    ws, _ = repo
    _pull_request(ws)
    event = {"pull_request": {"base": {"sha": "0" * 40}}}
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true", "paths": "k8s"})
    assert r.annotations()[0].startswith("::warning title=hyperlint::only-changed: the pull request's base commit "
                                         "could not be found")
    assert r.outputs["findings"] == "4"  # every file under k8s: bad, good (edited), new and warn
    r = lint_step(ws, tmp_path, event_name="push", inputs={"only-changed": "true", "paths": "k8s"})
    assert r.annotations()[0] == "::notice title=hyperlint::only-changed applies to pull requests; this push run lints all files."
    assert r.outputs["findings"] == "4"


def test_only_changed_outside_a_git_repository_or_without_git(tmp_path):
    ws = tmp_path / "plain"
    (ws / "k8s").mkdir(parents=True)
    (ws / "k8s" / "bad.yaml").write_text(BAD)
    event = {"pull_request": {"base": {"sha": "1" * 40, "ref": "main"}}}
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true"},
                  extra_env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert r.annotations()[0].startswith("::warning title=hyperlint::only-changed: the pull request's base commit")
    assert r.outputs["findings"] == "1" and r.returncode == 1
    bin_dir = tmp_path / "bin"  # a PATH with python but no git
    bin_dir.mkdir()
    (bin_dir / "bash").symlink_to(shutil.which("bash"))
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true"},
                  extra_env={"PATH": str(bin_dir)})
    assert "base commit could not be found" in r.stdout and r.outputs["findings"] == "1", r.stderr


def test_whole_action_with_its_real_install_step(repo, tmp_path):
    """Every step as written, pip install from the action's folder included (needs the package index)."""
    ws, _ = repo
    r = LocalRunner(ws, tmp_path, inputs={"python": "", "paths": "k8s"}).run(timeout=900)
    if getattr(r, "failed", None) == "install":
        if any(marker in r.stderr for marker in NETWORK_ERRORS):
            network_unavailable(f"pip cannot reach the package index to install the action: {r.stderr.strip()[-300:]}")
        pytest.fail(f"the install step failed:\n{r.stderr}")
    python = r.steps["install"]["outputs"]["python"]
    assert Path(python).is_file() and "hyperlint-venv" in python
    assert r.returncode == 1, r.stderr
    assert r.outputs == {"findings": "2", "sarif-file": "hyperlint.sarif"}
    assert len(r.annotations()) == 2
    r.sarif()


# -- issue 16: the configuration decides, new findings only, an annotation budget ------------------

def test_fail_on_comes_from_the_configuration_unless_the_input_is_set(repo, tmp_path):
    ws, _ = repo
    (ws / ".hyperlint.yaml").write_text("fail-on: error\n")
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s/warn.yaml"})
    assert r.returncode == 0 and r.outputs["findings"] == "1", r.stderr
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s/warn.yaml", "fail-on": "warning"})
    assert r.returncode == 1


def test_a_path_with_nothing_to_lint_is_a_warning_annotation(repo, tmp_path):
    ws, _ = repo
    (ws / "empty").mkdir()
    r = lint_step(ws, tmp_path, inputs={"paths": "empty"})
    assert r.returncode == 0
    assert r.annotations() == ["::warning title=hyperlint::no manifests, templates or charts found under empty"]
    assert "No files linted." in r.summary.read_text()


def test_baseline_input_fails_only_on_new_findings(repo, tmp_path):
    ws, _ = repo
    from clitools import run

    assert run("check", "--write-baseline", "hyperlint-baseline.json", "k8s", cwd=ws).returncode == 0
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s", "baseline": "hyperlint-baseline.json"})
    assert r.returncode == 0 and r.outputs["findings"] == "0"
    assert r.annotations() == ["::notice title=hyperlint::2 findings in the baseline not reported here (they stay in "
                               "the SARIF report for code scanning)."]
    assert len(r.sarif()["runs"][0]["results"]) == 2  # code scanning tracks the old ones itself
    (ws / "k8s" / "new.yaml").write_text(BAD.replace("trainer", "added"))
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s", "baseline": "hyperlint-baseline.json"})
    assert r.returncode == 1 and r.outputs["findings"] == "1"
    assert [a for a in r.annotations() if "file=" in a] == [a for a in r.annotations() if "file=k8s/new.yaml" in a]
    assert len([a for a in r.annotations() if "file=" in a]) == 1


def test_diff_base_auto_fails_a_pull_request_only_on_what_it_introduced(repo, tmp_path):
    ws, base = repo
    _pull_request(ws)  # edits good.yaml into a bad one and adds new.yaml; bad.yaml and warn.yaml stay
    event = {"pull_request": {"base": {"sha": base, "ref": "main"}}}
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"paths": "k8s", "diff-base": "auto"})
    assert r.returncode == 1, r.stderr
    files = sorted(re.search(r"file=([^,]+)", a).group(1) for a in r.annotations() if "file=" in a)
    assert files == ["k8s/good.yaml", "k8s/new.yaml"]
    r = lint_step(ws, tmp_path, event_name="push", inputs={"paths": "k8s", "diff-base": "auto"})
    assert r.annotations()[0].startswith("::notice title=hyperlint::diff-base: auto applies to pull requests")
    assert r.outputs["findings"] == "4"


def test_at_most_ten_annotations_per_level_and_the_summary_lists_all(repo, tmp_path):
    ws, _ = repo
    many = "---\n".join(BAD.replace("trainer", f"t{i:02}") for i in range(12))
    (ws / "k8s" / "many.yaml").write_text(many)
    r = lint_step(ws, tmp_path, inputs={"paths": "k8s/many.yaml"})
    assert r.outputs["findings"] == "12"
    assert [a.split()[0] for a in r.annotations()] == ["::error"] * 10
    assert "hyperlint: 2 more in the job summary and code scanning" in r.stdout
    summary = r.summary.read_text()
    assert summary.count("| k8s/many.yaml:") == 12
def test_only_changed_renders_the_chart_of_a_changed_helper(repo, tmp_path):
    import pytest

    pytest.importorskip("helm_python")
    ws, base = repo
    chart = ws / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (chart / "templates" / "_helpers.tpl").write_text('{{- define "net" }}true{{- end }}\n')
    (chart / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: {{ include \"net\" . }}\n"
        "  nodeSelector: {node.kubernetes.io/instance-type: ml.g5.xlarge}\n  containers: [{name: c, image: i}]\n")
    commit_all(ws, "chart")
    base = git("rev-parse", "HEAD", cwd=ws)
    git("checkout", "-q", "-b", "helper", cwd=ws)
    (chart / "templates" / "_helpers.tpl").write_text('{{- define "net" }}true{{- end }}\n{{/* changed */}}\n')
    commit_all(ws, "helper")
    event = {"pull_request": {"base": {"sha": base}}}
    r = lint_step(ws, tmp_path, event_name="pull_request", event=event, inputs={"only-changed": "true"})
    files = [re.search(r"file=([^,]+)", a).group(1) for a in r.annotations() if "file=" in a]
    assert files == ["chart/templates/pod.yaml"], r.stdout + r.stderr
