"""HyperPod training job that does not select healthy nodes.

## What it does
Reports a pod template of a training job (Kubeflow PyTorchJob, MPIJob,
TFJob ..., HyperPodPyTorchJob, JobSet, Kubeflow Trainer) that targets
HyperPod but selects neither `sagemaker.amazonaws.com/node-health-status:
Schedulable` nor `sagemaker.amazonaws.com/deep-health-check-status: Passed`,
in `nodeSelector` or in required or preferred node affinity.

## Why is this bad?
HyperPod labels each node with its health. Selecting `Schedulable` nodes
(and preferring nodes whose deep health checks `Passed`) keeps a long
training job off nodes that are being tested or are about to be replaced or
rebooted, so it does not start on hardware that fails within minutes. The
HyperPod docs recommend it for jobs with auto-resume, and the HyperPod CLI
adds both to every job it creates.

## Example
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xlarge
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
```

## Use instead
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xlarge
            sagemaker.amazonaws.com/node-health-status: Schedulable
          affinity:
            nodeAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 100
                  preference:
                    matchExpressions:
                      - key: sagemaker.amazonaws.com/deep-health-check-status
                        operator: In
                        values: [Passed]
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-run-jobs-kubectl.html
  (the recommended `node-health-status: Schedulable` selector)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-labels.html
  (the health labels)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s_nodes import node_terms
from hyperlint.k8s_workloads import is_training_job
from hyperlint.targeting import targeting_facts, targets_in_run

ID = "HP312"
NAME = "training-job-without-health-selector"
SEVERITY = "info"
TIER = "extended"


def check_pod(pod, ctx):
    if not is_training_job(pod.obj, ctx.data):
        return
    terms = node_terms(pod)
    healthy = ctx.data.workloads["healthy_node_selectors"]["entries"]
    wanted = {(e["key"], v) for e in healthy for v in e["values"]}
    if any(t.operator == "In" and isinstance(v, str) and (t.key, v) in wanted for t in terms for v, _ in t.values):
        return
    facts = targeting_facts(terms, ctx)
    if facts is None:
        return
    path = next((p for p in (pod.field("nodeSelector")[0], pod.field("affinity")[0]) if p), pod.path)
    who = f"replica {pod.role} of {pod.obj.kind}" if pod.role else pod.obj.kind
    shown = " or ".join(f"{k}: {v}" for k, v in sorted(wanted, reverse=True))
    yield Hit(path, f"{who} does not select healthy HyperPod nodes: add {shown} (nodeSelector or node affinity) "
                    f"so it does not start on a node under deep health checks or awaiting replacement",
              key=True, facts=facts)


def refine(finding, ctx):
    return finding if targets_in_run(finding.facts, ctx.run) else None
