"""The data tables in schemas/: valid against their own JSON Schemas, sourced, dated."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from hyperlint.data import Data, schemas_dir

TABLES = sorted(p for p in schemas_dir().glob("*.json") if not p.name.endswith(".schema.json"))


def test_every_table_has_a_schema():
    assert TABLES, "no data tables found"
    for table in TABLES:
        assert table.with_name(table.stem + ".schema.json").exists(), f"{table.name} has no schema"


@pytest.mark.parametrize("table", TABLES, ids=lambda p: p.name)
def test_table_is_valid_against_its_schema(table: Path):
    schema = json.loads(table.with_name(table.stem + ".schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(json.loads(table.read_text())), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def _sourced_objects(node):
    """Every object that carries facts must say where they come from and when."""
    if isinstance(node, dict):
        if "source" in node or "as_of" in node:
            yield node
        for value in node.values():
            yield from _sourced_objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _sourced_objects(value)


@pytest.mark.parametrize("table", TABLES, ids=lambda p: p.name)
def test_every_entry_has_source_and_date(table: Path):
    doc = json.loads(table.read_text())
    found = list(_sourced_objects(doc))
    assert found
    for obj in found:
        if "config" in table.name:
            continue
        assert str(obj.get("source", "")).startswith("https://") or "sources" in doc, obj
        assert len(str(obj.get("as_of", doc.get("as_of", "")))) == 10, obj


def test_instance_types_facts_from_the_docs():
    data = Data()
    assert data.max_pods("ml.t3.medium") == 5
    assert data.max_pods("ml.p5.48xlarge") == 49
    assert data.max_pods("ml.g5.16xlarge") == 29  # not monotonic in size
    assert data.max_pods("ml.c6i.large") == 9  # formula: IPv4 per ENI - 1
    assert data.max_pods("ml.p6e-gb200.36xlarge") is None  # no data: never guessed
    assert data.instance_class("ml.trn1.32xlarge") == "trainium"
    assert data.instance_class("ml.m5.2xlarge") == "cpu"
    assert len(data.instance_types) == 213  # the API's 209 plus 4 inf2 outside its enum
    assert data.ml_form("p5.48xlarge") == "ml.p5.48xlarge"
    assert data.ml_form("t4g.small") is None
    assert data.suggest("ml.p5.48xl") == "ml.p5.48xlarge"
    assert data.suggest("ML.g5.8xlarge") == "ml.g5.8xlarge"  # not `ml.ML.g5...` (then a wrong guess)
    assert data.kubernetes_versions == ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35"]
    assert data.vpc_cni_minimum == (1, 18, 3)


def test_overrides_from_configuration():
    data = Data({"kubernetes_versions": ["1.36"], "instance_types": [{"type": "ml.p7.48xlarge", "max_pods": 63, "class": "gpu"}]})
    assert data.kubernetes_versions == ["1.36"]
    assert data.max_pods("ml.p7.48xlarge") == 63
    assert data.instance_class("ml.p7.48xlarge") == "gpu"
    assert data.ml_form("p7.48xlarge") == "ml.p7.48xlarge"


def test_helm_chart_and_subnet_facts():
    data = Data()
    assert data.chart_namespace == "aws-hyperpod"
    fixed = {c["id"] for c in data.chart_components if c["namespace_fixed"]}
    assert {"health-monitoring-agent", "health-monitoring-agent-non-nvidia",
            "deep-health-check-service-account", "job-auto-restart-service-account"} <= fixed
    assert not fixed & {"nvidia-device-plugin", "neuron-device-plugin", "efa-device-plugin", "training-operator"}
    assert data.subnet_reserved == 5
    assert data.ips_per_node("ml.p5.48xlarge") == (81, "documented")  # 50 + one on each of 31 more cards
    assert data.ips_per_node("ml.p5.48xlarge", efa_only=True) == (50, "max pods + 1")
    assert data.ips_per_node("ml.g5.12xlarge") == (50, "max pods + 1")
    assert data.ips_per_node("ml.p6e-gb200.36xlarge") is None  # no max pods: never guessed
    assert data.ips_per_node("ml.nope.xlarge") is None


def test_the_api_types_the_audit_found_missing_are_known():
    data = Data()
    for name in ("ml.g7.2xlarge", "ml.g7.8xlarge", "ml.g7.48xlarge"):
        entry = data.instance(name)
        assert (entry["class"], entry["arch"], entry["max_pods"], entry["efa"], entry["in_api_enum"]) == (
            "gpu", "x86_64", 63, False, True)  # vpc-cni IPv4Limit 64; the chart's EFA list has no g7
    for name in ("ml.c8a.16xlarge", "ml.m8a.16xlarge"):
        assert (data.instance_class(name), data.max_pods(name)) == ("cpu", 63)
    assert data.instance("ml.inf2.xlarge")["in_api_enum"] is False
    assert data.instance("ml.trn1.2xlarge") is None  # the API does not accept it ...
    assert "the sources conflict" in data.rejected_type("ml.trn1.2xlarge")["note"]  # ... though others list it
    assert data.deep_health_check_types == ["InstanceStress", "InstanceConnectivity", "MultiNodeTrainingValidation"]


def test_every_api_type_has_reviewed_facts():
    table = Data().instance_table
    api = [e for e in table["entries"] if e["in_api_enum"]]
    assert len(api) == int(table["generated_from"]["api_enum"].split("(")[-1].split()[0])
    assert all(e["class"] for e in api)
    assert all(e.get("note") for e in table["entries"] if not e["in_api_enum"])


# -- the generated tables against their pinned sources (scripts/refresh_data.py) -----------
def _refresh_module():
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("refresh_data", ROOT / "scripts" / "refresh_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    """scripts/refresh_data.py as a module (its CSV and pin checks need no installed source)."""
    return _refresh_module()


@pytest.fixture(scope="module")
def refresh(generator):
    """The generator, when the installed botocore and cfn-lint are the pinned ones.

    Locally another version only skips (say which); in CI (CI=true) it fails: the test
    extra pins them, so CI installs exactly those."""
    import os

    module = generator
    mismatch = module.version_mismatch()
    if mismatch:
        message = f"the drift check needs the botocore/cfn-lint pinned in pyproject.toml's test extra: {mismatch}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return module


@pytest.fixture(scope="module")
def sources(refresh):
    return refresh.Sources()


def test_generated_tables_equal_the_committed_ones(refresh, sources):
    tables = refresh.build(sources)
    assert set(tables) == {"api-shapes.json", "cluster-api.json", "instance-types.json"}
    diff = refresh.drift(tables)
    assert not diff, ("schemas/ differs from what the pinned sources give; review, then run "
                      "`python scripts/refresh_data.py`:\n" + diff)


def test_generation_is_deterministic_across_processes(refresh):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    for seed in ("1", "4242"):  # set and dict orders must not leak into the bytes
        proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "refresh_data.py"), "--check"], cwd=ROOT,
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_new_api_type_shows_as_a_readable_diff_and_fails_the_schema(refresh, sources):
    import copy

    bumped = copy.copy(sources)
    bumped.shapes = dict(sources.shapes)
    enum = sources.shapes["ClusterInstanceType"]["enum"]
    bumped.shapes["ClusterInstanceType"] = {**sources.shapes["ClusterInstanceType"], "enum": [*enum, "ml.p7.48xlarge"]}
    tables = refresh.build(bumped)
    diff = refresh.drift(tables)
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert any('"ml.p7.48xlarge"' in line and "instance-facts.csv" in line for line in added), diff
    assert "+++ schemas/api-shapes.json (regenerated)" in diff  # the API enum there too
    schema = json.loads((schemas_dir() / "instance-types.schema.json").read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(tables["instance-types.json"])))
    assert errors, "a type without reviewed facts must fail the schema, never ship with guessed facts"


def test_the_facts_file_is_checked_row_by_row(generator, tmp_path):
    refresh = generator
    good = (schemas_dir() / "sources" / "instance-facts.csv").read_text()
    sources_, rows = refresh.read_facts(schemas_dir() / "sources" / "instance-facts.csv")
    assert sources_["vpc_cni_limits"].startswith("https://github.com/aws/amazon-vpc-cni-k8s/")
    assert {r["type"] for r in rows} >= {"ml.g7.8xlarge", "ml.inf2.xlarge", "ml.trn1.2xlarge"}
    for broken, complaint in (
        (good.replace("ml.p5.48xlarge,gpu,", "ml.p5.48xlarge,fpga,", 1), "class or arch"),
        (good.replace("\nml.p4de.24xlarge,", "\nml.p4d.24xlarge,", 1), "duplicate"),
        (good.replace(",2026-08-20,", ",last week,", 1), "as_of"),
    ):
        path = tmp_path / "instance-facts.csv"
        path.write_text(broken)
        with pytest.raises(refresh.SourceError, match=complaint):
            refresh.read_facts(path)


def test_the_pins_are_exact_and_in_the_test_extra(generator):
    refresh = generator
    pins = refresh.pinned_versions()
    assert set(pins) == {"botocore", "cfn-lint"}
    assert all(v[0].isdigit() for v in pins.values())
    assert pins["botocore"] in refresh.BOTOCORE_RELEASED  # a pinned release needs its date


def test_instance_type_findings_yield_to_the_configuration(tmp_path):
    """HP201 names the data it judged by and the configuration key that overrides it; that
    key, written as the message says in a configuration file, silences it."""
    from clitools import run

    (tmp_path / "stack.yaml").write_text("""Resources:
  Cluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/c"}}
      InstanceGroups:
        - {InstanceGroupName: a, InstanceType: ml.inf2.48xlarge, InstanceCount: 1, ExecutionRole: r}
        - {InstanceGroupName: b, InstanceType: ml.p9.48xlarge, InstanceCount: 1, ExecutionRole: r}
