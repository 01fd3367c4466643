"""Workload targets an instance group that its cluster does not define.

## What it does
When the workload's scope holds a HyperPod cluster definition (see
`hyperlint.scopes`), reports each selector on
`sagemaker.amazonaws.com/instance-group-name` (in `nodeSelector` or required
node affinity) whose value is not the name of an instance group of its
cluster, with the closest defined name.

## Why is this bad?
HyperPod labels every node with its instance group's name. A selector on a
group that does not exist (a typo, a renamed or deleted group) matches no
node, so the pods never schedule.

## Example
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
InstanceGroups:
  - {InstanceGroupName: gpu-workers, InstanceType: ml.g5.8xlarge, CurrentCount: 4}
---
apiVersion: v1
kind: Pod
metadata: {name: prep}
spec:
  nodeSelector: {sagemaker.amazonaws.com/instance-group-name: gpu-worker}
  containers: [{name: prep, image: busybox}]
```

## Use instead
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
InstanceGroups:
  - {InstanceGroupName: gpu-workers, InstanceType: ml.g5.8xlarge, CurrentCount: 4}
---
apiVersion: v1
kind: Pod
metadata: {name: prep}
spec:
  nodeSelector: {sagemaker.amazonaws.com/instance-group-name: gpu-workers}
  containers: [{name: prep, image: busybox}]
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-labels.html
  (HyperPod's node labels (`sagemaker.amazonaws.com/instance-group-name` is an observation from HyperPod tooling))
"""

from __future__ import annotations

from hyperlint.capacity import plan
from hyperlint.findings import RunHit

ID = "HP403"
NAME = "instance-group-not-in-cluster"
SEVERITY = "error"
TIER = "extended"


def check_run(model, ctx):
    result = plan(model, ctx.data)
    names = sorted({g.group.name for g in result.groups if g.group.name})
    seen = set()
    for w, blame in result.homeless:
        for kind, c, i in blame:
            if kind != "group" or c.locs[i] in seen:
                continue
            seen.add(c.locs[i])
            value = str(c.values[i])
            import difflib  # only for a name that is not in the cluster
            close = difflib.get_close_matches(value, names, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (defined: {', '.join(names)})"
            yield RunHit(c.locs[i], f"{w.label} selects instance group '{value}', which its HyperPod "
                                    f"cluster does not define{hint}")
