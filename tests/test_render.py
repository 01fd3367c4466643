"""Helm charts: rendered (helm-python-sdk, the helm binary), linted per values set,
findings mapped back to the template line or the values key."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES
from expectations import compare, expected_in

from hyperlint.config import Config
from hyperlint.discover import discover
from hyperlint.engine import lint

pytest.importorskip("helm_python")

CHARTS = FIXTURES / "charts"
TRAINER = CHARTS / "trainer"
HYPERPOD = CHARTS / "HyperPodHelmChart"


def lint_chart(path, config: Config | None = None, **charts):
    config = config or Config()
    config.charts = {"renderer": "python", **charts}
    found = discover([str(path)])
    assert not found.inputs, "chart files are chart source, never linted raw"
    return lint(found.inputs, config, charts=found.charts)


def _expectations(chart: Path):
    return [e for p in sorted(chart.rglob("*")) if p.suffix in (".yaml", ".tpl") for e in expected_in(p)]


def _line(file: str, n: int) -> str:
    return Path(file).read_text(encoding="utf-8").splitlines()[n - 1]


def test_trainer_findings_at_template_and_values_lines():
    result = lint_chart(TRAINER)
    assert not result.errors, result.errors
    expectations = _expectations(TRAINER)
    assert len(expectations) == 4
    problems = compare(result.findings, expectations)  # both ways: every other line is silent
    assert not problems, "\n".join(problems)


def test_each_mapped_column_starts_the_reported_value():
    result = lint_chart(TRAINER)
    for f in result.findings:
        value = re.search(r"'([^']+)'", f.message).group(1) if f.rule == "HP301" else "true"
        assert _line(f.loc.file, f.loc.line)[f.loc.column - 1:].startswith(value), f
        if f.loc.end_column is not None:
            assert _line(f.loc.file, f.loc.line)[f.loc.column - 1:f.loc.end_column - 1] == value


def test_findings_name_their_renders_once():
    by_place = {(Path(f.loc.file).name, f.loc.line, f.rule): f for f in lint_chart(TRAINER).findings}
    hp307 = by_place[("job.yaml", 10, "HP307")]
    assert hp307.message.endswith("(Helm renders values.yaml, ci/fixed-values.yaml, ci/gpu-values.yaml)")
    # overridden by both ci files: only the default render has it
    assert by_place[("values.yaml", 2, "HP301")].message.endswith("(Helm render values.yaml)")
    assert by_place[("gpu-values.yaml", 1, "HP301")].message.endswith("(Helm render ci/gpu-values.yaml)")
    assert by_place[("values.yaml", 5, "HP301")].message.endswith("(Helm renders values.yaml, ci/gpu-values.yaml)")


def test_values_finding_relates_the_template_line_that_reads_it(tmp_path):
    result = lint_chart(TRAINER)
    f = next(f for f in result.findings if f.rule == "HP301" and f.loc.file.endswith("gpu-values.yaml"))
    (template,) = f.related
    assert template.file.endswith("templates/job.yaml") and template.line == 12
    assert _line(template.file, 12)[template.column - 1:].startswith("{{ .Values.instanceType }}")
    assert "set here (instanceType), used by" in f.message
    from hyperlint.output import render

    out = tmp_path / "out.sarif"
    with open(out, "w", encoding="utf-8") as fh:
        render("sarif", result, fh)
    results = json.loads(out.read_text())["runs"][0]["results"]
    sarif = next(r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                 .endswith("ci/gpu-values.yaml"))
    (related,) = sarif["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"].endswith("templates/job.yaml")
    assert related["physicalLocation"]["region"]["startLine"] == 12


def test_test_hooks_are_skipped_unless_asked():
    files = {Path(f.loc.file).name for f in lint_chart(TRAINER).findings}
    assert "test-connection.yaml" not in files
    asked = lint_chart(TRAINER, **{"test-hooks": True})
    hooks = [f for f in asked.findings if f.loc.file.endswith("test-connection.yaml")]
    assert {(f.rule, f.loc.line) for f in hooks} == {("HP307", 9)}


def test_hyperpod_chart_renders_clean():
    config = Config()
    config.charts = {"renderer": "python"}
    found = discover([str(HYPERPOD)])
    from hyperlint.render.charts import prepare

    run = prepare(found.charts, config)
    assert len(run.inputs) >= 15 and not run.errors
    assert any("neuron-device-plugin" in i.display for i in run.inputs)
    assert any("nvidia-device-plugin, aws-efa-k8s-device-plugin" in n for n in run.notes)
    result = lint(found.inputs, config, charts=found.charts)
    assert not result.errors, result.errors
    assert [f"{f.loc.file}:{f.loc.line} {f.rule} {f.message}" for f in result.findings] == []


def _chart(tmp_path: Path, templates: dict, values: str = "", name: str = "demo", chart_extra: str = "") -> Path:
    root = tmp_path / name
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{chart_extra}")
    (root / "values.yaml").write_text(values)
    for rel, text in templates.items():
        (root / "templates" / rel).write_text(text)
    return root


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  hostNetwork: {hn}
  nodeSelector:
    sagemaker.amazonaws.com/node-health-status: Schedulable
  containers:
    - name: main
      image: img:1
"""


