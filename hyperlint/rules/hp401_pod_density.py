"""More pods than the HyperPod instance group can hold.

## What it does
Places the workloads of each scope (a cluster source and the files that
belong with it, `hyperlint.scopes`) on the instance groups of its HyperPod
clusters (see `hyperlint capacity`) and reports, using each instance type's
maximum pods per node (`schemas/instance-types.json`):

- **per node**: the DaemonSets that land on every node of a group take more
  pod slots than the instance type has, or leave none for the workloads
  pinned there (reported at the group's instance type);
- **per group**: the non-host-network pods pinned to a group (replicas,
  parallelism, every CRD replica spec; one per node for pods with required
  anti-affinity on the hostname) need more nodes than its `InstanceCount`
  (reported at the replicas of the workload to change, with the numbers).

When a group's count is not known offline but a parameter states possible
counts, a workload that alone needs more nodes than the largest of them is a
warning. Groups scaled by Karpenter autoscaling have no fixed count and are
only checked per node.

## Why is this bad?
Each HyperPod instance has a single network interface for pods (the EKS
prerequisites page), and its max-pods table bounds the pods that need a VPC
address: 5 on `ml.t3.medium`, 49 on `ml.p5.48xlarge`. The kubelet `maxPods`
HyperPod sets is not documented, so the limit is read as one on pod
addresses: pods beyond it get no IP address and do not start (observation;
the page documents the limit, not the failure), usually discovered only
after the cluster was created.

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: system
          InstanceType: ml.t3.medium
          InstanceCount: 1
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: tools}
spec:
  replicas: 12
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: ml.t3.medium}
      containers: [{name: api, image: "my-registry/api:1"}]
```

## Use instead
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: system
          InstanceType: ml.t3.medium
          InstanceCount: 3
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: tools}
spec:
  replicas: 12
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: ml.t3.medium}
      containers: [{name: api, image: "my-registry/api:1"}]
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (one network interface per instance and the max-pods table; `schemas/instance-types.json` `max_pods`)
- https://github.com/aws/amazon-vpc-cni-k8s/blob/b52188387f2e2f10bf289ace929d6a63b176a4fa/pkg/vpc/vpc_ip_resource_limit.go
  (IPv4 addresses per interface for types the table lacks)
"""

from __future__ import annotations

from hyperlint.capacity import plan
from hyperlint.findings import RunHit

ID = "HP401"
NAME = "pod-density"
SEVERITY = "error"
EMITS = ("error", "warning")
TIER = "core"


def check_run(model, ctx):
    for g in plan(model, ctx.data).groups:
        if g.max_pods is None:
            continue
        type_loc = g.group.type_locs[0] if g.group.type_locs else g.group.loc
        if g.daemonset_pods > g.max_pods or (g.daemonset_pods == g.max_pods and g.workloads):
            yield RunHit(type_loc, f"DaemonSets need {g.daemonset_pods} pod slots on every {g.instance_type} node of "
                                   f"group {g.name}, which holds {g.max_pods} pods ({g.describe_node()}); "
                                   f"use a larger instance type or fewer DaemonSets on these nodes")
            continue
        if g.cluster.autoscaling or not g.workloads:
            continue
        yield from _group_capacity(g)


def _group_capacity(g):
    pinned = [w for w in g.workloads if g.nodes_for(w) is not None]
    if not pinned:
        return
    count = g.group.count
    what = f"of {g.instance_type} ({g.describe_node()})"
    if count is None:
        if g.group.counts:
            most = max(g.group.counts)
            for w in pinned:
                need = g.nodes_for(w)
                if need > most and w.pods_loc:
                    yield RunHit(w.pods_loc, f"{w.pods} pods need {need} nodes {what} but group {g.name} has at "
                                             f"most {most} (its possible InstanceCount values: "
                                             f"{', '.join(map(str, g.group.counts))})", severity="warning")
        return
    alone = [w for w in pinned if g.nodes_for(w) > count]
    for w in alone:
        if w.pods_loc:
            why = " (one per node: required anti-affinity on the hostname)" if w.one_per_node else ""
            yield RunHit(w.pods_loc, f"{w.pods} pods need {g.nodes_for(w)} nodes {what}{why} but group {g.name} "
                                     f"has {count}", related=(g.group.count_loc,) if g.group.count_loc else ())
    need = g.nodes_needed
    if alone or need is None or need <= count:
        return
    biggest = max(pinned, key=lambda w: w.pods)
    others = ", ".join(f"{w.label} ({w.pods})" for w in pinned if w is not biggest)
    if biggest.pods_loc:
        yield RunHit(biggest.pods_loc, f"{g.workload_pods} pods on group {g.name} ({biggest.pods} here, with "
                                       f"{others}) need {need} nodes {what} but the group has {count}",
                     related=(g.group.count_loc,) if g.group.count_loc else ())
