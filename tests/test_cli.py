"""The command line: exit codes, stdin, formats, selection, recovery."""

from __future__ import annotations

import json
import os

import pytest

from clitools import run

BAD = """\
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: p5.48xlarge
            sagemaker.amazonaws.com/node-health-status: Schedulable
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
"""

GOOD = BAD.replace("instance-type: p5.48xlarge", "instance-type: ml.p5.48xlarge")

WARN_ONLY = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  nodeSelector: {node.kubernetes.io/instance-type: ml.g5.xlarge}
  containers: [{name: c, image: busybox}]
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD)
    (tmp_path / "good.yaml").write_text(GOOD)
    return tmp_path


def test_done_when_example_text_and_json(project):
    proc = run("check", "bad.yaml", cwd=project)
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert out == (
        "bad.yaml:13:47: HP301 [error] [*] instance type 'p5.48xlarge' has no 'ml.' prefix\n"
        "   |\n"
        "13 |             node.kubernetes.io/instance-type: p5.48xlarge\n"
        "   |                                               ^^^^^^^^^^^\n"
        "   |\n"
        "   = HyperPod nodes are labelled 'ml.p5.48xlarge', so this matches no HyperPod node\n"
        "   = in PyTorchJob kubeflow/llama-pretrain\n"
        "   = help: use 'ml.p5.48xlarge'\n"
        "\n"
        "hyperlint: 1 problem (1 error) in 1 of 1 file\n"
        "hyperlint: 1 fixable with `--fix`.\n"
    )
    concise = run("check", "--output-format", "concise", "bad.yaml", cwd=project).stdout.decode()
    assert concise.splitlines()[0] == (
        "bad.yaml:13:47: HP301 [error] [*] instance type 'p5.48xlarge' has no 'ml.' prefix: HyperPod nodes are "
        "labelled 'ml.p5.48xlarge', so this matches no HyperPod node; use 'ml.p5.48xlarge' "
        "(PyTorchJob kubeflow/llama-pretrain)"
    )
    assert run("check", "--format", "concise", "bad.yaml", cwd=project).stdout.decode() == concise
    proc = run("check", "--format", "json", "bad.yaml", cwd=project)
    doc = json.loads(proc.stdout)
    (finding,) = doc["findings"]
    assert doc["version"] and doc["summary"]["errors"] == 1
    assert finding == {
        "rule": "HP301", "severity": "error", "message": finding["message"], "file": "bad.yaml",
        "line": 13, "column": 47, "end_line": 13, "end_column": 58,
        "pointer": "/spec/pytorchReplicaSpecs/Worker/template/spec/nodeSelector/node.kubernetes.io~1instance-type",
        "object": {"kind": "PyTorchJob", "namespace": "kubeflow", "name": "llama-pretrain"},
        "source": None, "fix": "safe", "url": finding["url"],
    }
    assert finding["url"].startswith("https://docs.aws.amazon.com/")


def test_exit_codes(project):
    assert run("check", "good.yaml", cwd=project).returncode == 0
    assert run("check", ".", cwd=project).returncode == 1
    (project / "warn.yaml").write_text(WARN_ONLY)
    assert run("check", "warn.yaml", cwd=project).returncode == 1
    assert run("check", "--fail-on", "error", "warn.yaml", cwd=project).returncode == 0
    assert run("check", "--fail-on", "info", "good.yaml", cwd=project).returncode == 0


@pytest.mark.parametrize("args, needle", [
    (["check", "--format", "xml", "good.yaml"], "--output-format must be one of"),
    (["check", "--bogus"], "No such option"),
    (["check", "--fail-on", "fatal", "good.yaml"], "--fail-on must be one of"),
    (["check", "missing.yaml"], "missing.yaml: no such file or directory"),
    (["rule", "HP999"], "unknown rule 'HP999'"),
    (["nope"], "No such command"),
])
def test_usage_errors_are_one_line_exit_2(project, args, needle):
    proc = run(*args, cwd=project)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert needle in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err


def test_stdin_with_filename(project):
    proc = run("check", "-", "--stdin-filename", "chart/rendered.yaml", stdin=BAD.encode(), cwd=project)
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith("chart/rendered.yaml:13:47: HP301 [error] [*] instance type")
    proc = run("check", "-", stdin=GOOD.encode(), cwd=project)
    assert proc.returncode == 0


