"""Suppressions: comments, annotations, CloudFormation Metadata, per-file-ignores, and HP002."""

from __future__ import annotations

import pytest

import hyperlint.rules as registry
from hyperlint.config import Config
from hyperlint.discover import Input
from hyperlint.engine import lint
from hyperlint.findings import Hit
from hyperlint.suppress import scan_comments


def run(text: str, name: str = "m.yaml", **config):
    config.setdefault("select", ["HP002", "HP301", "HP307"])
    result = lint([Input(name, None, text.encode())], Config(**config))
    assert not result.errors, result.errors
    return result.findings


def found(findings) -> list[tuple[int, str]]:
    return sorted((f.loc.line, f.rule) for f in findings)


# Lines 13-15 are three HP301 findings on consecutive lines.
LIST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - {key: node.kubernetes.io/instance-type, operator: In, values: [ml.g5.xlarge]}
                  - key: node.kubernetes.io/instance-type
                    operator: In
                    values:
                      - g5.2xlarge<a>
                      - g5.4xlarge<b>
                      - g5.8xlarge<c>
      containers: [{name: c, image: busybox}]
"""


def listing(a: str = "", b: str = "", c: str = "") -> str:
    return LIST.replace("<a>", a).replace("<b>", b).replace("<c>", c)


def test_baseline_three_findings_on_consecutive_lines():
    assert found(run(listing())) == [(16, "HP301"), (17, "HP301"), (18, "HP301")]


def test_trailing_comment_silences_exactly_its_line():
    findings = run(listing(b="  # hyperlint: disable=HP301 -- capacity block"))
    assert found(findings) == [(16, "HP301"), (18, "HP301")]


def test_comment_alone_on_its_line_silences_the_next_line_only():
    text = listing().replace("                      - g5.4xlarge\n",
                             "                      # hyperlint: disable=HP301\n                      - g5.4xlarge\n")
    # the directive is line 17 now; the findings below it move down by one
    assert found(run(text)) == [(16, "HP301"), (19, "HP301")]


def test_comment_alone_on_its_line_skips_blank_and_comment_lines():
    text = listing().replace("                      - g5.4xlarge\n",
                             "                      # hyperlint: disable=HP301\n\n"
                             "                      # why: pinned\n                      - g5.4xlarge\n")
    assert found(run(text)) == [(16, "HP301"), (21, "HP301")]


def test_trailing_comment_does_not_cover_the_line_below():
    text = listing().replace("                    values:\n", "                    values:  # hyperlint: disable=HP301\n")
    assert found(run(text)) == [(15, "HP002"), (16, "HP301"), (17, "HP301"), (18, "HP301")]


def test_other_rules_on_the_same_line_are_not_silenced():
    text = listing(b="  # hyperlint: disable=HP307")
    findings = run(text)
    assert found(findings) == [(16, "HP301"), (17, "HP002"), (17, "HP301"), (18, "HP301")]
    (stale,) = [f for f in findings if f.rule == "HP002"]
    assert stale.message == "suppression for HP307 suppressed nothing; remove it"
    assert (stale.loc.line, stale.loc.column) == (17, 37)


def test_disable_file_covers_the_whole_file_for_its_rules_only():
    text = "# hyperlint: disable-file=HP301 -- generated\n" + listing()
    assert found(run(text)) == []
    text = "# hyperlint: disable-file=HP307\n" + listing()
    assert found(run(text)) == [(1, "HP002"), (17, "HP301"), (18, "HP301"), (19, "HP301")]


def test_ids_are_case_insensitive_and_lists_may_have_spaces():
    assert found(run(listing(b="  # hyperlint: disable = hp301 , HP307 -- x"))) == [
        (16, "HP301"), (17, "HP002"), (18, "HP301")]


def test_reason_text_is_kept():
    directives = scan_comments(
        b"a: 1  # hyperlint: disable=HP301,HP304 -- pinned by the capacity block  # other comment\n"
        b"# hyperlint: disable-file=HP306 -- generated\n"
        b"b: 2  # hyperlint: disable=HP303\n",
        "f.yaml",
    )
    assert [(d.rules, d.reason, d.whole_file, d.lines) for d in directives] == [
        (("HP301", "HP304"), "pinned by the capacity block", False, (1,)),
        (("HP306",), "generated", True, ()),
        (("HP303",), None, False, (3,)),
    ]


def test_a_hash_inside_a_value_is_not_a_comment():
    assert scan_comments(b'a: "x#hyperlint: disable=HP301"\nb: c#hyperlint: disable=HP301\n', "f.yaml") == []


def test_json_has_no_comments():
    text = ('{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"nodeSelector": '
            '{"node.kubernetes.io/instance-type": "p5.48xlarge", "sagemaker.amazonaws.com/node-health-status": '
            '"Schedulable"}, "containers": [{"name": "c", "image": "x", "args": [" # hyperlint: disable=HP301 # x"]}]}}\n')
    assert found(run(text, "pod.json")) == [(1, "HP301")]


def test_malformed_directive_is_reported():
    findings = run(listing(b="  # hyperlint: disable HP301"))
    assert found(findings) == [(16, "HP301"), (17, "HP002"), (17, "HP301"), (18, "HP301")]
    (bad,) = [f for f in findings if f.rule == "HP002"]
    assert "not a hyperlint directive: '# hyperlint: disable HP301'" in bad.message
    # a reason needs its `--`
    assert found(run(listing(b="  # hyperlint: disable=HP301 because"))) == [
        (16, "HP301"), (17, "HP002"), (17, "HP301"), (18, "HP301")]


def test_unknown_rule_is_reported():
    findings = run(listing(b="  # hyperlint: disable=HP301,HP999"))
    assert [(f.loc.line, f.message) for f in findings if f.rule == "HP002"] == [
        (17, "suppression names unknown rule(s) HP999")]


# -- deselected rules, per-file-ignores and HP002 itself --------------------------------

def test_suppressions_of_deselected_rules_are_not_unused():
    text = listing(b="  # hyperlint: disable=HP301")
    assert found(run(text, select=["HP002", "HP307"])) == []
    assert found(run(text, select=["HP002", "HP3"], ignore=["HP301"])) == []
    # HP002 itself not selected: nothing to say about stale suppressions
    assert found(run(listing(b="  # hyperlint: disable=HP307"), select=["HP301"])) == [
        (16, "HP301"), (17, "HP301"), (18, "HP301")]


def test_per_file_ignores():
    cfg = {"per_file_ignores": {"charts/*": ["HP3"]}}
    assert found(run(listing(), "charts/x/m.yaml", **cfg)) == []
    assert found(run(listing(), "other/m.yaml", **cfg)) == [(16, "HP301"), (17, "HP301"), (18, "HP301")]
    # by file name alone
    assert found(run(listing(), "deep/er/m.yaml", per_file_ignores={"m.yaml": ["HP301"]})) == []
    # a suppression of a rule that per-file-ignores already skips there is not stale
    assert found(run(listing(b="  # hyperlint: disable=HP301"), "charts/m.yaml", **cfg)) == []


def test_per_file_ignores_relative_to_the_configuration_folder(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    source = str(tmp_path / ".hyperlint.yaml")
    cfg = {"per_file_ignores": {"sub/gen/*.yaml": ["HP301"]}, "source": source}
    assert found(run(listing(), "gen/m.yaml", **cfg)) == []
    assert found(run(listing(), "src/m.yaml", **cfg)) != []


def test_hp002_obeys_per_file_ignores_and_its_own_directives():
    stale = listing(b="  # hyperlint: disable=HP307")
    assert (17, "HP002") in found(run(stale))
    assert (17, "HP002") not in found(run(stale, per_file_ignores={"*.yaml": ["HP002"]}))
    assert (17, "HP002") not in found(run(listing(b="  # hyperlint: disable=HP307,HP002")))
    assert (18, "HP002") not in found(run("# hyperlint: disable-file=HP002\n" + stale))


# -- the annotation -------------------------------------------------------------

PYTORCHJOB = """\
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: train
  annotations:
    hyperlint.io/ignore: "HP301 -- capacity block in p5 family"
