"""Multi-node GPU/Trainium job without EFA, or EFA requested where there is none.

## What it does
Looks at the instance types a pod template requires (instance-type
`nodeSelector` or required node affinity, or the types of the instance
groups it selects by `sagemaker.amazonaws.com/instance-group-name` when the
run defines them) and at the extended resources its containers request:

- **warning**: a training job (Kubeflow PyTorchJob/MPIJob/TFJob/...,
  HyperPodPyTorchJob, JobSet, Kubeflow Trainer) with more than one pod that
  requests GPUs or Neuron devices (`nvidia.com/gpu`, `aws.amazon.com/neuron*`)
  on EFA-capable GPU or Trainium instance types, with no
  `vpc.amazonaws.com/efa` request or limit;
- **error**: any pod that requests `vpc.amazonaws.com/efa` while every
  instance type it can land on has no EFA.

EFA capability comes from the instance-type table (the HyperPod Helm chart's
EFA device-plugin list).

## Why is this bad?
A pod gets EFA interfaces only if it requests `vpc.amazonaws.com/efa` (EKS
EFA guide). Without them NCCL (and the Neuron collectives) fall back to TCP
sockets between nodes, and multi-node training runs slower on hardware paid
for its EFA network (sagemaker-hyperpod-cli issue #306: jobs created without
the request). The other way round, no node of a type without EFA advertises
`vpc.amazonaws.com/efa`, so a pod that requests it stays `Pending`.

## Example
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xlarge
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
              resources:
                limits:
                  nvidia.com/gpu: 8
```

## Use instead
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xlarge
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
              resources:
                limits:
                  nvidia.com/gpu: 8
                  vpc.amazonaws.com/efa: 32
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites.html
  (EFA-enabled instances)
- https://docs.aws.amazon.com/eks/latest/userguide/node-efa.html
  (pods request `vpc.amazonaws.com/efa`)
- https://github.com/aws/sagemaker-hyperpod-cli/issues/306
  (jobs created without the request)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s import pod_templates
from hyperlint.k8s_nodes import node_terms
from hyperlint.k8s_workloads import is_training_job
from hyperlint.templating import is_placeholder, unrendered

ID = "HP311"
NAME = "efa-request-mismatch"
SEVERITY = "warning"
EMITS = ("error", "warning")
TIER = "extended"


def check_pod(pod, ctx):
    """EFA requested: the selected types must have EFA (any workload)."""
    efa = _resource_paths(pod, {ctx.data.workloads["efa_resource"]["resource"]})
    if not efa:
        return
    selection = _selection(pod, ctx)
    if selection is None:
        return
    if isinstance(selection, Hit):
        yield selection
        return
    types, groups = selection
    facts = {"mode": "efa", "groups": groups}
    if types:
        text = _verdict("efa", types, ctx.data)
        if text:
            yield Hit(efa[0], text, severity="error", key=True, facts=facts)
    elif groups:
        yield Hit(efa[0], f"requests EFA on instance group {', '.join(groups)}: checked against the run's groups",
                  severity="error", key=True, facts={**facts, "deferred": True})


def check_object(obj, ctx):
    """Multi-node accelerator training without EFA."""
    if not is_training_job(obj, ctx.data):
        return
    data = ctx.data
    efa = {data.workloads["efa_resource"]["resource"]}
    accelerators = set(data.workloads["accelerator_resources"]["resources"])
    workers = [(pod, paths) for pod in pod_templates(obj) if (paths := _resource_paths(pod, accelerators))]
    counts = [pod.replicas for pod, _ in workers]
    pods = sum(n for n in counts if n is not None)
    if pods <= 1:
        return  # one pod (or a count that cannot be known offline)
    for pod, paths in workers:
        if _resource_paths(pod, efa):
            continue
        selection = _selection(pod, ctx)
        if selection is None:
            continue
        if isinstance(selection, Hit):
            yield selection
            continue
        types, groups = selection
        facts = {"mode": "no-efa", "groups": groups, "kind": obj.kind, "pods": pods}
        where = paths[0][:-1]  # the requests/limits mapping that holds the accelerator
        if types:
            text = _verdict("no-efa", types, data, obj.kind, pods)
            if text:
                yield Hit(where, text, key=True, facts=facts)
        elif groups:
            yield Hit(where, f"no EFA request on instance group {', '.join(groups)}: checked against the run's groups",
                      key=True, facts={**facts, "deferred": True})


def _resource_paths(pod, names: set) -> list[tuple]:
    """Paths of the `resources.limits`/`requests` keys in ``names`` with a non-zero amount."""
    found = []
    for cpath, container in pod.containers():
        resources = container.get("resources")
        if not isinstance(resources, dict):
            continue
        for section in ("limits", "requests"):
            amounts = resources.get(section)
            if not isinstance(amounts, dict):
                continue
            for name, amount in amounts.items():
                if name in names and amount not in (0, "0"):
                    found.append(cpath + ("resources", section, name))
    return found


def _selection(pod, ctx):
    """(instance types, instance-group names) the pod requires, an HP003 Hit
    when a type is template text, or None when it selects neither."""
    data = ctx.data
    types, groups = [], []
    for term in node_terms(pod):
        if not term.required or term.operator != "In":
            continue
        if term.key in data.instance_type_keys:
            for value, path in term.values:
                if is_placeholder(value):
                    return unrendered(path, value, "instance type")
                types.append(value)
        elif term.key == data.instance_group_key:
            groups += [v for v, _ in term.values if isinstance(v, str) and not is_placeholder(v)]
    if not types and not groups:
        return None
    return types, groups


def _verdict(mode: str, types, data, kind: str = "", pods: int = 0) -> str | None:
    """The message when the instance types make the finding true, else None."""
    entries = [data.instance(t) for t in types]
    if not types or any(e is None for e in entries):
        return None  # an unknown type (HP301/HP302) or none at all: never guessed
    shown = ", ".join(sorted(set(types)))
    resource = data.workloads["efa_resource"]["resource"]
    if mode == "efa":
        if any(e.get("efa") for e in entries):
            return None
        return (f"requests {resource} but {shown} has no EFA: no node advertises it, so the pod never schedules; "
                f"remove the request or select an EFA-capable instance type")
    if not all(e.get("efa") and data.is_accelerated(t) for t, e in zip(types, entries)):
        return None
    return (f"{kind} runs {pods} accelerator pods on {shown} (EFA-capable) but this replica requests no {resource}: "
            f"without EFA interfaces NCCL falls back to TCP sockets between nodes; request {resource} "
            f"(all the instance's EFA interfaces) in its resources")


def refine(finding, ctx):
    facts = finding.facts or {}
    if not facts.get("deferred"):
        return finding
    names = set(facts.get("groups", ()))
    types = [t for g in ctx.run.instance_groups if g.name in names for t in g.instance_types]
    text = _verdict(facts["mode"], types, ctx.data, facts.get("kind", ""), facts.get("pods", 0))
    return finding.with_(message=text) if text else None
