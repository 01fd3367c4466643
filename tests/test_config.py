"""Configuration files: discovery, precedence, validation errors, and what each key changes."""

from __future__ import annotations

import json
import re
import textwrap

import jsonschema
import pytest

from clitools import ROOT, run
from hyperlint.config import Config, ConfigError
from hyperlint.configfile import find_config, load_config, read_config, schema
from hyperlint.discover import discover
from hyperlint.engine import lint

BAD = """\
apiVersion: v1
kind: Pod
metadata: {name: trainer}
spec:
  hostNetwork: true
  nodeSelector:
    node.kubernetes.io/instance-type: p5.48xlarge
    sagemaker.amazonaws.com/node-health-status: Schedulable
  containers: [{name: c, image: busybox}]
"""


def rules_of(proc) -> list[str]:
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return sorted(f["rule"] for f in json.loads(proc.stdout)["findings"])


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def project(tmp_path):
    write(tmp_path / "k8s" / "pod.yaml", BAD)
    return tmp_path


# -- discovery ------------------------------------------------------------------------

def test_found_by_walking_up_from_the_current_directory(project):
    assert rules_of(run("check", "-f", "json", "k8s", cwd=project)) == ["HP301", "HP307"]
    write(project / ".hyperlint.yaml", "select: [HP307]\n")
    deep = project / "a" / "b"
    deep.mkdir(parents=True)
    assert rules_of(run("check", "-f", "json", "../../k8s", cwd=deep)) == ["HP307"]
    assert find_config(deep) == project / ".hyperlint.yaml"


def test_yml_spelling_and_nearest_file_wins(project):
    write(project / ".hyperlint.yml", "select: [HP307]\n")
    assert rules_of(run("check", "-f", "json", "k8s", cwd=project)) == ["HP307"]
    write(project / "k8s" / ".hyperlint.yaml", "select: [HP301]\n")
    assert rules_of(run("check", "-f", "json", ".", cwd=project / "k8s")) == ["HP301"]
    # in one folder, .yaml is read before .yml and pyproject.toml
    write(project / ".hyperlint.yaml", "ignore: [HP3]\n")
    write(project / "pyproject.toml", "[tool.hyperlint]\nselect = ['HP301']\n")
    assert find_config(project) == project / ".hyperlint.yaml"


def test_pyproject_tool_table(project):
    write(project / "pyproject.toml", """\
        [project]
        name = "x"

        [tool.hyperlint]
        select = ["HP301"]
        severity = { HP301 = "warning" }

        [tool.hyperlint.per-file-ignores]
        "legacy/*" = ["HP301"]
        """)
    proc = run("check", "-f", "json", "k8s", cwd=project)
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("HP301", "warning")]
    config = load_config(start=project)
    assert config.per_file_ignores == {"legacy/*": ["HP301"]}
    assert config.source.endswith("pyproject.toml")


def test_pyproject_without_the_table_is_skipped(project):
    write(project / ".hyperlint.yaml", "select: [HP307]\n")
    sub = project / "pkg"
    write(sub / "pyproject.toml", '[project]\nname = "pkg"\ndependencies = ["hyperlint>=0.1"]\n')
    assert find_config(sub) == project / ".hyperlint.yaml"
    assert rules_of(run("check", "-f", "json", "../k8s", cwd=sub)) == ["HP307"]


def test_no_file_anywhere_gives_defaults(tmp_path, monkeypatch):
    monkeypatch.setattr("hyperlint.configfile.find_config", lambda start=".": None)
    assert load_config() == Config()


def test_explicit_config_path(project):
    write(project / "ci" / "strict.yaml", "select: [HP301]\n")
    write(project / ".hyperlint.yaml", "select: [HP307]\n")
    assert rules_of(run("check", "-f", "json", "--config", "ci/strict.yaml", "k8s", cwd=project)) == ["HP301"]
    write(project / "ci" / "pyproject.toml", "[tool.hyperlint]\nignore = ['HP301']\n")
    assert rules_of(run("check", "-f", "json", "--config", "ci/pyproject.toml", "k8s", cwd=project)) == ["HP307"]
    write(project / "ci" / "hyperlint.toml", "ignore = ['HP307']\n")
    assert rules_of(run("check", "-f", "json", "--config", "ci/hyperlint.toml", "k8s", cwd=project)) == ["HP301"]


