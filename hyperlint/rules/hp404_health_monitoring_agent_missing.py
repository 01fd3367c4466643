"""Node recovery without the health-monitoring agent.

## What it does
For each HyperPod cluster of a scope (see `hyperlint.scopes`: a cluster
source and the files that belong with it), looks for how the scope installs
the HyperPod Helm chart, whose `health-monitoring-agent` sub-chart runs the
agent:

- **rendered chart output**: documents whose Helm `# Source:` is the
  `hyperpod-helm-chart` chart, or the chart's own components (the
  health-monitoring agent DaemonSet, the deep-health-check or job-auto-restart
  service accounts, `schemas/helm-chart.json`); the installation has the agent
  when a health-monitoring agent DaemonSet (`health-monitoring-agent*`, or the
  `hyperpod-health-monitoring-agent` image) is among the scope's manifests;
- **its values**: a values file with the chart's `health-monitoring-agent` key;
  `enabled: false` turns the agent off;
- **a deploy step**: a CloudFormation template that installs the chart (a
  custom resource, Lambda or Helm resource given the chart's path
  `HyperPodHelmChart`); it runs the agent unless it sets
  `health-monitoring-agent.enabled` to false.

When the scope shows an installation and none of its installations has the
agent: an **error** when the cluster sets `NodeRecovery: Automatic` or has
GPU or Trainium groups; a **warning** when the cluster does not set
`NodeRecovery` at all. A scope with no sign of how the chart is installed
gives no finding: most teams install it outside the repository. The finding
sits on the `NodeRecovery` value, or where it belongs when it is not set
(the cluster resource's `Properties` in a template, the `ClusterName` value
of a saved `describe-cluster` or `create-cluster` document), with the
installation as a related location.

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
# the cluster and the HyperPod Helm chart rendered with --set health-monitoring-agent.enabled=false
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
NodeRecovery: Automatic
InstanceGroups:
  - {InstanceGroupName: gpu, InstanceType: ml.p5.48xlarge, CurrentCount: 4}
---
# Source: hyperpod-helm-chart/charts/deep-health-check/templates/deep-health-check-rbac.yaml
apiVersion: v1
kind: ServiceAccount
metadata: {name: deep-health-check-service-account, namespace: aws-hyperpod}
```

## Use instead
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
NodeRecovery: Automatic
InstanceGroups:
  - {InstanceGroupName: gpu, InstanceType: ml.p5.48xlarge, CurrentCount: 4}
---
# Source: hyperpod-helm-chart/charts/deep-health-check/templates/deep-health-check-rbac.yaml
apiVersion: v1
kind: ServiceAccount
metadata: {name: deep-health-check-service-account, namespace: aws-hyperpod}
---
# Source: hyperpod-helm-chart/charts/health-monitoring-agent/templates/health-monitoring-agent.yaml
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


_HOW = {
    "rendered": "rendered chart output without a health-monitoring agent DaemonSet",
    "values": "values with health-monitoring-agent.enabled: false",
    "deploy": "a deploy step that sets health-monitoring-agent.enabled to false",
}


def check_run(model, ctx):
    installs = model.chart_installs
    if not model.clusters or not installs:
        return  # no sign of how the chart is installed: it is most likely installed elsewhere
    rendered_agent = any(w.hma for w in model.workloads)
    if any(rendered_agent if i.hma is None else i.hma for i in installs):
        return
    shown = next((i for i in installs if i.how != "rendered"), installs[0])
    how = f"{_HOW[shown.how]} ({shown.loc.describe()})"
    for cluster in model.clusters:
        accelerated = sorted({g.name or "?" for g in cluster.groups
                              if any(ctx.data.is_accelerated(t) for t in g.instance_types)})
        name = cluster.name or "the HyperPod cluster"
        loc = cluster.node_recovery_loc or cluster.loc
        if cluster.node_recovery == "?":
            continue  # set from something that cannot be known offline
        if cluster.node_recovery is None:
            yield RunHit(loc, f"{name} does not set NodeRecovery and the HyperPod Helm chart is installed without "
                              f"the health-monitoring agent: {how}; enable health-monitoring-agent and set "
                              f"NodeRecovery explicitly", severity="warning", related=(shown.loc,))
        elif cluster.node_recovery == "Automatic" or accelerated:
            why = "NodeRecovery: Automatic" if cluster.node_recovery == "Automatic" else \
                f"GPU/Trainium groups {', '.join(accelerated)}"
            yield RunHit(loc, f"{name} relies on the health-monitoring agent ({why}) but the HyperPod Helm chart "
                              f"is installed without it: {how}; enable health-monitoring-agent in the chart",
                         related=(shown.loc,))
