#!/usr/bin/env python3
"""Rebuild the generated data tables in ``schemas/`` from pinned, installable sources.

    python scripts/refresh_data.py            # rewrite the generated tables
    python scripts/refresh_data.py --check    # exit 1 and print a diff when schemas/ differs

Inputs (and nothing else: no network, no clock, so the same inputs give the same bytes):

- botocore's SageMaker service model (``botocore/data/sagemaker/2017-07-24/service-2.json``):
  the shapes of CreateCluster, UpdateCluster and DescribeCluster and the enums and
  patterns read from them;
- cfn-lint's bundled ``AWS::SageMaker::Cluster`` resource schema and its regional
  instance-type enum (``extensions/aws_sagemaker_cluster/instancetype_enum.json``);
- ``schemas/sources/instance-facts.csv``: the reviewed, hand-kept facts no package has
  (class, architecture, max pods, EFA, Helm chart coverage, notes), each row with its URL.

The versions used are the ones pinned in ``pyproject.toml`` (test extra); the generator
refuses other versions unless ``--any-version`` is given, so a bump is a deliberate step:
bump the pin, install, run this script, review the diff, commit.

botocore and cfn-lint are maintainer and test dependencies of this script only;
``hyperlint check`` never imports them (tests/test_imports.py).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
FACTS_CSV = SCHEMAS / "sources" / "instance-facts.csv"

# The PyPI publication date of each pinned botocore release (botocore carries no date of
# its own; cfn-lint does: data/schemas/version.json). Add the date when bumping the pin:
# https://pypi.org/project/botocore/#history
BOTOCORE_RELEASED = {"1.44.18": "2026-12-02"}

API_OPERATIONS = {"CreateCluster": "input", "UpdateCluster": "input", "DescribeCluster": "output"}
SHAPE_KEYS = ("type", "members", "required", "member", "key", "value", "enum", "pattern", "min", "max")


class SourceError(Exception):
    """A pinned source is missing, has another version, or lacks what the tables need."""


# -- the pinned sources --------------------------------------------------------------
def pinned_versions(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """{"botocore": "1.44.18", "cfn-lint": "1.58.0"} from the test extra's ``==`` pins."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    extra = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["test"]
    pins = {}
    for req in extra:
        m = re.match(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;,]+)", req)
        if m and m.group(1).lower() in ("botocore", "cfn-lint"):
            pins[m.group(1).lower()] = m.group(2)
    return pins


