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
    assert len(data.instance_types) == 205
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


def test_api_shapes_are_read_in_either_layout():
    """api-shapes.json (generated from botocore) keeps its shapes under `shapes` or beside
    `operations`: HP004 and HP216 read both."""
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