def test_render_error_is_one_hp001_at_the_template_line_and_the_run_goes_on(tmp_path):
    bad = _chart(tmp_path, {"pod.yaml": POD.format(hn="true"),
                            "broken.yaml": "a: 1\nkind: x\nb: {{ required \"x is required\" .Values.x }}\n"})
    good = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")}, name="good")
    config = Config()
    config.charts = {"renderer": "python"}
    found = discover([str(bad), str(good)])
    result = lint(found.inputs, config, charts=found.charts)
    shown = [(Path(f.loc.file).relative_to(tmp_path).as_posix(), f.loc.line, f.loc.column, f.rule)
             for f in result.findings]
    assert shown == [("demo/templates/broken.yaml", 3, 6, "HP001"), ("good/templates/pod.yaml", 6, 16, "HP307")]
    assert "x is required" in result.findings[0].message
    # the default values alone stop on `required`: info, with how to give the values it is installed with
    assert result.findings[0].severity == "info" and "ci/*-values.yaml" in result.findings[0].message
    (bad / "ci").mkdir()
    (bad / "ci" / "prod-values.yaml").write_text("y: 1\n")  # a values set the team says renders: its failure is an error
    result = lint(discover([str(bad)]).inputs, config, charts=[str(bad)])
    assert sorted((f.rule, f.severity) for f in result.findings if f.rule == "HP001") == [("HP001", "error"),
                                                                                       ("HP001", "info")]


def test_uncertain_mapping_points_at_the_object_line_and_says_so(tmp_path):
    # two values hold `true`: which one the template used cannot be told from the output
    chart = _chart(tmp_path, {"pod.yaml": "# a pod\n" + POD.format(hn="{{ .Values.hostNetwork }}")
                              .replace("spec:\n", "spec:\n  {{- if .Values.debug }}\n  {{- end }}\n")},
                   values="hostNetwork: true\ndebug: true\n")
    text = (chart / "templates" / "pod.yaml").read_text()
    text = text.replace("{{ .Values.hostNetwork }}", "{{ or .Values.hostNetwork .Values.debug }}")
    (chart / "templates" / "pod.yaml").write_text(text)
    (f,) = lint_chart(chart).findings
    assert f.rule == "HP307" and f.loc.line == 2 and f.loc.file.endswith("templates/pod.yaml")
    assert "not certain" in f.message


def test_no_renderer_gives_one_hint_per_chart_and_nothing_else(tmp_path, monkeypatch):
    from hyperlint.render import helm

    monkeypatch.setattr(helm.shutil, "which", lambda name: None)
    monkeypatch.setattr(helm, "_sdk_installed", lambda: False)
    one = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")})
    two = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")}, name="two")
    found = discover([str(tmp_path)])
    result = lint(found.inputs, Config(), charts=found.charts)
    assert result.findings == [] and result.files == 0
    assert len(result.notes) == 2
    for chart, note in zip((one, two), result.notes):
        assert note.startswith(f"{chart}: Helm chart not rendered")
        assert "helm.sh/docs/intro/install" in note and "pip install 'hyperlint[helm]'" in note


