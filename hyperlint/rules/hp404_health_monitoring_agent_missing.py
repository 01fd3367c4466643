"""Node recovery without the health-monitoring agent.

## What it does
When the run holds both a HyperPod cluster and Kubernetes manifests, checks
that the manifests install the HyperPod health-monitoring agent (a DaemonSet
`health-monitoring-agent*` or running the `hyperpod-health-monitoring-agent`
image, normally from the HyperPod Helm chart). Without it: an **error** when
the cluster sets `NodeRecovery: Automatic` or has GPU or Trainium groups; a
**warning** when the cluster does not set `NodeRecovery` at all. The finding
sits on the `NodeRecovery` value, or where it belongs when it is not set: the
cluster resource's `Properties` in a template, the `ClusterName` value of a
saved `describe-cluster` (or `create-cluster` input) document.

## Why is this bad?
Automatic node recovery and the `node-health-status` labels depend on the
health-monitoring agent (the EKS prerequisites page: the agent must be
installed for node auto-recovery): it watches GPU, Trainium and Inferentia
nodes, labels and taints faulty ones, and triggers replacement or reboot.
Without it a failing GPU keeps taking work (observation: training jobs then
fail instead of resuming on a healthy node). The Helm chart must be
installed before the cluster is created.

## Example
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
NodeRecovery: Automatic
InstanceGroups:
  - {InstanceGroupName: gpu, InstanceType: ml.p5.48xlarge, CurrentCount: 4}
---
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: train, namespace: kubeflow}
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector: {node.kubernetes.io/instance-type: ml.p5.48xlarge}
          containers: [{name: pytorch, image: "my-registry/train:1"}]
```

## Use instead
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
NodeRecovery: Automatic
InstanceGroups:
  - {InstanceGroupName: gpu, InstanceType: ml.p5.48xlarge, CurrentCount: 4}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: health-monitoring-agent, namespace: aws-hyperpod}
spec:
  selector: {matchLabels: {app: health-monitoring-agent}}
  template:
    metadata: {labels: {app: health-monitoring-agent}}
    spec:
      containers:
        - name: health-monitoring-agent
          image: 905418368575.dkr.ecr.us-west-2.amazonaws.com/hyperpod-health-monitoring-agent:1.0.1892.0_1.0.424.0
---
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: train, namespace: kubeflow}
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector: {node.kubernetes.io/instance-type: ml.p5.48xlarge}
          containers: [{name: pytorch, image: "my-registry/train:1"}]
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (the health-monitoring agent is required for node auto-recovery; install the chart before the cluster)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-install-packages-using-helm-chart.html
  (the agent's DaemonSets for GPU, Trainium and Inferentia)
"""

from __future__ import annotations

from hyperlint.findings import RunHit

ID = "HP404"
NAME = "health-monitoring-agent-missing"
SEVERITY = "error"
EMITS = ("error", "warning")
TIER = "core"


def check_run(model, ctx):
    if not model.manifests_seen or not model.clusters or any(w.hma for w in model.workloads):
        return
    for cluster in model.clusters:
        accelerated = sorted({g.name or "?" for g in cluster.groups
                              if any(ctx.data.is_accelerated(t) for t in g.instance_types)})
        name = cluster.name or "the HyperPod cluster"
        loc = cluster.node_recovery_loc or cluster.loc
        if cluster.node_recovery == "?":
            continue  # set from something that cannot be known offline
        if cluster.node_recovery is None:
            yield RunHit(loc, f"{name} does not set NodeRecovery and no health-monitoring agent DaemonSet is among "
                              f"the manifests; install the HyperPod Helm chart (health-monitoring-agent) and set "
                              f"NodeRecovery explicitly", severity="warning")
        elif cluster.node_recovery == "Automatic" or accelerated:
            why = "NodeRecovery: Automatic" if cluster.node_recovery == "Automatic" else \
                f"GPU/Trainium groups {', '.join(accelerated)}"
            yield RunHit(loc, f"{name} relies on the health-monitoring agent ({why}) but no health-monitoring "
                              f"agent DaemonSet is among the manifests; install the HyperPod Helm chart")