""")
    found = json.loads(run("check", "--select", "HP201", "--format", "json", "stack.yaml", cwd=tmp_path).stdout)
    findings = found["findings"] if isinstance(found, dict) else found
    assert [(f["severity"], "data.instance-types in the configuration" in f["message"]) for f in findings] == [
        ("warning", True), ("error", True)]
    (tmp_path / ".hyperlint.yaml").write_text(
        "data:\n  instance-types:\n    - {type: ml.inf2.48xlarge}\n    - {type: ml.p9.48xlarge, class: gpu, max-pods: 63}\n")
    proc = run("check", "--select", "HP201", "stack.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_version_and_data_commands_show_every_table_with_its_date():
    from clitools import run

    tables = sorted(p.stem for p in TABLES)
    version = run("--version")
    text = version.stdout.decode()
    assert version.returncode == 0 and text.startswith("hyperlint ")
    for name in tables:
        line = next(l for l in text.splitlines() if l.strip().startswith(name + " "))
        assert len(line.split()[-1]) == 10, line  # the as-of date
    listing = run("data")
    shown = listing.stdout.decode()
    assert listing.returncode == 0
    for name in tables:
        block = shown.split(f"{name}.json: ", 1)[1].split("\n\n", 1)[0]
        assert "as of:" in block and "source: https://" in block, block
    assert "generated from: botocore" in shown.split("instance-types.json: ", 1)[1].split("\n\n", 1)[0]
    as_json = json.loads(run("data", "--format", "json").stdout)
    assert sorted(t["name"] for t in as_json) == tables
    assert run("data", "--format", "yaml").returncode == 2


def test_data_commands_import_no_package_source():
    """`hyperlint data` and `--version` read the shipped tables, never botocore or cfn-lint."""
    import subprocess
    import sys

    from conftest import ROOT

    probe = ("import sys\nfrom hyperlint.cli import main\n"
             "for argv in (['data'], ['--version']):\n"
             "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
             "print(sorted(m for m in ('botocore', 'cfnlint') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr


def test_hand_kept_facts_agree_with_the_api_tables():
    """The values the hand-kept tables require are values the API has (a typo there would
    make a rule demand something CreateCluster rejects)."""
    data = Data()
    api = data.cluster_api
    autoscaling = data.hyperpod_cluster["autoscaling"]
    assert autoscaling["node_provisioning_mode"] in api["node_provisioning_mode"]["values"]
    assert autoscaling["node_recovery"] in api["node_recovery"]["values"]
    assert data.dhc_taint["effect"] in api["kubernetes_taints"]["effects"]
    shapes = json.loads((schemas_dir() / "api-shapes.json").read_text())["shapes"]
    assert shapes["DeepHealthCheckType"]["enum"] == data.deep_health_check_types
    known = set(shapes["ClusterInstanceType"]["enum"])
    assert {t for t, e in data.instance_types.items() if e["in_api_enum"]} == known


def test_api_shapes_are_read_in_either_layout():
    """api-shapes.json (generated from botocore) keeps its shapes under `shapes` or beside
    `operations`: HP004 reads both."""
    data = Data()
    table = data.api_shapes
    shapes = data.api_shape_map
    assert shapes["ClusterAutoScalingMode"]["enum"] == ["Enable", "Disable"]
    assert shapes["ClusterKubernetesLabelValue"]["max"] == 63
    assert set(table["operations"]) == {"CreateCluster", "UpdateCluster", "DescribeCluster"}
    flat = Data()
    flat.__dict__["api_shapes"] = {"operations": table["operations"], "source": table["source"],
                                   "as_of": table["as_of"], **shapes}
    assert flat.api_shape_map == shapes
