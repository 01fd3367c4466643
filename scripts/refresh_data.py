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
        import tomli as tomllib
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
        import botocore  # maintainer/test dependency only
        import cfnlint

        self.botocore_version = botocore.__version__
        released = BOTOCORE_RELEASED.get(self.botocore_version)
        if released is None:
            raise SourceError(f"add the PyPI release date of botocore {self.botocore_version} "
                              "to BOTOCORE_RELEASED in scripts/refresh_data.py")
        self.botocore_date = released
        model_dir = Path(botocore.__file__).parent / "data" / "sagemaker" / "2017-07-24"
        plain, packed = model_dir / "service-2.json", model_dir / "service-2.json.gz"
        if plain.exists():
            self.model = json.loads(plain.read_text(encoding="utf-8"))
        elif packed.exists():
            self.model = json.loads(gzip.decompress(packed.read_bytes()).decode("utf-8"))
        else:
            raise SourceError(f"botocore {self.botocore_version} has no SageMaker service model at {model_dir}")
        self.shapes = self.model["shapes"]

        from importlib.metadata import version

        self.cfnlint_version = version("cfn-lint")
        schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
        self.cfnlint_date = json.loads((schemas / "version.json").read_text())["schema_date"][:10]
        self.cfn_cluster = self._cfn_resource(schemas, "AWS::SageMaker::Cluster")
        self.cfn_regional = json.loads(
            (schemas / "extensions" / "aws_sagemaker_cluster" / "instancetype_enum.json").read_text())

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


# -- output ----------------------------------------------------------------------------
def render(doc: dict) -> str:
    """One canonical text per document: same inputs, same bytes."""
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def build(src: Sources | None = None) -> dict[str, str]:
    """{file name in schemas/: its generated text}."""
    src = src or Sources()
    return {
        "api-shapes.json": render(api_shapes(src)),
    }


def drift(tables: dict[str, str], schemas: Path = SCHEMAS) -> str:
    """A unified diff of every generated table against the committed one ('' when equal)."""
    out = []
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
    for name, text in sorted(tables.items()):
        path = SCHEMAS / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"wrote schemas/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
