"""`hostNetwork: true` on a HyperPod workload.

## What it does
Reports `hostNetwork: true` in a pod template that targets HyperPod and is
not a node agent (a DaemonSet). On a distributed training job (Kubeflow
PyTorchJob/MPIJob, HyperPodPyTorchJob, JobSet ...) it is info: training
samples often run on the host network on purpose (NCCL bootstrap, EFA), so
the finding is there to weigh, not a mistake to fix by default. On services,
plain pods and batch jobs it is a warning.

## Why is this bad?
On HyperPod nodes only pods on the host network can reach the instance
metadata service (IMDS), and through it the credentials of the node's
execution role, with every permission HyperPod needs to manage the node.
A training or serving workload should get its own, narrower credentials from
EKS Pod Identity or IAM roles for service accounts (IRSA). Host-network pods
also share the node's ports and bypass network policies.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  hostNetwork: true
  nodeSelector:
    sagemaker.amazonaws.com/node-health-status: Schedulable
  containers:
    - name: main
      image: my-registry/train:1.0
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  serviceAccountName: trainer   # bound to an IAM role with EKS Pod Identity or IRSA
  nodeSelector:
    sagemaker.amazonaws.com/node-health-status: Schedulable
  containers:
    - name: main
      image: my-registry/train:1.0
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (only `hostNetwork` pods can reach IMDS; use EKS Pod Identity or IRSA)
- https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
  (EKS Pod Identity)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s_nodes import node_terms
from hyperlint.k8s_workloads import is_training_job
from hyperlint.targeting import targeting_facts, targets_in_run

ID = "HP307"
NAME = "host-network-on-hyperpod"
SEVERITY = "warning"
EMITS = ("warning", "info")
TIER = "core"


def check_pod(pod, ctx):
    if pod.is_daemonset:
        return
    path, value = pod.field("hostNetwork")
    if value is not True:
        return
    facts = targeting_facts(node_terms(pod), ctx)
    if facts is None:
        return
    training = is_training_job(pod.obj, ctx.data)
    yield Hit(path, "hostNetwork: true on a HyperPod pod gives it the node's IMDS and the execution role's "
                    "credentials; remove it and use EKS Pod Identity or IRSA for AWS access"
                    + (" (if the job needs the host network, keep it and scope the role)" if training else ""),
              severity="info" if training else None, facts=facts)


def refine(finding, ctx):
    return finding if targets_in_run(finding.facts, ctx.run) else None