def test_configured_renders_replace_the_defaults(tmp_path):
    config = Config()
    config.source = str(tmp_path / ".hyperlint.yaml")
    shutil.copytree(TRAINER, tmp_path / "trainer")
    renders = {"trainer": [{"name": "prod", "values": ["ci/fixed-values.yaml"], "namespace": "ml",
                            "release-name": "prod", "kube-version": "1.31", "set": ["image=x:1"]}]}
    config.charts = {"renderer": "python", "renders": renders}
    found = discover([str(tmp_path / "trainer")])
    result = lint(found.inputs, config, charts=found.charts)
    assert [(Path(f.loc.file).name, f.loc.line, f.rule) for f in result.findings] == [("job.yaml", 10, "HP307")]
    assert result.findings[0].message.endswith("(Helm render prod)")
    assert result.findings[0].loc.object == ("Job", None, "prod-train")  # the release name; helm sets no namespace


def test_config_schema_accepts_charts(tmp_path):
    from hyperlint.config import ConfigError
    from hyperlint.configfile import read_config

    good = tmp_path / "good.yaml"
    good.write_text("charts:\n  renderer: python\n  renders:\n    deploy/my-chart:\n"
                    "      - {name: gpu, values: [ci/gpu.yaml], set: [a.b=1], kube-version: '1.31'}\n")
    config = read_config(good)
    assert config.charts["renders"]["deploy/my-chart"][0]["kube-version"] == "1.31"
    bad = tmp_path / "bad.yaml"
    bad.write_text("charts:\n  renders:\n    x:\n      - {set: [novalue]}\n")
    with pytest.raises(ConfigError, match="key=value"):
        read_config(bad)


def test_cli_values_and_set_for_a_chart_named_on_the_command_line(tmp_path):
    from clitools import run

    shutil.copytree(TRAINER, tmp_path / "trainer")
    (tmp_path / "prod.yaml").write_text("serve:\n  nodeSelector:\n    node.kubernetes.io/instance-type: ml.g5.12xlarge\n")
    proc = run("check", "--format", "json", "--values", "prod.yaml", "--set", "instanceType=trn1.32xlarge",
               "trainer", cwd=tmp_path)
    findings = json.loads(proc.stdout)["findings"]
    shown = sorted((f["file"], f["line"], f["rule"]) for f in findings)
    assert shown == [("trainer/templates/job.yaml", 10, "HP307"), ("trainer/templates/job.yaml", 12, "HP301")]
    hp301 = next(f for f in findings if f["rule"] == "HP301")
    assert "--set instanceType" in hp301["message"] and "Helm render prod.yaml, --set instanceType=" in hp301["message"]


def test_fix_edits_the_values_file_not_rendered_text(tmp_path):
    from clitools import run

    shutil.copytree(TRAINER, tmp_path / "trainer")
    before = (tmp_path / "trainer" / "templates" / "job.yaml").read_bytes()
    proc = run("check", "--fix", "trainer", cwd=tmp_path)
    assert b"fixed 3 findings in 2 files" in proc.stderr
    values = (tmp_path / "trainer" / "values.yaml").read_text()
    assert "instanceType: ml.p5.48xlarge  # expect" in values and "instance-type: ml.g5.12xlarge" in values
    assert (tmp_path / "trainer" / "ci" / "gpu-values.yaml").read_text().startswith("instanceType: ml.p4d.24xlarge")
    assert (tmp_path / "trainer" / "templates" / "job.yaml").read_bytes() == before
    assert proc.returncode == 1  # HP307 has no fix


def test_missing_remote_dependency_renders_without_it(tmp_path):
    chart = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")},
                   chart_extra="dependencies:\n  - name: remote\n    version: 1.0.0\n"
                               "    repository: https://charts.example.com\n")
    config = Config()
    config.charts = {"renderer": "python"}
    found = discover([str(chart)])
    result = lint(found.inputs, config, charts=found.charts)
    assert [f.rule for f in result.findings] == ["HP307"]
    assert result.notes == [(f"{chart}: rendered without the dependencies remote: not vendored under charts/ "
                             f"(helm dependency build {chart} vendors them); nothing was downloaded")]