def test_select_and_ignore_by_prefix(project):
    (project / "warn.yaml").write_text(WARN_ONLY + "---\n" + BAD)
    def rules(*args):
        proc = run("check", "--format", "json", *args, "warn.yaml", cwd=project)
        return sorted(f["rule"] for f in json.loads(proc.stdout)["findings"])
    assert rules() == ["HP301", "HP307"]
    assert rules("--select", "HP30") == ["HP301", "HP307"]
    assert rules("--select", "HP301") == ["HP301"]
    assert rules("--ignore", "HP3") == []
    assert rules("--select", "HP3", "--ignore", "HP307") == ["HP301"]
    assert rules("--select", "hp307,HP301") == ["HP301", "HP307"]


def test_broken_helm_stream_recovers_with_sources(project):
    stream = (
        "---\n# Source: trainer/templates/a.yaml\n" + BAD
        + "---\n# Source: trainer/templates/broken.yaml\napiVersion: v1\nkind: ConfigMap\ndata: {a: [1, 2}\n"
        + "---\n# Source: trainer/templates/b.yaml\n" + BAD.replace("llama-pretrain", "second")
    )
    (project / "rendered.yaml").write_text(stream)
    proc = run("check", "--format", "json", "rendered.yaml", cwd=project)
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["line"], f["source"]) for f in findings] == [
        ("HP301", 15, "trainer/templates/a.yaml"),
        ("HP001", 24, None),
        ("HP301", 39, "trainer/templates/b.yaml"),
    ]
    text = run("check", "-f", "concise", "rendered.yaml", cwd=project).stdout.decode()
    assert "(PyTorchJob kubeflow/second, from trainer/templates/b.yaml)" in text
    full = run("check", "rendered.yaml", cwd=project).stdout.decode()
    assert "trainer/templates/b.yaml: HP301 [error] [*] instance type 'p5.48xlarge' has no 'ml.' prefix\n" \
           "  --> rendered.yaml:39:47 (rendered from it)\n" in full


def test_json_output_is_sorted_and_byte_identical(project):
    (project / "a.yaml").write_text(WARN_ONLY + "---\n" + BAD)
    first = run("check", "--format", "json", ".", cwd=project).stdout
    second = run("check", "--format", "json", ".", cwd=project).stdout
    assert first == second
    findings = json.loads(first)["findings"]
    keys = [(f["file"], f["line"], f["column"], f["rule"]) for f in findings]
    assert keys == sorted(keys)


def test_directory_walk_skips_hidden_and_renders_charts(project):
    (project / ".git").mkdir()
    (project / ".git" / "bad.yaml").write_text(BAD)
    (project / ".hidden.yaml").write_text(BAD)
    chart = project / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("enabled: false\n")
    (chart / "templates" / "job.yaml").write_text("{{- if .Values.enabled }}\n" + BAD + "{{- end }}\n")
    (project / "notes.txt").write_text(BAD)
    (project / "bad.yaml").unlink()
    proc = run("check", ".", cwd=project)
    assert proc.returncode == 0, proc.stdout.decode()
    assert proc.stderr.decode() == ""
    (chart / "values.yaml").write_text("enabled: true\n")
    proc = run("check", ".", cwd=project)
    assert proc.returncode == 1 and b"chart/templates/job.yaml:" in proc.stdout


