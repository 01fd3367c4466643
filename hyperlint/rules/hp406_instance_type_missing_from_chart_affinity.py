"""Instance type of the HyperPod cluster missing from a node agent's affinity list.

## What it does
When a scope (`hyperlint.scopes`) holds both a HyperPod cluster and the
rendered HyperPod Helm chart (or your own copies of its node agents), checks
every instance type of the cluster's instance groups against the required node affinity of the
agents that must run on it (`schemas/helm-chart.json`):

- GPU types: the `health-monitoring-agent` DaemonSet and the NVIDIA device
  plugin;
- Trainium and Inferentia types: the `health-monitoring-agent-non-nvidia`
  DaemonSet and the Neuron device plugin;
- EFA-capable types: the EFA device plugin (its `supportedInstanceLabels`
  render as node affinity).

A type is missing when no copy of the agent in the scope lands on the group's
nodes of that type (the same node-label matching as `hyperlint capacity`;
labels not knowable offline count as met) and a copy that selects HyperPod
nodes excludes it with an instance-type requirement
(`node.kubernetes.io/instance-type`, `beta.kubernetes.io/instance-type`) in
every `nodeSelectorTerm`. Copies meant for other node groups do not count,
and an agent the scope does not contain is not reported (HP404 reports a
missing health-monitoring agent). One finding per instance type and agent, at the
cluster's instance type, naming the list to extend.

## Why is this bad?
The chart's node agents run only on the instance types listed in their
affinity. The stock chart's lists lag behind the instance types HyperPod
accepts: `ml.g4dn.*` is missing from the health-monitoring agent and NVIDIA
lists, `ml.trn2.3xlarge` from the Neuron list. Nodes of a missing type get no
health-monitoring agent (no fault detection, no automatic node recovery) or
no device plugin (GPUs, Neuron or EFA devices are never advertised, so pods
requesting them stay `Pending`).

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      NodeRecovery: Automatic
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: inference
          InstanceType: ml.g4dn.12xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: health-monitoring-agent, namespace: aws-hyperpod}
spec:
  selector: {matchLabels: {app: health-monitoring-agent}}
  template:
    metadata: {labels: {app: health-monitoring-agent}}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: node.kubernetes.io/instance-type
                    operator: In
                    values: [ml.g5.12xlarge, ml.p5.48xlarge]
      containers:
        - name: health-monitoring-agent
          image: 905418368575.dkr.ecr.us-west-2.amazonaws.com/hyperpod-health-monitoring-agent:1.0.1892.0_1.0.424.0
```

## Use instead
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      NodeRecovery: Automatic
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: inference
          InstanceType: ml.g4dn.12xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: health-monitoring-agent, namespace: aws-hyperpod}
spec:
  selector: {matchLabels: {app: health-monitoring-agent}}
  template:
    metadata: {labels: {app: health-monitoring-agent}}
    spec:
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions:
                  - key: node.kubernetes.io/instance-type
                    operator: In
                    values: [ml.g4dn.12xlarge, ml.g5.12xlarge, ml.p5.48xlarge]
      containers:
        - name: health-monitoring-agent
          image: 905418368575.dkr.ecr.us-west-2.amazonaws.com/hyperpod-health-monitoring-agent:1.0.1892.0_1.0.424.0
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-install-packages-using-helm-chart.html
  (the chart's node agents)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (the instance types HyperPod accepts)
- https://github.com/aws/sagemaker-hyperpod-cli/blob/main/helm_chart/HyperPodHelmChart/values.yaml
  (the agents' affinity lists; `schemas/instance-types.json` `chart`)
"""

from __future__ import annotations

from hyperlint.capacity import matches
from hyperlint.findings import RunHit

ID = "HP406"
NAME = "instance-type-missing-from-chart-affinity"
SEVERITY = "warning"
TIER = "extended"


def check_run(model, ctx):
    data = ctx.data
    agents = [c for c in data.chart_components if c.get("runs_on")]
    present = {c["id"]: [w for w in model.workloads if w.component == c["id"]] for c in agents}
    # an agent is in the scope when a copy of it selects HyperPod nodes (not one meant for other node groups)
    agents = [c for c in agents if any(w.targets_hyperpod for w in present[c["id"]])]
    if not agents:
        return
    keys = data.instance_type_keys
    seen = set()
    for group in model.instance_groups:
        for i, instance_type in enumerate(group.instance_types):
            entry = data.instance(instance_type)
            if not entry:
                continue
            for agent in agents:
                if (instance_type, agent["id"]) in seen or not _runs_on(agent, entry):
                    continue
                copies = present[agent["id"]]
                nodes = group.replace(instance_types=[instance_type])
                if any(matches(w.selection, nodes, data) is not False for w in copies):
                    continue  # some copy runs there (or may: labels not knowable offline)
                excluded = [w for w in copies if w.targets_hyperpod and not w.admits_instance_type(instance_type, keys)]
                if not excluded:
                    continue  # kept off by other labels (a group name ...), not by its instance-type list
                seen.add((instance_type, agent["id"]))
                where = group.type_locs[i] if i < len(group.type_locs) else group.loc
                yield _hit(where, instance_type, group, agent, excluded[0], keys)


def _runs_on(agent: dict, entry: dict) -> bool:
    runs_on = agent["runs_on"]
    return entry.get("class") in runs_on.get("classes", ()) or (runs_on.get("efa") is True and entry.get("efa") is True)


def _hit(where, instance_type, group, agent, w, keys) -> RunHit:
    lists = w.instance_type_constraints(keys)
    listed = lists[0].locs[0] if lists and lists[0].locs else w.loc
    effect = agent.get("missing_effect", "the agent does not run on these nodes")
    return RunHit(where, f"{instance_type} (instance group {group.name or '?'}) is not in the node-affinity "
                         f"instance types of {w.label} ({agent['id']}, {listed.describe()}): {effect}; "
                         f"add {instance_type} to that list (chart values) or use a listed type",
                  related=(listed,))
