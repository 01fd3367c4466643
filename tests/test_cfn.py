"""CloudFormation: the same findings from YAML and JSON, and from cfn-lint with the plugin."""

from __future__ import annotations


import pytest

from conftest import FIXTURES
from expectations import compare, expected_in
from hyperlint.config import Config
from hyperlint.discover import discover
from hyperlint.engine import lint

CFN = FIXTURES / "cfn"


def _lint(path):
    found = discover([str(path)])
    return lint(found.inputs, Config())


@pytest.mark.parametrize("name", ["broken-stack.yaml", "broken-stack.json", "governance-stack.yaml"])
def test_broken_stack_findings_at_their_lines(name):
    result = _lint(CFN / name)
    assert not result.errors
    problems = compare(result.findings, expected_in(CFN / name))
    assert not problems, "\n".join(problems)


def test_yaml_and_json_give_the_same_findings():
    def summary(name):
        return sorted((f.rule, f.severity, f.loc.pointer, f.message) for f in _lint(CFN / name).findings)
    assert summary("broken-stack.yaml") == summary("broken-stack.json")


def test_compliant_stacks_give_no_finding():
    for name in ("hyperpod-stack.yaml", "hyperpod-stack.json"):
        result = _lint(FIXTURES / "clean" / name)
        assert result.findings == [] and not result.errors, name


def test_kubernetes_files_are_never_templates_and_templates_never_manifests():
    from hyperlint.classify import classify
    from hyperlint.parse import parse_source

    stack = (FIXTURES / "clean" / "hyperpod-stack.yaml").read_bytes()
    (doc,) = parse_source(stack)
    assert [u.kind for u in classify(doc.root)] == ["cfn"]
    manifest = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  Resources: x\n"
    (doc,) = parse_source(manifest)
    assert [u.kind for u in classify(doc.root)] == ["k8s"]
    odd = b"apiVersion: v1\nkind: Template\nResources:\n  A: {Type: AWS::S3::Bucket}\n"
    (doc,) = parse_source(odd)
    assert [u.kind for u in classify(doc.root)] == ["k8s"]
