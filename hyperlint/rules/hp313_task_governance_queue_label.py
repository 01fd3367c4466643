"""Job in a task governance team namespace without its team's local queue label.

## What it does
For a job (any object that creates pods, except a DaemonSet) in a namespace
named `hyperpod-ns-<team>`, the namespace HyperPod task governance creates
for a team, reports:

- a missing `kueue.x-k8s.io/queue-name` label on the job's own metadata
  (for a CronJob: `spec.jobTemplate.metadata`);
- a queue other than `hyperpod-ns-<team>-localqueue`, the local queue task
  governance creates in that namespace;
- when the run holds compute allocations (`AWS::SageMaker::ComputeQuota`,
  every `ComputeQuotaTarget.TeamName` readable) and none is for `<team>`: the
  namespace and its queue are never created, at `metadata.namespace`.

A job without `metadata.namespace` gets its namespace when it is applied and
is not judged. The namespace prefix, queue suffix and label key are data
(`schemas/scheduling.json`).

## Why is this bad?
"When submitting the job, include your queue name and priority class labels
... you must include `kueue.x-k8s.io/queue-name:
hyperpod-ns-team-name-localqueue`." Without it the job bypasses the team's
quota, or is refused outright where task governance's admission policy
guards the namespace; a queue of another name does not exist there, so the
job waits forever without being admitted.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: finetune
  namespace: hyperpod-ns-research
  labels:
    kueue.x-k8s.io/priority-class: training-priority
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

## Fix
Safe: sets the queue to `hyperpod-ns-<team>-localqueue`, which follows from
the namespace. Unsafe (`--unsafe-fixes`, it adds lines): adds the missing
label.

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-cli.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance.html
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.kueue import job_labels, label_text, queued, team_namespace
from hyperlint.locate import pointer
from hyperlint.safe import VALUE_LIMIT, printable
from hyperlint.templating import is_placeholder, unrendered

ID = "HP313"
NAME = "task-governance-queue-label"
SEVERITY = "error"
TIER = "extended"
FIX = "safe"


def check_object(obj, ctx):
    namespace = team_namespace(obj, ctx.data)
    if namespace is None or is_placeholder(namespace) or not queued(obj):
        return
    conf = ctx.data.scheduling["task_governance"]
    key = conf["queue_label"]
    wanted = namespace + conf["local_queue_suffix"]
    path, labels = job_labels(obj)
    if labels is None or key not in labels:
        where = path if labels is not None else path[:-1]  # the labels mapping, else the metadata to add it to
        yield Hit(where, f"{obj.kind} {obj.name} runs in task governance namespace {namespace} without the "
                         f"{key} label, so it bypasses the team's quota (or is refused); add {key}: {wanted}",
                  key=True, facts={"insert": key, "fixed": wanted, "labels": labels is not None, "unsafe_fix": True,
                                   "fixed_at": pointer((key,) if labels is not None else ("labels", key))})
        return
    value = label_text(labels[key])
    if value == wanted:
        # judged against the run's compute allocations in refine (dropped when there is none)
        yield Hit(obj.at("metadata", "namespace"), f"no compute allocation of this run is for the team of "
                                                  f"namespace {namespace}", facts={"team": namespace[len(conf['namespace_prefix']):]})
        return
    if value is None:
        return
    if is_placeholder(value):
        yield unrendered(path + (key,), value, "queue name")
        return
    yield Hit(path + (key,), f"{obj.kind} {obj.name} in namespace {namespace} asks for queue "
                             f"'{printable(value, VALUE_LIMIT)}'; task governance gives this namespace the local queue "
                             f"{wanted}, so the job is never admitted", facts={"value": value, "fixed": wanted})


def refine(finding, ctx):
    """A correctly labelled job: an error when the run's compute allocations (all readable)
    are for other teams only, so task governance creates no queue in its namespace."""
    team = (finding.facts or {}).get("team")
    if team is None:
        return finding
    teams = ctx.run.quota_teams
    if not teams or None in teams or team in teams:
        return None
    return finding.with_(message=(
        f"namespace hyperpod-ns-{team} is team {team}'s, but no compute allocation (AWS::SageMaker::ComputeQuota) "
        f"of this run has TeamName {team} (teams: {', '.join(sorted(set(teams)))}): task governance creates no "
        f"local queue there, so the job is never admitted"))


def fix(finding, source):
    """Correct the queue name, or add the label (to `labels:`, or a `labels:` mapping to `metadata:`)."""
    facts = finding.facts or {}
    if "value" in facts:
        edit = source.replace_scalar(finding, str(facts["value"]), str(facts["fixed"]))
        return [edit] if edit else []
    if "insert" not in facts:
        return []
    from hyperlint.fix import insert_entry

    line = source.line_bytes(finding.loc.line)[finding.loc.column - 1:]
    key = line.split(b":", 1)[0].strip(b"\"' ")
    if facts["labels"] and key == b"labels":
        edit = insert_entry(source, finding.loc, facts["insert"], facts["fixed"])
    elif not facts["labels"] and key == b"metadata":
        edit = insert_entry(source, finding.loc, "labels", {facts["insert"]: facts["fixed"]})
    else:
        return []
    return [edit] if edit else []