def installed_versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str | None] = {}
    for name in ("botocore", "cfn-lint"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def version_mismatch() -> str | None:
    """Why the installed sources are not the pinned ones, or None when they are."""
    pins, have = pinned_versions(), installed_versions()
    wrong = [f"{name} {have.get(name) or 'not installed'} (pinned {pin})"
             for name, pin in sorted(pins.items()) if have.get(name) != pin]
    missing = sorted({"botocore", "cfn-lint"} - set(pins))
    if missing:
        return f"pyproject.toml's test extra pins no exact version of {', '.join(missing)}"
    return "installed: " + "; ".join(wrong) if wrong else None


class Sources:
    """The loaded inputs, with their versions and dates."""

    def __init__(self):
        from importlib.metadata import version
        from importlib.util import find_spec

        # located, not imported: importing cfn-lint costs about a second
        botocore, cfnlint = find_spec("botocore"), find_spec("cfnlint")
        if botocore is None or cfnlint is None or not botocore.origin or not cfnlint.origin:
            raise SourceError("botocore and cfn-lint must be installed (pip install -e '.[test]')")
        self.botocore_version = version("botocore")
        # unknown for an unpinned release: --check still shows the drift; writing refuses (main)
        self.botocore_date = BOTOCORE_RELEASED.get(self.botocore_version, "unknown")
        model_dir = Path(botocore.origin).parent / "data" / "sagemaker" / "2017-07-24"
        plain, packed = model_dir / "service-2.json", model_dir / "service-2.json.gz"
        if plain.exists():
            self.model = json.loads(plain.read_text(encoding="utf-8"))
        elif packed.exists():
            self.model = json.loads(gzip.decompress(packed.read_bytes()).decode("utf-8"))
        else:
            raise SourceError(f"botocore {self.botocore_version} has no SageMaker service model at {model_dir}")
        self.shapes = self.model["shapes"]

        self.cfnlint_version = version("cfn-lint")
        schemas = Path(cfnlint.origin).parent / "data" / "schemas"
        try:  # cfn-lint dates its bundled schemas (newer releases only)
            self.cfnlint_date = json.loads((schemas / "version.json").read_text())["schema_date"][:10]
        except (OSError, ValueError, KeyError, TypeError):
            self.cfnlint_date = "unknown"
        self.cfn_cluster = self._cfn_resource(schemas, "AWS::SageMaker::Cluster")
        regional = schemas / "extensions" / "aws_sagemaker_cluster" / "instancetype_enum.json"
        if not regional.exists():
            raise SourceError(f"cfn-lint {self.cfnlint_version} has no regional instance-type list at {regional}")
        self.cfn_regional = json.loads(regional.read_text())

    @staticmethod
    def _cfn_resource(schemas: Path, type_name: str) -> dict:
        """The us-east-1 resource schema: ``providers/us-east-1.json`` maps each resource type
        to the hash of its schema file in ``resources/``."""
        index = json.loads((schemas / "providers" / "us-east-1.json").read_text())
        digest = index.get(type_name)
        path = schemas / "resources" / f"{digest}.json"
        if not isinstance(digest, str) or not path.exists():
            raise SourceError(f"cfn-lint bundles no schema for {type_name}")
        doc = json.loads(path.read_text())
        if doc.get("typeName") != type_name:
            raise SourceError(f"cfn-lint's schema {path.name} is not {type_name}")
        return doc

    # the addresses cited in the tables
    @property
    def botocore_url(self) -> str:
        return (f"https://github.com/boto/botocore/blob/{self.botocore_version}/"
                "botocore/data/sagemaker/2017-07-24/service-2.json")

    @property
    def botocore_label(self) -> str:
        return f"botocore {self.botocore_version}, sagemaker 2017-07-24 service-2.json"

    @property
    def cfnlint_schema_url(self) -> str:
        return (f"https://github.com/aws-cloudformation/cfn-lint/blob/v{self.cfnlint_version}/"
                "src/cfnlint/data/schemas/providers/us_east_1/aws-sagemaker-cluster.json")

    @property
    def cfnlint_url(self) -> str:
        return (f"https://github.com/aws-cloudformation/cfn-lint/blob/v{self.cfnlint_version}/"
                "src/cfnlint/data/schemas/extensions/aws_sagemaker_cluster/instancetype_enum.json")


# -- api-shapes.json (HP004) ------------------------------------------------------------
def _trim(shape: dict) -> dict:
    out = {}
    for key in SHAPE_KEYS:
        if key not in shape:
            continue
        value = shape[key]
        if key == "members":
            value = {name: {"shape": member["shape"]} for name, member in value.items()}
        elif key in ("member", "key", "value"):
            value = {"shape": value["shape"]}
        out[key] = value
    return out


def _reachable(shapes: dict, roots: list[str]) -> list[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in shapes:
            raise SourceError(f"botocore shape {name} is referenced but not defined")
        seen.add(name)
        shape = shapes[name]
        todo.extend(m["shape"] for m in shape.get("members", {}).values())
        todo.extend(shape[k]["shape"] for k in ("member", "key", "value") if k in shape)
    return sorted(seen)


def api_shapes(src: Sources) -> dict:
    operations = {}
    for op, direction in API_OPERATIONS.items():
        spec = src.model["operations"].get(op)
        if not spec or direction not in spec:
            raise SourceError(f"botocore has no {direction} shape for {op}")
        operations[op] = {direction: spec[direction]["shape"]}
    roots = [shape for entry in operations.values() for shape in entry.values()]
    return {
        "$schema": "./api-shapes.schema.json",
        "title": "SageMaker API shapes of CreateCluster, UpdateCluster and DescribeCluster (generated)",
        "description": ("The botocore SageMaker service-model shapes reachable from the CreateCluster and "
                        "UpdateCluster inputs and the DescribeCluster output, trimmed to type, members, "
                        "required, member, key, value, enum, pattern, min and max. Generated by "
                        "scripts/refresh_data.py; do not edit by hand."),
        "source": src.botocore_url,
        "source_package": src.botocore_label,
        "as_of": src.botocore_date,
        "operations": operations,
        "shapes": {name: _trim(src.shapes[name]) for name in _reachable(src.shapes, roots)},
    }


# -- instance-facts.csv ----------------------------------------------------------------
FACT_COLUMNS = ("type", "class", "arch", "max_pods", "max_pods_basis", "efa", "hma_daemonset", "nvidia_device_plugin",
                "efa_device_plugin", "neuron_device_plugin", "status", "source", "as_of", "note")
_SOURCE_LINE = re.compile(r"^#\s*source\s+([a-z0-9_]+):\s*(https://\S+)\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_facts(path: Path = FACTS_CSV) -> tuple[dict[str, str], list[dict]]:
    """({source name: URL}, [row, ...]) from the reviewed CSV; every row is checked."""
    sources: dict[str, str] = {}
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            m = _SOURCE_LINE.match(line)
            if m:
                sources[m.group(1)] = m.group(2)
            continue
        lines.append(line)
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != FACT_COLUMNS:
        raise SourceError(f"{path.name}: the columns must be {', '.join(FACT_COLUMNS)}")
    rows, seen = [], set()
    for number, row in enumerate(reader, 2):
        where = f"{path.name} row {number} ({row['type']})"
        if row["type"] in seen:
            raise SourceError(f"{where}: duplicate type")
        seen.add(row["type"])
        if not re.match(r"^ml\.[a-z0-9-]+\.[a-z0-9]+$", row["type"]):
            raise SourceError(f"{where}: not an ml. instance type name")
        if row["class"] not in ("gpu", "trainium", "inferentia", "cpu") or row["arch"] not in ("x86_64", "arm64"):
            raise SourceError(f"{where}: class or arch outside the known values")
        if (row["max_pods"] == "") != (row["max_pods_basis"] == ""):
            raise SourceError(f"{where}: max_pods and max_pods_basis go together")
        if row["max_pods_basis"] not in ("", "documented", "ipv4-per-eni-minus-1"):
            raise SourceError(f"{where}: unknown max_pods_basis {row['max_pods_basis']!r}")
        if row["status"] not in ("", "rejected"):
            raise SourceError(f"{where}: status is empty or 'rejected'")
        if not row["source"].startswith("https://") or not _DATE.match(row["as_of"]):
            raise SourceError(f"{where}: every row needs an https source and an as_of date")
        for flag in ("efa", "nvidia_device_plugin", "efa_device_plugin", "neuron_device_plugin"):
            if row[flag] not in ("true", "false"):
                raise SourceError(f"{where}: {flag} is true or false")
        rows.append(row)
    return sources, rows


def _entry(row: dict, in_api: bool, note: str) -> dict:
    entry = {
        "type": row["type"],
        "class": row["class"],
        "arch": row["arch"],
        "max_pods": int(row["max_pods"]) if row["max_pods"] else None,
        "max_pods_basis": row["max_pods_basis"] or None,
        "efa": row["efa"] == "true",
        "chart": {
            "hma_daemonset": row["hma_daemonset"] or None,
            "nvidia_device_plugin": row["nvidia_device_plugin"] == "true",
            "efa_device_plugin": row["efa_device_plugin"] == "true",
            "neuron_device_plugin": row["neuron_device_plugin"] == "true",
        },
        "in_api_enum": in_api,
        "source": row["source"],
        "as_of": row["as_of"],
    }
    if note:
        entry["note"] = note
    return entry


# -- instance-types.json ----------------------------------------------------------------
def instance_types(src: Sources) -> dict:
    api = list(src.shapes["ClusterInstanceType"]["enum"])
    api_set = set(api)
    regions: dict[str, list[str]] = {}
    for region, listed in sorted(src.cfn_regional.items()):
        for name in listed.get("enum", ()) if isinstance(listed, dict) else ():
            regions.setdefault(name, []).append(region)
    csv_sources, rows = read_facts()
    by_type = {row["type"]: row for row in rows}
    entries, rejected = [], []
    not_regional = f"not in cfn-lint {src.cfnlint_version}'s regional instance-type list (its rule E3644 reports it)"
    for row in rows:
        in_api = row["type"] in api_set
        notes = [row["note"]] if row["note"] else []
        if not in_api and not row["note"]:  # dropped from the enum, or a row never in it: shown, for review
            notes.append(f"not in the API's ClusterInstanceType enum of botocore {src.botocore_version}; "
                         "review its row in schemas/sources/instance-facts.csv")
        if not in_api:  # what cfn-lint's regional list says of it, computed, so it cannot go stale
            found = regions.get(row["type"])
            notes.append(f"in cfn-lint {src.cfnlint_version}'s regional instance-type list ({', '.join(found)})"
                         if found else f"not in cfn-lint {src.cfnlint_version}'s regional instance-type list either")
        if row["status"] == "rejected":
            if in_api:
                raise SourceError(f"{row['type']} is marked rejected but the API enum has it: drop the status")
            rejected.append({"type": row["type"], "note": "; ".join(notes), "source": row["source"],
                             "as_of": row["as_of"]})
            continue
        if in_api and row["type"] not in regions:
            notes.append(not_regional)
        entries.append(_entry(row, in_api, "; ".join(notes)))
    for name in api:  # new in the API, no reviewed facts yet: listed, never guessed (the schema test fails)
        if name not in by_type:
            entries.append({"type": name, "class": None, "arch": None, "max_pods": None, "max_pods_basis": None,
                            "efa": None, "chart": None, "in_api_enum": True, "source": src.botocore_url,
                            "as_of": src.botocore_date,
                            "note": "new in the API enum: add its row to schemas/sources/instance-facts.csv"})
    dates = [src.botocore_date, src.cfnlint_date] + [row["as_of"] for row in rows]
    return {
        "$schema": "./instance-types.schema.json",
        "title": "SageMaker HyperPod (EKS) instance types",
        "description": ("Every instance type HyperPod accepts (the CreateCluster API's ClusterInstanceType enum), "
                        "plus types HyperPod material names outside that enum (in_api_enum false), with class, "
                        "architecture, maximum pods per node (one pod network interface per HyperPod instance), EFA "
                        "and the HyperPod Helm chart's coverage. max_pods is the HyperPod max-pods table's value "
                        "(basis 'documented'), else the vpc-cni IPv4 addresses per ENI minus 1; null where no data "
                        "exists. 'efa' follows the chart's EFA device-plugin list. 'rejected' lists types some "
                        "material names but the API does not accept. Generated by scripts/refresh_data.py from "
                        "botocore, cfn-lint and schemas/sources/instance-facts.csv; do not edit by hand."),
        "generated_from": {
            "api_enum": f"{src.botocore_label}, shape ClusterInstanceType ({len(api)} values)",
            "regional_enum": f"cfn-lint {src.cfnlint_version} (schemas {src.cfnlint_date}), "
                             "extensions/aws_sagemaker_cluster/instancetype_enum.json",
            "facts": "schemas/sources/instance-facts.csv",
        },
        "sources": {"api_enum": src.botocore_url, "cfn_lint_regional_enum": src.cfnlint_url, **csv_sources},
        "as_of": max(dates),
        "api_enum_as_of": src.botocore_date,
        "entries": entries,
        "rejected": rejected,
    }


# -- cluster-api.json ----------------------------------------------------------------------
def _string_facts(shape: dict) -> dict:
    return {k: shape[k] for k in ("pattern", "min", "max") if k in shape}


def _cfn_string_facts(prop: dict) -> dict:
    names = {"pattern": "pattern", "minLength": "min", "maxLength": "max"}
    return {short: prop[key] for key, short in names.items() if key in prop}


def cluster_api(src: Sources) -> dict:
    s = src.shapes
    group = s["ClusterInstanceGroupSpecification"]["members"]
    kube = s[group["KubernetesConfig"]["shape"]]["members"]
    labels = s[kube["Labels"]["shape"]]
    taints = s[kube["Taints"]["shape"]]
    taint = s[taints["member"]["shape"]]["members"]
    checks = s[group["OnStartDeepHealthChecks"]["shape"]]
    check_type = s[checks["member"]["shape"]]
    cluster = s["CreateClusterRequest"]["members"]
    cfn = src.cfn_cluster["definitions"]
    cfn_checks = cfn["OnStartDeepHealthChecks"]
    cfn_types = cfn["DeepHealthCheckType"]["enum"]
    missing = [t for t in check_type["enum"] if t not in cfn_types]
    return {
        "$schema": "./cluster-api.schema.json",
        "title": "SageMaker CreateCluster enums, patterns and limits that HyperPod rules check (generated)",
        "description": ("Read from the SageMaker API model (botocore) and, where noted, cfn-lint's bundled "
                        "AWS::SageMaker::Cluster schema. A pattern matches the whole value. Generated by "
                        "scripts/refresh_data.py; do not edit by hand."),
        "source": src.botocore_url,
        "source_package": src.botocore_label,
        "as_of": src.botocore_date,
        "deep_health_checks": {
            "shape": "DeepHealthCheckType",
            "values": list(check_type["enum"]),
            "min_items": checks.get("min"),
            "max_items": checks.get("max"),
            "cloudformation_values": list(cfn_types),
            "cloudformation_max_items": cfn_checks.get("maxItems"),
            "note": (f"cfn-lint {src.cfnlint_version}'s AWS::SageMaker::Cluster schema lacks "
                     f"{', '.join(missing)}" if missing else "the CloudFormation schema has the same values"),
        },
        "node_recovery": {"shape": cluster["NodeRecovery"]["shape"],
                          "values": list(s[cluster["NodeRecovery"]["shape"]]["enum"])},
        "node_provisioning_mode": {"shape": cluster["NodeProvisioningMode"]["shape"],
                                   "values": list(s[cluster["NodeProvisioningMode"]["shape"]]["enum"])},
        "kubernetes_labels": {
            "shape": kube["Labels"]["shape"],
            "max_entries": labels.get("max"),
            "key": _string_facts(s[labels["key"]["shape"]]),
            "value": _string_facts(s[labels["value"]["shape"]]),
            "cloudformation_key_patterns": sorted(cfn["ClusterKubernetesLabels"].get("patternProperties", {})),
        },
        "kubernetes_taints": {
            "shape": kube["Taints"]["shape"],
            "max_entries": taints.get("max"),
            "key": _string_facts(s[taint["Key"]["shape"]]),
            "value": _string_facts(s[taint["Value"]["shape"]]),
            "effects": list(s[taint["Effect"]["shape"]]["enum"]),
            "cloudformation_key": _cfn_string_facts(cfn["ClusterKubernetesTaint"]["properties"]["Key"]),
            "cloudformation_value": _cfn_string_facts(cfn["ClusterKubernetesTaint"]["properties"]["Value"]),
        },
        "cloudformation": {
            "source": src.cfnlint_schema_url,
            "source_package": f"cfn-lint {src.cfnlint_version} (schemas {src.cfnlint_date})",
            "as_of": src.cfnlint_date,
        },
    }


# -- output ----------------------------------------------------------------------------
def render(doc: dict) -> str:
    """One canonical text per document: same inputs, same bytes."""
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def render_entries(doc: dict) -> str:
    """A table whose ``entries`` hold one type per line, so a diff shows one line per changed type."""
    lines = ["{"]
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if key in ("entries", "rejected") and value:
            rows = [f"    {json.dumps(v, ensure_ascii=False)}" for v in value]
            lines.append(f"  {json.dumps(key)}: [\n" + ",\n".join(rows) + f"\n  ]{comma}")
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            lines.append(f"  {json.dumps(key)}: {text}{comma}")
    return "\n".join(lines) + "\n}\n"


def build(src: Sources | None = None) -> dict[str, str]:
    """{file name in schemas/: its generated text}."""
    src = src or Sources()
    return {
        "api-shapes.json": render(api_shapes(src)),
        "cluster-api.json": render(cluster_api(src)),
        "instance-types.json": render_entries(instance_types(src)),
    }


def drift(tables: dict[str, str], schemas: Path = SCHEMAS) -> str:
    """A unified diff of every generated table against the committed one ('' when equal)."""
    out: list[str] = []
    for name, text in sorted(tables.items()):
        path = schemas / name
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if old != text:
            out.extend(difflib.unified_diff(old.splitlines(keepends=True), text.splitlines(keepends=True),
                                            f"schemas/{name} (committed)", f"schemas/{name} (regenerated)", n=2))
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="print a diff and exit 1 when schemas/ differs")
    parser.add_argument("--any-version", action="store_true",
                        help="use the installed botocore/cfn-lint even when they are not the pinned versions")
    args = parser.parse_args(argv)
    try:
        mismatch = version_mismatch()
        if mismatch and not args.any_version:
            print(f"refresh_data: {mismatch}; install the pinned versions (pip install -e '.[test]') "
                  "or pass --any-version", file=sys.stderr)
            return 2
        tables = build()
    except (SourceError, ModuleNotFoundError) as exc:
        print(f"refresh_data: {exc}", file=sys.stderr)
        return 2
    if args.check:
        diff = drift(tables)
        sys.stdout.write(diff)
        return 1 if diff else 0
    if '"unknown"' in "".join(tables.values()):
        print("refresh_data: a source has no date (add the PyPI release date of the installed botocore to "
              "BOTOCORE_RELEASED in scripts/refresh_data.py: https://pypi.org/project/botocore/#history; "
              "or use a cfn-lint that has data/schemas/version.json); nothing written", file=sys.stderr)
        return 2
    for name, text in sorted(tables.items()):
        path = SCHEMAS / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote schemas/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
