"""A task governance setup written as the AWS documentation shows it gives no finding;
each documented mistake made to it gives exactly one, from the rule that owns it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from hyperlint.config import Config
from hyperlint.discover import Input
from hyperlint.engine import lint

STACK = FIXTURES / "clean" / "task-governance-stack.yaml"
JOBS = FIXTURES / "clean" / "task-governance-jobs.yaml"
CHART = FIXTURES / "clean" / "hyperpod-helm-chart-rendered.yaml"  # the HyperPod Helm chart, installed first
KUEUE = """---
apiVersion: apps/v1
kind: Deployment
metadata: {name: kueue-controller-manager, namespace: kueue-system}
spec:
  selector: {matchLabels: {app: kueue}}
  template:
    metadata: {labels: {app: kueue}}
    spec:
      containers: [{name: manager, image: "registry.k8s.io/kueue/kueue:v0.10.1"}]
"""

# (what the mistake is, file, text, its replacement, the one rule and severity expected)
MISTAKES = [
    ("job without the queue label", JOBS, "    kueue.x-k8s.io/queue-name: hyperpod-ns-research-localqueue\n"
     "    kueue.x-k8s.io/priority-class: experimentation-priority\n",
     "    kueue.x-k8s.io/priority-class: experimentation-priority\n", "HP313", "error"),
    ("another team's queue", JOBS, "hyperpod-ns-research-localqueue\n    kueue.x-k8s.io/priority-class: training",
     "hyperpod-ns-vision-localqueue\n    kueue.x-k8s.io/priority-class: training", "HP313", "error"),
    ("priority class without the suffix", JOBS, "priority-class: training-priority", "priority-class: training",
     "HP314", "warning"),
    ("priority class the policy lacks", JOBS, "priority-class: training-priority", "priority-class: urgent-priority",
     "HP314", "error"),
    ("topology label HyperPod does not set", JOBS, "topology.k8s.aws/network-node-layer-3",
     "topology.kubernetes.io/zone", "HP315", "error"),
    ("topology on the job instead of its pod template", JOBS, "  name: research-eval\n",
     "  name: research-eval\n  annotations: {kueue.x-k8s.io/podset-preferred-topology: "
     "topology.k8s.aws/network-node-layer-2}\n", "HP315", "error"),
    ("torchrun instead of the elastic agent", JOBS, "command: [hyperpodrun,", "command: [torchrun,", "HP316", "info"),
    ("quota for a type the cluster lacks", STACK, "{InstanceType: ml.g5.12xlarge, Accelerators: 4}",
     "{InstanceType: ml.p4d.24xlarge, Accelerators: 4}", "HP409", "warning"),
    ("MIG on a type without MIG", STACK, "InstanceType: ml.p5.48xlarge\n            AcceleratorPartition",
     "InstanceType: ml.g5.12xlarge\n            AcceleratorPartition", "HP409", "error"),
    ("a self-installed Kueue", JOBS, None, KUEUE, "HP113", "warning"),
    ("inference operator without the S3 CSI driver", STACK, "AddonName: aws-mountpoint-s3-csi-driver",
     "AddonName: aws-efs-csi-driver", "HP111", "error"),
    ("observability without its Pod Identity association", STACK,
     "ServiceAccount: hyperpod-observability-operator-otel-collector", "ServiceAccount: otel-collector",
     "HP112", "warning"),
]


def _lint(texts: dict):
    inputs = [Input(str(path), None, text.encode()) for path, text in texts.items()]
    result = lint(inputs, Config())
    assert not result.errors, result.errors
    return result.findings


def _texts() -> dict:
    return {path: path.read_text() for path in (STACK, JOBS, CHART)}


def test_documented_setup_is_clean():
    assert _lint(_texts()) == []


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m[0])
def test_each_documented_mistake_gives_exactly_one_finding(mistake):
    _, target, old, new, rule, severity = mistake
    texts = _texts()
    if old is None:
        texts[target] += new
    else:
        assert texts[target].count(old) >= 1, old
        texts[target] = texts[target].replace(old, new, 1)
    found = [(f.rule, f.severity) for f in _lint(texts)]
    assert found == [(rule, severity)], found


def test_a_team_without_a_compute_allocation_is_reported_at_each_of_its_jobs():
    """No allocation for the namespace's team: task governance creates no queue there,
    so each job in it (two of them) is never admitted."""
    texts = _texts()
    texts[STACK] = texts[STACK].replace("TeamName: research", "TeamName: vision")
    found = [(f.rule, f.severity, f.loc.line) for f in _lint(texts)]
    assert found == [("HP313", "error", 8), ("HP313", "error", 41)], found


def test_task_governance_on_an_older_kubernetes_that_hyperpod_allows():
    """HP113's version check fires where HP101 does not: a configured list of supported
    versions that still allows 1.29 (the add-on needs 1.30)."""
    from hyperlint.data import Data

    texts = _texts()
    texts[STACK] = texts[STACK].replace('Version: "1.32"', 'Version: "1.29"')
    data = Data({"kubernetes_versions": ["1.29", "1.30", "1.31", "1.32"]})
    inputs = [Input(str(path), None, text.encode()) for path, text in texts.items()]
    result = lint(inputs, Config(), data)
    assert [(f.rule, f.severity, f.loc.line) for f in result.findings] == [("HP113", "warning", 11)]
    assert [f.rule for f in _lint(texts)] == ["HP101"]  # HyperPod's own list: HP101 alone


def test_terraform_addons_are_judged_like_cloudformation():
    """`aws_eks_addon` resources read as `AWS::EKS::Addon` (the Terraform view): the same findings."""
    from expectations import compare, expected_in
    from hyperlint.discover import discover

    folder = FIXTURES / "terraform" / "addons"
    found = discover([str(folder)])
    result = lint(found.inputs, Config(select=["HP110", "HP111", "HP112"]))
    assert not result.errors, result.errors
    expected = [e for i in found.inputs for e in expected_in(Path(i.path))]
    assert len(expected) == 3
    assert not compare(result.findings, expected), compare(result.findings, expected)
