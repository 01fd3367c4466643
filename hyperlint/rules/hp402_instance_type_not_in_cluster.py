"""Workload targets an `ml.` instance type that no instance group provides.

## What it does
When the workload's scope holds a HyperPod cluster definition (a
CloudFormation `AWS::SageMaker::Cluster`, a saved `aws sagemaker
describe-cluster` or `create-cluster` JSON, or the configuration's `cluster:`
section), reports each HyperPod workload whose required node selection no
instance group can satisfy because it selects an `ml.` instance type that no
group of its cluster has, or a type that the selected instance group does not
have. The finding sits on the selector value. A workload joins a cluster
through the configuration's `clusters:` list or the nearest-directory match
(`hyperlint.scopes`); one that joins none (several unrelated examples in one
tree) is not judged.

The HyperPod Inference Operator's `InferenceEndpointConfig`
(`spec.instanceType`) and `JumpStartModel` (`spec.server.instanceType`) name
their instance type in a plain field (`schemas/workloads.json`,
`instance_type_fields`); they are checked the same way. An
`InferenceEndpointConfig.spec.instanceTypes` list is a fallback order: it is
reported once, and only when no group provides any of its types.

## Why is this bad?
Such pods never schedule: the scheduler finds no node with that label, the
pods stay `Pending`, and a training job waits forever for its workers.

## Example
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
InstanceGroups:
  - {InstanceGroupName: workers, InstanceType: ml.g5.8xlarge, CurrentCount: 4}
---
apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: ml.p5.48xlarge}
      containers: [{name: train, image: "my-registry/train:1"}]
      restartPolicy: Never
```

## Use instead
```yaml
ClusterName: training
Orchestrator: {Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}}
InstanceGroups:
  - {InstanceGroupName: workers, InstanceType: ml.g5.8xlarge, CurrentCount: 4}
---
apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: ml.g5.8xlarge}
      containers: [{name: train, image: "my-registry/train:1"}]
      restartPolicy: Never
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (nodes are labelled with their `ml.` instance type)
"""

from __future__ import annotations

from hyperlint.capacity import plan
from hyperlint.findings import RunHit

ID = "HP402"
NAME = "instance-type-not-in-cluster"
SEVERITY = "error"
TIER = "core"


def check_run(model, ctx):
    result = plan(model, ctx.data)
    provided = sorted({t for g in result.groups for t in g.group.instance_types})
    lists = _fallback_lists(ctx.data)
    seen = set()
    for w, blame in result.homeless:
        for kind, c, i in blame:
            if kind == "group" or (c.locs[i] in seen):
                continue
            seen.add(c.locs[i])
            value = c.values[i]
            if w.identity[0] in lists and len(c.values) > 1:
                seen.update(c.locs)  # one finding for the whole fallback list
                yield RunHit(c.locs[i], f"{w.label} lists {', '.join(map(str, c.values))}, but no HyperPod instance "
                                        f"group of this run provides any of them ({', '.join(provided)}); none of "
                                        f"{', '.join(map(str, c.values))} can run it, so it never schedules")
                continue
            if kind == "type":
                text = f"{w.label} selects {value}, which no HyperPod instance group of its cluster provides " \
                       f"({', '.join(provided)}); its pods never schedule"
            else:
                text = f"{w.label} selects {value}, but the instance groups it selects do not have that type; " \
                       f"its pods never schedule"
            yield RunHit(c.locs[i], text)


def _fallback_lists(data) -> frozenset:
    """Kinds that name their instance types in a plain field (any listed type will do)."""
    return frozenset(k for e in data.workloads["instance_type_fields"]["entries"] for k in e["kinds"])
