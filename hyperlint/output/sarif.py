"""SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`) and IDE viewers.

- ``tool.driver.rules``: every rule, with its documentation (summary, "What it
  does", the whole page as text and Markdown, the AWS doc link);
- each result: rule, level, message, the file as a relative URI under
  ``%SRCROOT%`` (never absolute, never empty), a region of 1-based lines and
  columns (Unicode code points), the object and JSON pointer as logical
  locations, the Helm template and related places as related locations;
- ``partialFingerprints`` from the rule, file, JSON pointer, object and
  message (with line numbers masked), never the finding's own line, so an
  alert keeps its identity when lines above it move;
- internal errors as tool execution notifications.

A run without findings still has ``"results": []``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from urllib.parse import quote

from .. import __version__
from ..safe import path_from_text
from . import relative_path
from .text import described

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks.html"
FINGERPRINT = "hyperlint/v1"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
_POSITIONS = re.compile(r"\b(line|column|col)s? \d+(?:[:.,-]\d+)*", re.I)


def render(result, out, **_options) -> None:
    from ..rules import all_rules

    rules = list(all_rules().values())
    index = {r.id: i for i, r in enumerate(rules)}
    seen: Counter = Counter()
    results = []
    for f in result.findings:
        base = fingerprint(f)
        seen[base] += 1
        results.append(_result(f, index, f"{base}:{seen[base]}"))
    run = {
        "tool": {"driver": {
            "name": "hyperlint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(r) for r in rules],
        }},
        "invocations": [_invocation(result)],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    json.dump({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, out, indent=2, ensure_ascii=False)
    out.write("\n")


def artifact_uri(file: str) -> str:
    """A relative URI reference (RFC 3986) for a reported file name: the real
    name's bytes, each one outside the unreserved characters and ``/``
    percent-encoded, so two files never share a URI (a real newline is
    ``%0A``, a backslash ``%5C``, an undecodable byte ``%FF``)."""
    if file == "-":
        return "stdin"
    real = relative_path(path_from_text(file))
    try:
        data = os.fsencode(real)
    except UnicodeEncodeError:  # a surrogate no file system gave (a name built by hand)
        data = real.encode("utf-8", "surrogatepass")
    return quote(data, safe="/")


def fingerprint(f) -> str:
    """What identifies a finding across edits: not its line."""
    obj = "/".join("" if part is None else str(part) for part in f.loc.object) if f.loc.object else ""
    message = _POSITIONS.sub(r"\1 #", f.message)
    key = "\0".join((f.rule, relative_path(f.loc.file), f.loc.pointer, obj, message))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _descriptor(rule) -> dict:
    from ..docs import render_rule, section

    what = section(rule, "What it does") or rule.summary
    out = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": what, "markdown": what},
        "help": {"text": render_rule(rule, "text"), "markdown": render_rule(rule, "markdown")},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["hyperpod", rule.tier],
            "problem.severity": _PROBLEM_SEVERITY[rule.severity],
        },
    }
    if rule.url:
        out["helpUri"] = rule.url
    return out


def _invocation(result) -> dict:
    out: dict = {"executionSuccessful": not result.errors}
    notes = getattr(result, "notes", ())  # said once about the run (files that belong to no cluster ...)
    if result.errors or notes:
        out["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": message}} for message in result.errors
        ] + [{"level": "note", "message": {"text": message}} for message in notes]
    return out


def _result(f, index: dict, fp: str) -> dict:
    out = {"ruleId": f.rule}
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    out["level"] = LEVEL[f.severity]
    out["message"] = {"text": described(f)}
    location = _location(f.loc)
    logical = _logical(f.loc)
    if logical:
        location["logicalLocations"] = logical
    out["locations"] = [location]
    out["partialFingerprints"] = {FINGERPRINT: fp}
    out["properties"] = _properties(f)
    related = []
    if f.loc.source:
        related.append({
            "id": len(related) + 1,
            "physicalLocation": {"artifactLocation": {"uri": quote(f.loc.source, safe="/", errors="surrogatepass")}},
            "message": {"text": f"rendered from the Helm template {f.loc.source}"},
        })
    for loc in f.related:
        place = _location(loc)
        place["id"] = len(related) + 1
        place["message"] = {"text": f"related: {loc.pointer or loc.file}"}
        related.append(place)
    if related:
        out["relatedLocations"] = related
    return out


def _properties(f) -> dict:
    """Whether --fix can fix it (safe, unsafe, none), and the rule's documentation."""
    from ..applicability import applicability
    from ..rules import get

    rule = get(f.rule)
    props = {"fix": applicability(f)}
    if rule is not None and rule.url:
        props["url"] = rule.url
    return props


def _location(loc) -> dict:
    region = {"startLine": max(1, loc.line), "startColumn": max(1, loc.column)}
    end_line, end_column = loc.end_line, loc.end_column
    if end_line is not None and end_line >= region["startLine"]:
        if end_column is not None and (end_line > region["startLine"] or end_column > region["startColumn"]):
            region["endLine"] = end_line
            region["endColumn"] = end_column
        elif end_line > region["startLine"]:
            region["endLine"] = end_line
    return {"physicalLocation": {
        "artifactLocation": {"uri": artifact_uri(loc.file), "uriBaseId": "%SRCROOT%"},
        "region": region,
    }}


def _logical(loc) -> list[dict]:
    out = []
    if loc.object:
        kind, namespace, name = loc.object
        out.append({
            "name": str(name) if name is not None else str(kind),
            "fullyQualifiedName": "/".join(str(p) for p in (kind, namespace, name) if p is not None),
            "kind": "resource",
            "properties": {"kind": kind, "namespace": namespace, "name": name},
        })
    if loc.pointer:
        last = loc.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        out.append({"name": last, "fullyQualifiedName": loc.pointer, "kind": "element"})
    return out
