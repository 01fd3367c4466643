"""Task governance priority class label without the `-priority` suffix, or not in the cluster policy.

## What it does
Checks the `kueue.x-k8s.io/priority-class` label of a job (its own metadata;
for a CronJob `spec.jobTemplate.metadata`):

- a value without the `-priority` suffix: warning. Task governance creates
  one Kueue priority class `<name>-priority` for each priority class `<name>`
  of the cluster policy. Judged in `hyperpod-ns-<team>` namespaces, and
  elsewhere when the run has task governance (its add-on or a cluster
  policy), since plain Kueue has no such convention;
- a `<name>-priority` value whose `<name>` no `ClusterSchedulerConfig` of the
  run (`AWS::SageMaker::ClusterSchedulerConfig`, `SchedulerConfig.PriorityClasses`)
  defines: error. Without a cluster policy in the run, or when its class
  names cannot be read offline, this is not judged.

The label key and suffix are data (`schemas/scheduling.json`).

## Why is this bad?
"They use one of the priority class names with the format
`priority-class-name-priority` ... If a priority class is specified, but does
not correspond to one of the priority classes defined in the Cluster policy,
the submission fails."

## Example
```yaml
Resources:
  ClusterPolicy:
    Type: AWS::SageMaker::ClusterSchedulerConfig
    Properties:
      Name: training-policy
      ClusterArn: arn:aws:sagemaker:us-west-2:111122223333:cluster/abcd12345678
      SchedulerConfig:
        FairShare: Enabled
        PriorityClasses:
          - {Name: inference, Weight: 90}
          - {Name: training, Weight: 70}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: finetune
  namespace: hyperpod-ns-research
  labels:
    kueue.x-k8s.io/queue-name: hyperpod-ns-research-localqueue
    kueue.x-k8s.io/priority-class: experimentation-priority
spec:
  template:
    spec:
      containers:
        - name: train
          image: my-registry/train:1.0
      restartPolicy: Never
```

## Use instead
```yaml
Resources:
  ClusterPolicy:
    Type: AWS::SageMaker::ClusterSchedulerConfig
    Properties:
      Name: training-policy
      ClusterArn: arn:aws:sagemaker:us-west-2:111122223333:cluster/abcd12345678
      SchedulerConfig:
        FairShare: Enabled
        PriorityClasses:
          - {Name: inference, Weight: 90}
          - {Name: training, Weight: 70}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: finetune
  namespace: hyperpod-ns-research
  labels:
    kueue.x-k8s.io/queue-name: hyperpod-ns-research-localqueue
    kueue.x-k8s.io/priority-class: training-priority
spec:
  template:
    spec:
      containers:
        - name: train
          image: my-registry/train:1.0
      restartPolicy: Never
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-cli.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-policies.html
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.kueue import job_labels, label_text, queued, team_namespace
from hyperlint.safe import VALUE_LIMIT, printable
from hyperlint.templating import is_placeholder, unrendered

ID = "HP314"
NAME = "task-governance-priority-class"
SEVERITY = "warning"
EMITS = ("warning", "error")
TIER = "extended"


def check_object(obj, ctx):
    conf = ctx.data.scheduling["task_governance"]
    key, suffix = conf["priority_label"], conf["priority_suffix"]
    path, labels = job_labels(obj)
    if labels is None or key not in labels or not queued(obj):
        return
    value = label_text(labels[key])
    if value is None:
        return
    if is_placeholder(value):
        yield unrendered(path + (key,), value, "priority class")
        return
    shown = printable(value, VALUE_LIMIT)
    team = team_namespace(obj, ctx.data) is not None
    if not value.endswith(suffix) or value == suffix:
        yield Hit(path + (key,), f"priority class '{shown}' does not end in '{suffix}': task governance names the "
                                 f"Kueue priority class of a cluster policy class <name> '<name>{suffix}', so no "
                                 f"such class exists and the submission fails",
                  facts={"task_governance_only": not team})
        return
    # judged against the run's cluster policies in refine (dropped when there is none)
    yield Hit(path + (key,), f"priority class '{shown}' is not defined by the cluster policy",
              facts={"policy_class": value[:-len(suffix)], "value": value})


def refine(finding, ctx):
    facts = finding.facts or {}
    run = ctx.run
    if facts.get("task_governance_only"):
        governed = bool(run.scheduler_configs) or any(
            i.kind == "addon" and i.name in _governance_addons(ctx.data) for i in run.installed)
        return finding if governed else None
    name = facts.get("policy_class")
    if name is None:
        return finding
    policies = [c for c in run.scheduler_configs if c.priority_classes is not None]
    if not policies or len(policies) < len(run.scheduler_configs):
        return None  # no cluster policy in the run, or one whose classes cannot be read
    if any(name in c.priority_classes for c in policies):
        return None
    defined = sorted({f"{n}{ctx.data.scheduling['task_governance']['priority_suffix']}"
                      for c in policies for n in c.priority_classes})
    where = ", ".join(f"{c.name} ({c.loc.file}:{c.loc.line})" for c in policies)
    listed = ", ".join(defined) if defined else "none"
    return finding.with_(severity="error", message=(
        f"priority class '{printable(facts['value'], VALUE_LIMIT)}': the cluster policy {where} defines no priority "
        f"class '{printable(name, VALUE_LIMIT)}', so the submission fails (defined: {listed})"))


def _governance_addons(data) -> set[str]:
    return {e["addon"] for e in data.addon_entries("HP113")}
