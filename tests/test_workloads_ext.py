"""Workload rules (HP106, HP302, HP305, HP308-HP312): configuration overrides and odd input shapes."""

from __future__ import annotations

from hyperlint.config import Config
from hyperlint.discover import Input
from hyperlint.engine import lint

NEW_TYPE_JOB = """\
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: next, namespace: kubeflow}
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p7.48xlarge
            sagemaker.amazonaws.com/node-health-status: Schedulable
          containers:
            - name: pytorch
              image: my-registry/train:1
              resources: {limits: {nvidia.com/gpu: 8}}
"""


def _findings(text: str, config: Config, name: str = "in.yaml"):
    result = lint([Input(name, None, text.encode())], config)
    assert not result.errors, result.errors
    return [(f.rule, f.severity, f.message) for f in result.findings]


def test_instance_types_added_by_configuration_are_known():
    found = _findings(NEW_TYPE_JOB, Config(select=["HP302", "HP311"]))
    assert [(r, s) for r, s, _ in found] == [("HP302", "warning")]
    assert "'ml.p7.48xlarge' is not a HyperPod instance type" in found[0][2]

    extra = {"type": "ml.p7.48xlarge", "class": "gpu", "max_pods": 49, "efa": True}
    found = _findings(NEW_TYPE_JOB, Config(select=["HP302", "HP311"], data={"instance_types": [extra]}))
    assert [(r, s) for r, s, _ in found] == [("HP311", "warning")]
    assert "ml.p7.48xlarge (EFA-capable)" in found[0][2]


ODD = """\
apiVersion: v1
kind: Node
metadata: {name: n, labels: "sagemaker.amazonaws.com/node-health-status=Schedulable", annotations: 3}
---
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: odd
  namespace: [kubeflow]
  annotations: {sagemaker.amazonaws.com/enable-job-auto-resume: true}
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: two
      restartPolicy: [OnFailure]
      template:
        spec:
          hostNetwork: "yes"
          nodeSelector: ml.p5.48xlarge
          affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: node.kubernetes.io/instance-type, operator: In, values: [7, null, ml.p5.48xl]}]}]}}}
          tolerations: {key: x}
          containers:
            - name: a
              image: 42
              command: "curl http://169.254.169.254/"
              args: [1, null, {a: b}]
              env: [{name: X, value: 3}, "FOO=bar"]
              resources: {limits: "nvidia.com/gpu=8", requests: [1]}
            - "not a container"
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: nvidia-device-plugin}
spec:
  template:
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: [p5.48xlarge]}
      tolerations: [1, {operator: 5}]
      containers: [{name: c, image: {repo: x}}]
---
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c}
addons: [aws-ec2-local-instance-store-csi-driver, {name: [x]}]
"""

ODD_CFN = """\
Resources:
  A:
    Type: AWS::EKS::Addon
    Properties: {AddonName: [aws-ec2-local-instance-store-csi-driver]}
  B:
    Type: AWS::EKS::Addon
    Properties: "none"
"""


def test_odd_shapes_never_crash():
    rules = ["HP106", "HP302", "HP305", "HP308", "HP309", "HP310", "HP311", "HP312"]
    found = _findings(ODD, Config(select=rules))
    # values of the wrong type are skipped (namespace, restartPolicy, labels), never printed as Python
    assert {r for r, _, _ in found} == {"HP302", "HP305", "HP312"}
    assert ("HP302", "warning") in {(r, s) for r, s, _ in found}
    assert _findings(ODD_CFN, Config(select=rules), "template.yaml") == []


def test_built_in_pod_spec_is_what_the_search_finds():
    """The direct lookup for Deployments, Jobs, Pods ... gives the same pod spec as
    the generic search, on every fixture and on a few misplaced shapes."""
    from conftest import FIXTURES
    from hyperlint.classify import classify
    from hyperlint.k8s import _built_in_pod_spec, _find_pod_specs
    from hyperlint.parse import parse_source

    checked = 0
    texts = [p.read_bytes() for p in sorted(FIXTURES.rglob("*.yaml"))]
    texts.append(b"apiVersion: apps/v1\nkind: Deployment\nspec: {template: {containers: []}}\n"
                 b"---\napiVersion: batch/v1\nkind: Job\nspec: {template: {spec: {containers: x}}}\n")
    for text in texts:
        for doc in parse_source(text):
            for unit in classify(getattr(doc, "root", None)):
                if unit.kind != "k8s":
                    continue
                direct = _built_in_pod_spec(unit.value)
                if direct is not None:
                    assert direct == list(_find_pod_specs(unit.value.data))
                    checked += 1
                elif unit.value.kind in ("Deployment", "Job"):
                    assert list(_find_pod_specs(unit.value.data)) in ([], [("spec", "template")])
    assert checked > 20