def test_subchart_values_map_to_the_parent_values_file(tmp_path):
    parent = _chart(tmp_path, {}, values="worker:\n  instanceType: p5.48xlarge\n", name="parent")
    sub = parent / "charts" / "worker"
    (sub / "templates").mkdir(parents=True)
    (sub / "Chart.yaml").write_text("apiVersion: v2\nname: worker\nversion: 0.1.0\n")
    (sub / "values.yaml").write_text("instanceType: ml.p4d.24xlarge\n")
    (sub / "templates" / "pod.yaml").write_text(POD.format(hn="false").replace(
        "  nodeSelector:\n", "  nodeSelector:\n    node.kubernetes.io/instance-type: {{ .Values.instanceType }}\n"))
    (f,) = lint_chart(parent).findings
    assert (f.rule, Path(f.loc.file).relative_to(tmp_path).as_posix(), f.loc.line, f.loc.column) == \
        ("HP301", "parent/values.yaml", 2, 17)
    assert f.related[0].file.endswith("charts/worker/templates/pod.yaml")


def _fake_helm(tmp_path: Path, monkeypatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helm = bin_dir / "helm"
    helm.write_text(f"#!{sys.executable}\n" + (CHARTS / "fake_helm.py").read_text())
    helm.chmod(helm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    log = tmp_path / "helm.log"
    monkeypatch.setenv("FAKE_HELM_LOG", str(log))
    return log


def test_helm_binary_path_with_a_stand_in(tmp_path, monkeypatch):
    """The `helm template` path (arguments, the `# Source:` stream, errors, a
    Chart.yaml without the dependencies that are not vendored)."""
    log = _fake_helm(tmp_path, monkeypatch)
    result = lint_chart(TRAINER, renderer="helm")
    assert not compare(result.findings, _expectations(TRAINER))
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls[0][:2] == ["template", "release-name"] and "--namespace=default" in calls[0]
    assert any(c[-1] == f"--values={os.path.abspath(TRAINER / 'ci' / 'gpu-values.yaml')}" for c in calls)
    chart = _chart(tmp_path, {"pod.yaml": POD.format(hn="true"), "bad.yaml": "x: {{ .Values.a | nosuch }}\n"},
                   chart_extra="dependencies:\n  - name: remote\n    version: 1.0.0\n    repository: oci://x/y\n")
    result = lint_chart(chart, renderer="helm")
    (f,) = result.findings
    assert (f.rule, f.loc.file.endswith("templates/bad.yaml"), f.loc.line) == ("HP001", True, 1)
    assert "nosuch" in f.message


@pytest.mark.skipif(shutil.which("helm") is None, reason="the helm binary is not installed")
def test_real_helm_binary():
    result = lint_chart(TRAINER, renderer="helm")
    assert not result.errors
    assert not compare(result.findings, _expectations(TRAINER))


def test_a_suppression_used_by_one_render_is_not_stale(tmp_path):
    chart = _chart(tmp_path, {"pod.yaml": POD.format(hn="{{ .Values.host }}").replace(
        "  hostNetwork:", "  # hyperlint: disable=HP307 -- the exporter needs the host network\n  hostNetwork:")},
        values="host: true\n")
    (chart / "ci").mkdir()
    (chart / "ci" / "off-values.yaml").write_text("host: false\n")
    assert lint_chart(chart).findings == []
    (chart / "values.yaml").write_text("host: false\n")  # now no render uses it
    (f,) = lint_chart(chart).findings
    assert (f.rule, f.loc.line) == ("HP002", 6)
    assert f.message.endswith("(Helm renders values.yaml, ci/off-values.yaml)")


def test_per_file_ignores_apply_to_the_file_a_finding_is_mapped_to():
    config = Config(per_file_ignores={"values.yaml": ["HP301"]})
    shown = sorted((Path(f.loc.file).name, f.rule) for f in lint_chart(TRAINER, config).findings)
    assert shown == [("gpu-values.yaml", "HP301"), ("job.yaml", "HP307")]


def test_the_branch_that_rendered_is_the_line_shown(tmp_path):
    # the same literal line twice: text alone cannot tell which one produced the output
    branches = ("  {{- if .Values.a }}\n  hostNetwork: true\n  {{- else }}\n  hostNetwork: true\n  {{- end }}\n")
    chart = _chart(tmp_path, {"pod.yaml": POD.format(hn="x").replace("  hostNetwork: x\n", branches)},
                   values="a: false\n")
    (f,) = lint_chart(chart).findings
    assert (f.rule, f.loc.line, f.loc.column) == ("HP307", 9, 16) and "not certain" not in f.message
    (chart / "values.yaml").write_text("a: true\n")
    (f,) = lint_chart(chart).findings
    assert (f.rule, f.loc.line) == ("HP307", 7)


def test_values_read_in_a_range_map_to_their_list_item(tmp_path):
    template = ("{{- range .Values.workers }}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .name }}\n"
                "spec:\n  nodeSelector:\n    node.kubernetes.io/instance-type: {{ .instanceType }}\n"
                "    sagemaker.amazonaws.com/node-health-status: Schedulable\n"
                "  containers:\n    - name: main\n      image: img:1\n{{- end }}\n")
    values = ("workers:\n  - name: a\n    instanceType: ml.p5.48xlarge\n"
              "  - name: b\n    instanceType: g5.12xlarge\n")
    chart = _chart(tmp_path, {"pods.yaml": template}, values=values)
    (f,) = lint_chart(chart).findings
    assert (f.rule, Path(f.loc.file).name, f.loc.line, f.loc.column) == ("HP301", "values.yaml", 5, 19)
    assert f.related[0].line == 1  # the `range` that reads .Values.workers


def test_layout_of_the_hyperpod_chart():
    from hyperlint.render.chart import ChartLayout

    layout = ChartLayout(str(HYPERPOD))
    name = "hyperpod-helm-chart/charts/neuron-device-plugin/templates/k8s-neuron-device-plugin.yaml"
    chart, path = layout.file_of(name)
    assert chart.scope == ("neuron-device-plugin",) and Path(path).is_file()
    # the inference operator's folder is `inference-operator`, its chart `hyperpod-inference-operator`
    assert layout.file_of("hyperpod-helm-chart/charts/hyperpod-inference-operator/templates/default.yaml")
    # packed as .tgz too: Helm renders the archive, so the folder's files are not its source
    assert layout.file_of("hyperpod-helm-chart/charts/health-monitoring-agent/templates/"
                          "health-monitoring-agent.yaml") is None
    assert layout.missing_dependencies({}) == ["cert-manager", "nvidia-device-plugin", "aws-efa-k8s-device-plugin"]


def test_the_hyperpod_chart_rendered_in_a_run_feeds_the_run_model():
    config = Config()
    config.charts = {"renderer": "python"}
    cluster = FIXTURES / "rules" / "HP404"  # a cluster relying on the health-monitoring agent, and no agent
    found = discover([str(cluster)])
    without = lint(found.inputs, config, charts=found.charts)
    assert "HP404" in {f.rule for f in without.findings}
    found = discover([str(cluster), str(HYPERPOD)])
    with_chart = lint(found.inputs, config, charts=found.charts)
    assert "HP404" not in {f.rule for f in with_chart.findings}
    assert any(w.component for w in with_chart.model.workloads)


def test_file_dependencies_outside_charts_are_rendered_from_where_they_are(tmp_path):
    common = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")}, name="common")
    app = _chart(tmp_path, {}, name="app",
                 chart_extra="dependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n")
    result = lint_chart(app)
    assert result.notes == []
    (f,) = result.findings
    assert (f.rule, f.loc.file, f.loc.line) == ("HP307", str(common / "templates" / "pod.yaml"), 6)
    assert "not certain" not in f.message


def test_file_dependencies_with_the_helm_binary(tmp_path, monkeypatch):
    _fake_helm(tmp_path, monkeypatch)
    common = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")}, name="common")
    app = _chart(tmp_path, {}, name="app",
                 chart_extra="dependencies:\n  - name: common\n    version: 0.1.0\n    repository: file://../common\n")
    (f,) = lint_chart(app, renderer="helm").findings
    assert (f.rule, f.loc.file, f.loc.line) == ("HP307", str(common / "templates" / "pod.yaml"), 6)


def test_the_run_model_counts_a_chart_once_with_its_first_values_set():
    result = lint_chart(TRAINER)
    assert sorted(w.label for w in result.model.workloads) == ["Deployment release-name-serve",
                                                                 "Job release-name-train"]
    job = next(w for w in result.model.workloads if w.label.startswith("Job"))
    assert job.loc.file.endswith("templates/job.yaml")  # in the chart's folder, for scopes


def test_a_value_the_template_writes_itself_is_not_traced_to_values(tmp_path):
    # `y` holds the same text, but the instance type came from the `default`
    pod = POD.format(hn="false").replace(
        "  nodeSelector:\n", "  nodeSelector:\n"
        "    node.kubernetes.io/instance-type: {{ .Values.x | default \"p5.48xlarge\" }}\n"
        "    team: {{ .Values.y }}\n")
    chart = _chart(tmp_path, {"pod.yaml": pod}, values="y: p5.48xlarge\n")
    (f,) = lint_chart(chart).findings
    assert (f.rule, Path(f.loc.file).name, f.loc.line, f.loc.column) == ("HP301", "pod.yaml", 8, 39)
    assert "the template expression on this line produced it" in f.message and not f.related


def test_an_sdk_that_cannot_load_is_a_note_not_a_crash(tmp_path, monkeypatch):
    from hyperlint.render import charts, helm

    monkeypatch.setattr(helm.shutil, "which", lambda name: None)
    monkeypatch.setattr(charts, "_sdk_problem", lambda: "OSError: libhelm_c.so: cannot open shared object file")
    chart = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")})
    found = discover([str(chart)])
    result = lint(found.inputs, Config(), charts=found.charts)
    assert result.findings == [] and not result.errors
    (note,) = result.notes
    assert "cannot load its library (OSError" in note and "install the helm binary" in note


def test_values_without_a_chart_on_the_command_line_is_a_usage_error(tmp_path):
    from clitools import run

    (tmp_path / "v.yaml").write_text("a: 1\n")
    proc = run("check", "--values", "v.yaml", ".", cwd=tmp_path)
    assert proc.returncode == 2 and b"no chart folder was named" in proc.stderr


def test_a_folder_inside_a_chart_renders_the_chart():
    for path in (TRAINER / "templates", TRAINER / "ci", TRAINER / "values.yaml"):
        found = discover([str(path)])
        assert found.inputs == [] and found.charts == [str(TRAINER)]


def test_invalid_yaml_from_a_template_expression_points_at_its_line(tmp_path):
    chart = _chart(tmp_path, {"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
                              "  a: {{ .Values.x }}\n  b: c\n"}, values='x: "a: b"\n')
    (f,) = lint_chart(chart).findings
    assert (f.rule, f.loc.line, f.loc.column) == ("HP001", 6, 6)
    assert "line 6" not in f.message and "this line produced it" in f.message
    assert f.severity == "info"  # only the chart's own values.yaml: the chart may need the values it is installed with


def test_values_that_break_the_charts_schema_point_at_the_key(tmp_path):
    chart = _chart(tmp_path, {"pod.yaml": POD.format(hn="false")}, values="image: x\nreplicas: 1\n")
    (chart / "values.schema.json").write_text(json.dumps(
        {"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1}}}))
    (chart / "ci").mkdir()
    (chart / "ci" / "zero-values.yaml").write_text("# scaled to zero\nreplicas: 0\n")
    (f,) = lint_chart(chart).findings
    assert (f.rule, Path(f.loc.file).name, f.loc.line, f.loc.column) == ("HP001", "zero-values.yaml", 2, 11)
    assert "minimum: got 0, want 1" in f.message and f.message.endswith("(Helm render ci/zero-values.yaml)")


def test_a_render_that_does_not_finish_is_one_hp001_and_the_run_goes_on(tmp_path, monkeypatch):
    from hyperlint.render import helm

    monkeypatch.setattr(helm, "TIMEOUT", 0.05)
    # 6 million empty iterations (about half a second): left behind, it ends soon after
    slow = _chart(tmp_path, {"loop.yaml": "{{- range until 6000 }}{{- range until 1000 }}{{- end }}{{- end }}\n"
                                          "x: 1\n"}, name="slow")
    good = _chart(tmp_path, {"pod.yaml": POD.format(hn="true")}, name="good")
    config = Config()
    config.charts = {"renderer": "python"}
    found = discover([str(slow), str(good)])
    result = lint(found.inputs, config, charts=found.charts)
    assert [(Path(f.loc.file).relative_to(tmp_path).as_posix(), f.rule) for f in result.findings] == \
        [("good/templates/pod.yaml", "HP307"), ("slow/Chart.yaml", "HP001")]
    assert "did not finish rendering in 0.05 s" in result.findings[1].message


def test_equal_values_are_told_apart_by_the_keys_around_them(tmp_path):
    template = POD.format(hn="false").replace(
        "      image: img:1\n", "      image: img:1\n      resources:\n        {{- toYaml .Values.resources | nindent 8 }}\n")
    values = ("resources:\n  requests:\n    vpc.amazonaws.com/efa: 4\n    nvidia.com/gpu: 8\n"
              "  limits:\n    vpc.amazonaws.com/efa: 4\n    nvidia.com/gpu: 8\n")
    chart = _chart(tmp_path, {"pod.yaml": template.replace(
        "    sagemaker.amazonaws.com/node-health-status: Schedulable\n",
        "    sagemaker.amazonaws.com/node-health-status: Schedulable\n"
        "    node.kubernetes.io/instance-type: ml.g5.xlarge\n")}, values=values)
    from hyperlint.render.sourcemap import _common_tail

    assert _common_tail(("resources", "limits", "nvidia.com/gpu"), ("spec", "containers", 0, "resources", "limits",
                                                                    "nvidia.com/gpu")) == 3
    result = lint_chart(chart, Config(select=["HP311"]))  # EFA requested on a type without EFA
    assert result.findings
    for f in result.findings:  # at the request or the limit that says it, whichever the rule names
        rendered = f.loc.pointer.rsplit("/", 2)[-2]
        assert (Path(f.loc.file).name, f.loc.line) == ("values.yaml", 3 if rendered == "requests" else 6), f


def test_a_charts_renders_belong_to_its_folders_scope(tmp_path):
    stack = (FIXTURES / "rules" / "HP404" / "stack.yaml").read_text()
    job = (FIXTURES / "rules" / "HP404" / "job.yaml").read_text()
    # the chart's components without its agent, rendered by hand
    components = (FIXTURES / "rules" / "HP404" / "chart.yaml").read_text()
    for team in ("a", "b"):  # two clusters, each with its job; only team a has the whole chart in its folder
        (tmp_path / team).mkdir()
        (tmp_path / team / "stack.yaml").write_text(stack.replace("ClusterName: gpu", f"ClusterName: gpu-{team}")
                                                     .replace("ClusterName: cpu", f"ClusterName: cpu-{team}"))
        (tmp_path / team / "job.yaml").write_text(job)
        (tmp_path / team / "components.yaml").write_text(components)
    shutil.copytree(HYPERPOD, tmp_path / "a" / "hyperpod-chart")
    config = Config()
    config.charts = {"renderer": "python"}
    found = discover([str(tmp_path)])
    result = lint(found.inputs, config, charts=found.charts)
    hp404 = [f for f in result.findings if f.rule == "HP404"]
    assert [(Path(f.loc.file).parent.name, "gpu-b" in f.message) for f in hp404] == [("b", True)]


def test_a_library_chart_is_not_rendered(tmp_path, monkeypatch):
    log = _fake_helm(tmp_path, monkeypatch)
    chart = _chart(tmp_path, {"_x.tpl": '{{- define "lib.x" -}}\nhostNetwork: true\n{{- end }}\n'},
                   chart_extra="type: library\n")
    for renderer in ("python", "helm"):
        result = lint_chart(chart, renderer=renderer)
        assert result.findings == [] and result.notes == [] and not result.errors
    assert not log.exists()


def test_a_values_file_helm_cannot_load_is_hp001_where_it_breaks(tmp_path):
    chart = _chart(tmp_path, {"pod.yaml": POD.format(hn="false")}, values="a: 1\nimage: {{ .Values.x }}\n")
    (f,) = lint_chart(chart).findings
    assert (f.rule, Path(f.loc.file).name, f.loc.line, f.loc.column) == ("HP001", "values.yaml", 2, 9)
    assert "cannot load values.yaml" in f.message