def test_source_names_the_file(project, monkeypatch):
    write(project / ".hyperlint.yaml", "fail-on: error\n")
    monkeypatch.chdir(project / "k8s")
    config = load_config()
    assert config.source == "../.hyperlint.yaml" and config.fail_on == "error"
    assert read_config(project / ".hyperlint.yaml", "x.yaml").source == "x.yaml"


# -- precedence --------------------------------------------------------------------------

def test_command_line_overrides_the_file(project):
    write(project / ".hyperlint.yaml", """\
        select: [HP307]
        ignore: [HP301]
        fail-on: error
        """)
    # HP307 is a warning: below the file's fail-on
    assert run("check", "k8s", cwd=project).returncode == 0
    assert run("check", "--fail-on", "warning", "k8s", cwd=project).returncode == 1
    # --select replaces the file's select, --ignore its ignore
    assert rules_of(run("check", "-f", "json", "--select", "HP301", "k8s", cwd=project)) == []
    assert rules_of(run("check", "-f", "json", "--select", "HP3", "--ignore", "HP002", "k8s", cwd=project)) == [
        "HP301", "HP307"]


# -- errors: one line, exit 2, the key named -----------------------------------------------

ERRORS = [
    ("selct: [HP301]\n", "'selct' is not a known key (allowed: select, ignore, per-file-ignores, severity, fail-on, "
                         "exclude, extend-exclude, respect-gitignore, assume-hyperpod, data, clusters, cluster, "
                         "charts); did you mean 'select'?"),
    ("select: HP301\n", "'select' must be a list (got 'HP301')"),
    ("select: [HP999]\n", "'select[0]': unknown rule 'HP999'"),
    ("select: [E501]\n", "'select[0]': 'E501' is not a rule ID or prefix such as HP301 or HP3"),
    ("ignore: [HP301, HP9]\n", "'ignore[1]': unknown rule 'HP9'"),
    ("per-file-ignores: {'*.yaml': [HP777]}\n", "'per-file-ignores.*.yaml[0]': unknown rule 'HP777'"),
    ("per-file-ignores: {'*.yaml': HP301}\n", "'per-file-ignores.*.yaml' must be a list"),
    ("severity: {HP301: fatal}\n", "'severity.HP301' must be one of error, warning, info (got 'fatal')"),
    ("severity: {HP399: info}\n", "'severity.HP399': unknown rule 'HP399'"),
    ("severity: {HP3: info}\n", "'severity': key 'HP3' is not a rule ID such as HP301"),
    ("fail-on: never\n", "'fail-on' must be one of error, warning, info (got 'never')"),
    ("exclude: charts\n", "'exclude' must be a list"),
    ("assume-hyperpod: maybe\n", "'assume-hyperpod' must be true or false (got 'maybe')"),
    ("data: {kubernetes-versions: [1.30]}\n", "'data.kubernetes-versions[0]' must be a string (got 1.3); quote it"),
    ("data: {kubernetes-versions: ['v1.30']}\n", "'data.kubernetes-versions[0]': 'v1.30' is not a Kubernetes minor version"),
    ("data: {vpc-cni-version: '1.19.0'}\n", "'data.vpc-cni-version' is not a known key (allowed: kubernetes-versions, "
                                            "vpc-cni-minimum-version, instance-types)"),
    ("data: {instance-types: [{max-pods: 3}]}\n", "'data.instance-types[0]' needs the key 'type'"),
    ("data: {instance-types: [{type: ml.x.large, max-pods: 0}]}\n", "'data.instance-types[0].max-pods' must be at least 1"),
    ("data: {instance-types: [{type: ml.x.large, maxpods: 3}]}\n", "'data.instance-types[0].maxpods' is not a known key"),
    ("cluster: {name: c, node-recovery: auto}\n", "'cluster.node-recovery' must be one of Automatic, None (got 'auto')"),
    ("cluster: {instance-groups: [{name: w, instance-type: p5.48xlarge}]}\n",
     "'cluster.instance-groups[0].instance-type': 'p5.48xlarge' is not a HyperPod instance type"),
    ("cluster: {instance-groups: [{name: w, instance-type: ml.g5.xlarge, count: -1}]}\n",
     "'cluster.instance-groups[0].count' must be at least 0"),
    ("cluster: {instance-groups: [{name: w, instance-type: ml.g5.xlarge, labels: {a: true}}]}\n",
     "'cluster.instance-groups[0].labels.a' must be a string (got true); quote it"),
    ("cluster: {instance-groups: [{name: w, instance-type: ml.g5.xlarge, taints: [{key: a, effect: NoRun}]}]}\n",
     "'cluster.instance-groups[0].taints[0].effect' must be one of NoSchedule, PreferNoSchedule, NoExecute"),
    ("cluster: {instance-groups: [{name: w, instance-type: ml.g5.xlarge, tains: []}]}\n",
     "'cluster.instance-groups[0].tains' is not a known key (allowed: name, instance-type, count, "
     "deep-health-checks, labels, taints); did you mean 'taints'?"),
    ("- select\n", "the configuration must be a mapping (got a list)"),
    ("select: [HP301\n", ".hyperlint.yaml:2:1: YAML syntax error"),
    ("select: [HP301]\nselect: [HP307]\n", ".hyperlint.yaml:2:1: duplicate key 'select'"),
    ("select: [HP301]\n---\nignore: []\n", "expected one YAML document, found 2"),
]