def test_every_file_of_a_chart_is_chart_source_one_hint_per_outermost_chart(project):
    """values.yaml, config/ read through .Files.Get, crds/, a launcher's k8s_templates and
    sub-charts are never parsed raw; one hint names the chart a user installs."""
    chart = project / "deploy" / "trainer"
    for sub in ("templates", "config", "crds", "charts/sub/templates", "launcher/k8s_templates"):
        (chart / sub).mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: trainer\nversion: 0.1.0\n")
    (chart / "charts" / "sub" / "Chart.yaml").write_text("apiVersion: v2\nname: sub\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(BAD)
    (chart / "config" / "train.yaml").write_text("model: {name: {{ .Values.model }}}\n")
    (chart / "crds" / "crd.yaml").write_text(BAD)
    (chart / "charts" / "sub" / "templates" / "x.yaml").write_text(BAD)
    (chart / "launcher" / "k8s_templates" / "job.yaml").write_text("{{ $c := .Values }}\n" + BAD)
    (project / "bad.yaml").unlink()
    proc = run("check", "--format", "json", ".", cwd=project)
    # rendered (hyperlint.render): only what Helm renders is linted, the sub-chart's template
    files = {f["file"] for f in json.loads(proc.stdout)["findings"]}
    assert files == {"deploy/trainer/charts/sub/templates/x.yaml"}, proc.stdout.decode()
    from hyperlint.discover import discover

    found = discover([str(project)])
    assert found.charts == [str(chart)] and [i.display for i in found.inputs] == [str(project / "good.yaml")]
    for start in (chart, chart / "templates"):  # a walk that starts at a chart or in its templates
        assert discover([str(start)]).charts == [str(chart)]


def test_walk_skips_what_is_not_an_input_and_show_files_says_why(project):
    """tsconfig.json (JSON with comments), package.json, an empty file, a broken symlink,
    a Hydra config with {placeholders}: no finding; the summary counts them and
    --show-files lists them. A broken manifest still gives HP001; a file named on
    the command line is always an input."""
    (project / "bad.yaml").unlink()
    site = project / "website"
    site.mkdir()
    (site / "tsconfig.json").write_text('{\n  // comment\n  "extends": "@tsconfig/base",\n}\n')
    (site / "package.json").write_text('{"name": "site"}\n')
    (site / "other.json").write_text('{\n  /* JSON with comments */\n  "a": 1\n}\n')
    (project / "empty.json").write_text("")
    (project / "empty.yaml").write_text("\n")
    os.symlink("submodule/missing.yaml", project / "link.yaml")
    (project / "conf").mkdir()
    (project / "conf" / "llama_hydra.yaml").write_text("run:\n  name: {model}-{size}x {nodes}\n  dir: /tmp\n")
    (project / "job.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p\n")
    proc = run("check", "--show-files", "-f", "concise", ".", cwd=project)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 1, out
    assert out.splitlines()[:-1] == [line for line in out.splitlines()[:-1] if line.startswith("job.yaml:")]
    assert "HP001" in out and out.count("HP001") == 1
    assert "in 1 of 2 files; 7 files skipped as not inputs (--show-files lists them)" in out
    for name, reason in (("website/tsconfig.json", "TypeScript configuration"), ("website/package.json", "npm"),
                         ("website/other.json", "does not parse"), ("empty.json", "empty file"),
                         ("empty.yaml", "empty file"), ("link.yaml", "broken symbolic link"),
                         ("conf/llama_hydra.yaml", "does not parse")):
        assert f"hyperlint: skipped {name}: not an input: " in err and reason in err.split(f"skipped {name}: ")[1].split("\n")[0]
    named = run("check", "website/tsconfig.json", "empty.json", cwd=project)
    assert named.returncode == 1 and named.stdout.decode().count("HP001") == 2


def test_rules_and_rule_docs():
    proc = run("rules")
    lines = proc.stdout.decode().splitlines()
    assert proc.returncode == 0
    assert lines[0].split() == ["ID", "SEVERITY", "TIER", "FIX", "NAME", "SUMMARY"]
    assert any(line.startswith("HP301  error     core      safe    instance-type-without-ml-prefix") for line in lines)
    assert any(line.startswith("HP306  warning   core              node-storage-outside") for line in lines)
    proc = run("rule", "HP306")
    text = proc.stdout.decode()
    assert proc.returncode == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "https://docs.aws.amazon.com/"):
        assert section in text
    assert run("rule", "hp306").stdout == proc.stdout


def test_version():
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.decode().startswith("hyperlint ")


def test_readme_shows_the_real_output_of_the_examples():
    import re

    from clitools import ROOT

    readme = (ROOT / "README.md").read_text()
    shown = re.search(r"`hyperlint check examples/` prints:\n\n```text\n(.*?)```", readme, re.S).group(1)
    proc = run("check", "examples/", cwd=ROOT)
    assert proc.returncode == 1
    assert proc.stdout.decode() == shown