spec:
  pytorchReplicaSpecs:
    Master:
      template:
        spec:
          nodeSelector: {node.kubernetes.io/instance-type: p5.48xlarge, sagemaker.amazonaws.com/node-health-status: Schedulable}
          containers: [{name: c, image: x}]
    Worker:
      template:
        spec:
          hostNetwork: true
          nodeSelector: {node.kubernetes.io/instance-type: p5.48xlarge, sagemaker.amazonaws.com/node-health-status: Schedulable}
          containers: [{name: c, image: x}]
---
apiVersion: v1
kind: Pod
metadata: {name: other}
spec:
  nodeSelector: {node.kubernetes.io/instance-type: p5.48xlarge, sagemaker.amazonaws.com/node-health-status: Schedulable}
  containers: [{name: c, image: x}]
"""


def test_annotation_covers_every_pod_template_of_a_crd_and_nothing_else():
    findings = run(PYTORCHJOB)
    assert found(findings) == [(17, "HP307"), (25, "HP301")]


def test_annotation_reason_and_stale_annotation():
    from hyperlint.parse import parse_source
    from hyperlint.classify import classify
    from hyperlint.suppress import object_directives

    doc = next(parse_source(PYTORCHJOB.encode()))
    (d,) = object_directives(classify(doc.root)[0], doc, "m.yaml")
    assert (d.rules, d.reason, d.prefix) == (("HP301",), "capacity block in p5 family", "")
    text = PYTORCHJOB.replace('"HP301 -- capacity', '"HP301, HP304 -- capacity')
    findings = run(text, select=["HP002", "HP301", "HP304", "HP307"])
    assert [(f.loc.line, f.loc.column, f.message) for f in findings if f.rule == "HP002"] == [
        (6, 26, "ignore annotation for HP304 suppressed nothing; remove it")]


LIST_OF_PODS = """\
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: first
      annotations: {hyperlint.io/ignore: HP301}
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: p5.48xlarge, sagemaker.amazonaws.com/node-health-status: Schedulable}
      containers: [{name: c, image: x}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: second}
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: p5.48xlarge, sagemaker.amazonaws.com/node-health-status: Schedulable}
      containers: [{name: c, image: x}]