@pytest.mark.parametrize("content, needle", ERRORS, ids=[e[0].split(":")[0].strip("- ") + str(i)
                                                         for i, e in enumerate(ERRORS)])
def test_configuration_errors_are_one_line_exit_2(project, content, needle):
    (project / ".hyperlint.yaml").write_text(content)
    proc = run("check", "k8s", cwd=project)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.startswith("hyperlint: error: .hyperlint.yaml"), err
    assert needle in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert proc.stdout == b""


@pytest.mark.parametrize("content, needle", [
    ("[tool.hyperlint]\nselct = ['HP301']\n", "pyproject.toml: 'selct' is not a known key"),
    ("[tool.hyperlint]\nselect = ['HP301'\n", "pyproject.toml: invalid TOML: "),
    ("[tool.hyperlint.cluster]\nnode-recovery = 'Sometimes'\n", "pyproject.toml: 'cluster.node-recovery' must be one of"),
])
def test_pyproject_errors(project, content, needle):
    (project / "pyproject.toml").write_text(content)
    proc = run("check", "k8s", cwd=project)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and needle in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("args, needle", [
    (["--config", "nope.yaml"], "nope.yaml: configuration file not found"),
    (["--config", "k8s"], "k8s: is a directory"),
    (["--config", "pyproject.toml"], "pyproject.toml: has no [tool.hyperlint] table"),
    (["--select", "HP999"], "--select: unknown rule 'HP999'"),
    (["--ignore", "XX1"], "--ignore: unknown rule 'XX1'"),
])
def test_command_line_configuration_errors(project, args, needle):
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    proc = run("check", *args, "k8s", cwd=project)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and needle in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


# -- what the keys change ------------------------------------------------------------

def test_per_file_ignores_severity_and_exclude(project):
    write(project / "legacy" / "old.yaml", BAD)
    write(project / "charts" / "gen" / "pod.yaml", BAD)
    write(project / ".hyperlint.yaml", """\
        per-file-ignores:
          "legacy/*": [HP3]
          "pod.yaml": [HP307]
        severity:
          hp301: warning
        exclude: ["charts"]
        """)
    proc = run("check", "-f", "json", ".", cwd=project)
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["file"], f["rule"], f["severity"]) for f in findings] == [("k8s/pod.yaml", "HP301", "warning")]
    assert proc.returncode == 1
    assert run("check", "--fail-on", "error", ".", cwd=project).returncode == 0


