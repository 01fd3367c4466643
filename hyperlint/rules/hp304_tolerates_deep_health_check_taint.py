"""Workload tolerates the deep-health-check taint.

## What it does
Reports a workload (anything but a node-agent DaemonSet) with a toleration
that matches the taint HyperPod puts on nodes under deep health checks,
`sagemaker.amazonaws.com/node-health-status=Unschedulable:NoSchedule`:
either a toleration for that key, or `operator: Exists` without a key
(which tolerates every taint). Workloads whose required node selection can
only match non-HyperPod nodes (an EKS node group, Fargate, a non-`ml.`
instance type) are not reported, nor are the HyperPod Helm chart's own
components (`schemas/helm-chart.json`: its operators and device plugins
tolerate the taint by AWS's design, and users do not maintain them). A
workload that tolerates every taint without targeting HyperPod may never
reach a HyperPod node: that is a warning only when its scope shows HyperPod
(a HyperPod cluster or NodePool, or HyperPod-targeting workloads; see
`hyperlint.scopes`), else info.

## Why is this bad?
During deep health checks (a stress and connectivity test of one to two
hours when a node joins: about two hours per the node-labels page, 60 to 90
minutes per the autoscaling node-class page) and after the health-monitoring
agent finds a fault, HyperPod taints the node so that work stays off it. A
pod that tolerates the taint lands on a node that is being tested or is
about to be replaced or rebooted (observation: it competes with the checks
and loses its work when the node goes). Only node agents (device plugins,
the health-monitoring agent, log shippers) should run there.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: inference
spec:
  replicas: 2
  selector:
    matchLabels: {app: inference}
  template:
    metadata:
      labels: {app: inference}
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: ml.g5.12xlarge
      tolerations:
        - operator: Exists
      containers:
        - name: server
          image: my-registry/server:1.0
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: inference
spec:
  replicas: 2
  selector:
    matchLabels: {app: inference}
  template:
    metadata:
      labels: {app: inference}
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: ml.g5.12xlarge
      tolerations:
        - key: nvidia.com/gpu
          operator: Exists
          effect: NoSchedule
      containers:
        - name: server
          image: my-registry/server:1.0
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (the taint `sagemaker.amazonaws.com/node-health-status=Unschedulable:NoSchedule` during deep health checks)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-labels.html
  (the checks take about two hours; HyperPod taints faulty nodes)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-deep-health-checks.html
  (the tests)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.helmchart import pod_component
from hyperlint.k8s_nodes import node_terms, tolerates, tolerations
from hyperlint.targeting import (
    cannot_reach_hyperpod,
    targeting_facts,
    targets_in_run,
    unless_scope_shows_hyperpod,
)

ID = "HP304"
NAME = "tolerates-deep-health-check-taint"
SEVERITY = "warning"
EMITS = ("warning", "info")
TIER = "core"


def check_pod(pod, ctx):
    if pod.is_daemonset:
        return
    taint = ctx.data.dhc_taint
    items = [(p, t) for p, t in tolerations(pod) if tolerates(t, taint["key"], taint["value"], taint["effect"])]
    terms = node_terms(pod)
    if not items or cannot_reach_hyperpod(terms, ctx.data):
        return
    if pod_component(pod, ctx.data, ctx.doc.source if ctx.doc is not None else None) is not None:
        return  # AWS's HyperPod chart: by design
    facts = targeting_facts(terms, ctx) or {}
    shown = f"{taint['key']}={taint['value']}:{taint['effect']}"
    for path, tol in items:
        if tol.get("key") in (None, ""):
            where, what = path + ("operator",), "tolerates every taint"
        else:
            where, what = path + ("key",), "tolerates the deep-health-check taint"
        yield Hit(
            where,
            f"{what} ({shown}), so it can be scheduled on HyperPod nodes under deep health checks "
            f"or awaiting replacement; tolerate only the taints it needs",
            facts={**facts, "named": what != "tolerates every taint"},
        )


def refine(finding, ctx):
    """Naming HyperPod's taint, or targeting HyperPod, is sure; tolerating every taint
    on a workload that may never reach HyperPod is info unless the scope shows HyperPod."""
    facts = finding.facts or {}
    if facts.get("named") or targets_in_run(facts, ctx.run):
        return finding
    return unless_scope_shows_hyperpod(finding, ctx.run)