"""


def test_annotation_in_a_list_covers_only_its_own_item():
    findings = run(LIST_OF_PODS)
    assert found(findings) == [(16, "HP301")]
    assert findings[0].loc.object == ("Pod", None, "second")
    # and a stale one on the second item is reported at the second item
    text = LIST_OF_PODS.replace("metadata: {name: second}",
                                "metadata: {name: second, annotations: {hyperlint.io/ignore: HP307}}")
    assert found(run(text)) == [(14, "HP002"), (16, "HP301")]


# -- CloudFormation Metadata ------------------------------------------------------------

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Quiet:
    Type: AWS::SageMaker::Cluster
    Metadata:
      hyperlint:
        ignore: [HP298]
        reason: reviewed
    Properties:
      ClusterName: quiet
  Loud:
    Type: AWS::SageMaker::Cluster
    Properties:
      ClusterName: loud
  Stale:
    Type: AWS::SageMaker::Cluster
    Metadata: {hyperlint: {ignore: [HP298]}}
    Properties:
      NodeRecovery: None
"""


@pytest.fixture
def cfn_rule(monkeypatch):
    """A throwaway CloudFormation rule: every ClusterName is a finding."""
    def check_cfn(template, ctx):
        for name, res in template.root["Resources"].items():
            if "ClusterName" in res.get("Properties", {}):
                yield Hit(("Resources", name, "Properties", "ClusterName"), "cluster name")

    real_catalog, real_load = registry.catalog(), registry.load
    fake = real_load("HP301").replace(id="HP298", name="fake", severity="warning", module="test",
                                      hooks={"check_cfn": check_cfn})
    entry = real_catalog["HP301"]._replace(module="test", hooks=frozenset({"check_cfn"}))
    monkeypatch.setattr(registry, "catalog", lambda: {**real_catalog, "HP298": entry})
    monkeypatch.setattr(registry, "load", lambda rid: fake if rid == "HP298" else real_load(rid))


def test_cloudformation_metadata_ignore(cfn_rule):
    findings = run(TEMPLATE, "stack.yaml", select=["HP002", "HP298"])
    assert [(f.loc.line, f.rule, f.message) for f in findings] == [
        (14, "HP298", "cluster name"),
        (17, "HP002", "Metadata ignore for HP298 suppressed nothing; remove it"),
    ]
    # JSON templates carry it too
    import json

    from hyperlint.parse import parse_source

    doc = next(parse_source(TEMPLATE.encode()))
    findings = run(json.dumps(doc.root, indent=1), "stack.json", select=["HP002", "HP298"])
    assert sorted(f.rule for f in findings) == ["HP002", "HP298"]