def test_severity_override_raises_a_warning_to_an_error(project):
    write(project / ".hyperlint.yaml", "select: [HP307]\nseverity: {HP307: error}\nfail-on: error\n")
    proc = run("check", "k8s", cwd=project)
    assert proc.returncode == 1
    assert "HP307 [error]" in proc.stdout.decode()


def test_assume_hyperpod(project):
    text = BAD.replace("    sagemaker.amazonaws.com/node-health-status: Schedulable\n", "")
    write(project / "k8s" / "pod.yaml", text)
    def severity():
        (f,) = [f for f in json.loads(run("check", "-f", "json", "--select", "HP301", "k8s", cwd=project).stdout)["findings"]]
        return f["severity"]
    assert severity() == "info"  # no cluster, nothing in the scope shows HyperPod (RULES.md HP301)
    write(project / ".hyperlint.yaml", "assume-hyperpod: true\n")
    assert severity() == "error"


CNI = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec:
  template:
    spec:
      containers:
        - name: aws-node
          image: 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.17.1-eksbuild.1
"""


def test_data_overrides_change_a_rules_outcome(project, monkeypatch):
    write(project / "k8s" / "cni.yaml", CNI)
    write(project / "k8s" / "new.yaml", BAD.replace("p5.48xlarge", "p7.96xlarge"))
    monkeypatch.chdir(project)

    def rules(config):
        result = lint(discover(["k8s"]).inputs, config)
        return sorted((f.file, f.rule) for f in result.findings)

    before = rules(load_config())
    assert ("k8s/cni.yaml", "HP104") in before
    assert ("k8s/new.yaml", "HP301") not in before  # p7 is not a known HyperPod type
    write(project / ".hyperlint.yaml", """\
        data:
          vpc-cni-minimum-version: "1.17.0"
          kubernetes-versions: ["1.33", "1.34"]
          instance-types:
            - {type: ml.p7.96xlarge, max-pods: 100, class: gpu, efa: true}
        """)
    config = load_config()
    assert config.data == {"vpc_cni_minimum_version": "1.17.0", "kubernetes_versions": ["1.33", "1.34"],
                           "instance_types": [{"type": "ml.p7.96xlarge", "max_pods": 100, "class": "gpu", "efa": True}]}
    after = rules(config)
    assert ("k8s/cni.yaml", "HP104") not in after
    assert ("k8s/new.yaml", "HP301") in after
    from hyperlint.data import Data

    assert Data(config.data).max_pods("ml.p7.96xlarge") == 100
    assert Data(config.data).kubernetes_versions == ["1.33", "1.34"]


def test_cluster_section_is_read_into_the_run_model(project, monkeypatch):
    write(project / ".hyperlint.yaml", """\
        cluster:
          name: hp-prod
          node-recovery: Automatic
          instance-groups:
            - name: workers
              instance-type: ml.p5.48xlarge
              count: 4
              deep-health-checks: true
              labels: {team.example.com/owner-id: ml-infra}
              taints: [{key: dedicated, value: training, effect: NoSchedule}]
            - name: system
              instance-type: ml.m5.2xlarge
        """)
    monkeypatch.chdir(project)
    config = load_config()
    assert config.cluster == {
        "name": "hp-prod", "node_recovery": "Automatic",
        "instance_groups": [
            {"name": "workers", "instance_type": "ml.p5.48xlarge", "count": 4, "deep_health_checks": True,
             "labels": {"team.example.com/owner-id": "ml-infra"},
             "taints": [{"key": "dedicated", "value": "training", "effect": "NoSchedule"}]},
            {"name": "system", "instance_type": "ml.m5.2xlarge"},
        ],
    }
    result = lint(discover(["k8s"]).inputs, config)
    (cluster,) = result.model.clusters
    assert (cluster.name, cluster.origin, cluster.node_recovery) == ("hp-prod", "configuration", "Automatic")
    assert cluster.loc.file == ".hyperlint.yaml"
    workers, system = cluster.groups
    assert (workers.name, workers.instance_types, workers.count, workers.deep_health_checks) == (
        "workers", ["ml.p5.48xlarge"], 4, True)
    assert workers.labels == {"team.example.com/owner-id": "ml-infra"}
    assert workers.taints == [{"key": "dedicated", "value": "training", "effect": "NoSchedule"}]
    assert (system.name, system.count, system.deep_health_checks) == ("system", None, False)
    assert result.model.instance_group_names == {"workers", "system"}


def test_a_label_of_the_configured_cluster_makes_a_workload_target_hyperpod(project):
    pod = BAD.replace("sagemaker.amazonaws.com/node-health-status: Schedulable", "team.example.com/pool: gpu-a")
    write(project / "k8s" / "pod.yaml", pod)

    def severities():
        proc = run("check", "-f", "json", "--select", "HP301", "k8s", cwd=project)
        return [f["severity"] for f in json.loads(proc.stdout)["findings"]]

    assert severities() == ["info"]  # may be meant for a non-HyperPod node group (nothing shows HyperPod)
    write(project / ".hyperlint.yaml", """\
        cluster:
          instance-groups:
            - {name: workers, instance-type: ml.p5.48xlarge, labels: {team.example.com/pool: gpu-a}}
        """)
    assert severities() == ["error"]  # it selects a label of the cluster's instance group


# -- the schema and the README ------------------------------------------------------------

def _object_schemas(node, path="#"):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _object_schemas(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _object_schemas(value, f"{path}/{i}")


def test_schema_is_a_proper_json_schema_closed_everywhere():
    doc = schema()
    jsonschema.Draft202012Validator.check_schema(doc)
    objects = list(_object_schemas(doc))
    assert len(objects) >= 8
    for path, node in objects:
        if "properties" in node:
            assert node.get("additionalProperties") is False, path
        else:  # a map: its keys and values are still constrained
            assert isinstance(node.get("additionalProperties"), dict), path
            assert "propertyNames" in node, path


def test_readme_example_is_valid_and_complete(tmp_path):
    readme = (ROOT / "README.md").read_text()
    m = re.search(r"```yaml\n# \.hyperlint\.yaml\n(.*?)```", readme, re.S)
    assert m, "README has no full .hyperlint.yaml example"
    path = tmp_path / ".hyperlint.yaml"
    path.write_text(m.group(1))
    config = read_config(path)
    assert config.cluster and config.data and config.per_file_ignores and config.severity and config.exclude
    for key in schema()["properties"]:
        assert re.search(rf"^{key}:", m.group(1), re.M), f"README example lacks {key}"
    m = re.search(r"```toml\n(\[tool\.hyperlint\].*?)```", readme, re.S)
    assert m, "README has no pyproject.toml example"
    (tmp_path / "pyproject.toml").write_text(m.group(1))
    config = read_config(tmp_path / "pyproject.toml")
    assert config.select and config.per_file_ignores and config.cluster["instance_groups"][0]["instance_type"]


def test_jsonschema_is_imported_only_when_a_file_is_read(project):
    script = ("import atexit, sys\n"
              "atexit.register(lambda: print('jsonschema' in sys.modules, file=sys.stderr))\n"
              "from hyperlint.cli import main\nmain(['check', 'k8s'])\n")
    import subprocess
    import sys

    def loaded() -> str:
        env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
        proc = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, env=env, timeout=60)
        return proc.stderr.decode().strip().splitlines()[-1]

    assert loaded() == "False"
    write(project / ".hyperlint.yaml", "select: [HP3]\n")
    assert loaded() == "True"


def test_load_config_error_type(tmp_path):
    path = write(tmp_path / ".hyperlint.yaml", "selct: []\n")
    with pytest.raises(ConfigError, match=r"^.*\.hyperlint\.yaml: 'selct' is not a known key"):
        read_config(path)
