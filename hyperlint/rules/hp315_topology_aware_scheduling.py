"""Topology-aware scheduling annotation that task governance cannot honour.

## What it does
Checks Kueue's topology-aware scheduling (TAS) annotations as HyperPod task
governance uses them:

- `kueue.x-k8s.io/podset-required-topology` or `-preferred-topology`
  (also `-unconstrained-topology`, `-slice-required-topology`,
  `-slice-size`) on the job's own metadata and not on its pod templates
  (the HyperPod CLI writes it on both, which is fine);
- more than one of required / preferred / unconstrained on one pod template;
- a topology value that is not a label HyperPod sets on its nodes
  (`topology.k8s.aws/network-node-layer-1`, `-2`, `-3`,
  `topology.k8s.aws/ultraserver-id`);
- `kueue.x-k8s.io/podset-slice-size` without
  `kueue.x-k8s.io/podset-slice-required-topology`;
- a required topology on a pod template whose selected instance types are
  all outside the types that support TAS;
- the task governance add-on pinned (`AddonVersion`) below v1.2.2 while
  workloads of the scope request a topology (warning).

The annotations, labels and supported types are data
(`schemas/scheduling.json`, `topology`).

## Why is this bad?
Kueue reads these annotations from the pod template only ("exactly one of
these annotations on the Pod template's metadata.annotations, not on the
Job's top-level"): on the job they do nothing and the pods are spread
anywhere. A topology label no node carries, or a required topology on
instance types that do not report their network topology, can never be met:
the workload is never admitted. Task governance v1.6 (Kueue v0.19) rejects
a slice size without a slice topology.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: allreduce-test
  namespace: hyperpod-ns-research
  labels:
    kueue.x-k8s.io/queue-name: hyperpod-ns-research-localqueue
  annotations:
    kueue.x-k8s.io/podset-required-topology: topology.k8s.aws/network-node-layer-3
spec:
  parallelism: 4
  completions: 4
  template:
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: ml.p5.48xlarge
      containers:
        - name: nccl
          image: my-registry/nccl-tests:1.0
      restartPolicy: Never
```

## Use instead
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: allreduce-test
  namespace: hyperpod-ns-research
  labels:
    kueue.x-k8s.io/queue-name: hyperpod-ns-research-localqueue
spec:
  parallelism: 4
  completions: 4
  template:
    metadata:
      annotations:
        kueue.x-k8s.io/podset-required-topology: topology.k8s.aws/network-node-layer-3
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: ml.p5.48xlarge
      containers:
        - name: nccl
          image: my-registry/nccl-tests:1.0
      restartPolicy: Never
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-tasks-scheduling.html
- https://kueue.sigs.k8s.io/docs/concepts/topology_aware_scheduling/
"""

from __future__ import annotations

from hyperlint.data import parse_version
from hyperlint.findings import Hit, RunHit
from hyperlint.k8s import pod_templates
from hyperlint.k8s_nodes import node_terms
from hyperlint.kueue import label_text, pod_annotations
from hyperlint.safe import VALUE_LIMIT, printable
from hyperlint.templating import is_placeholder, unrendered

ID = "HP315"
NAME = "topology-aware-scheduling"
SEVERITY = "error"
EMITS = ("error", "warning")
TIER = "extended"


def _all_annotations(conf) -> list[str]:
    return list(dict.fromkeys(conf["exclusive_annotations"] + conf["valued_annotations"]
                              + [conf["slice_size_annotation"]]))


def check_object(obj, ctx):
    """TAS annotations on the job's own metadata (a Pod's own metadata is its template)."""
    if obj.kind == "Pod" and obj.group == "":
        return
    annotations = obj.metadata.get("annotations")
    if not isinstance(annotations, dict) or not pod_templates(obj):
        return
    conf = ctx.data.scheduling["topology"]
    templates = [pod_annotations(pod)[1] or {} for pod in pod_templates(obj)]
    for key in _all_annotations(conf):
        if key in annotations and not all(key in t for t in templates):
            yield Hit(obj.at("metadata", "annotations", key),
                      f"{key} is on the {obj.kind}'s own metadata; Kueue reads it only from the pod template's "
                      f"metadata.annotations, so it does nothing here: move it to the pod template", key=True)


def check_pod(pod, ctx):
    path, annotations = pod_annotations(pod)
    if not annotations:
        return
    conf = ctx.data.scheduling["topology"]
    present = [k for k in conf["exclusive_annotations"] if k in annotations]
    for key in present[1:]:
        yield Hit(path + (key,), f"{key} next to {present[0]}: a pod template takes exactly one of "
                                 f"{', '.join(conf['exclusive_annotations'])}", key=True)
    labels = conf["labels"]
    for key in conf["valued_annotations"]:
        if key not in annotations:
            continue
        value = label_text(annotations[key])
        if value is None:
            continue
        if is_placeholder(value):
            yield unrendered(path + (key,), value, "topology label")
        elif value not in labels:
            yield Hit(path + (key,), f"{key} is '{printable(value, VALUE_LIMIT)}', which is not a topology label "
                                     f"HyperPod sets on its nodes ({', '.join(labels)}); the workload is never "
                                     f"admitted")
    if conf["slice_size_annotation"] in annotations and conf["slice_topology_annotation"] not in annotations:
        yield Hit(path + (conf["slice_size_annotation"],),
                  f"{conf['slice_size_annotation']} without {conf['slice_topology_annotation']}: a slice size needs "
                  f"the topology level of its slices, and task governance rejects the workload", key=True)
    required = conf["required_annotation"]
    if required in annotations and label_text(annotations[required]) in labels:
        types = _selected_types(pod, ctx.data)
        supported = set(conf["supported_instance_types"])
        if types and not types & supported:
            yield Hit(path + (required,), f"required topology on {', '.join(sorted(types))}, which "
                                          f"topology-aware scheduling does not support (it needs one of "
                                          f"{', '.join(conf['supported_instance_types'])}); the workload is never "
                                          f"admitted: use a supported type or kueue.x-k8s.io/podset-preferred-topology",
                      key=True)


def _selected_types(pod, data) -> set[str]:
    """The `ml.` instance types a pod template requires, when every one is known (else empty)."""
    found: set[str] = set()
    for term in node_terms(pod):
        if term.required and term.operator == "In" and term.key in data.instance_type_keys:
            values = [v for v, _ in term.values]
            if not values or not all(isinstance(v, str) and v.startswith("ml.") and not is_placeholder(v)
                                     for v in values):
                return set()
            found |= set(values)
    return found


def check_run(model, ctx):
    """Topology requests in the scope while its task governance add-on is pinned below
    the version that supports them (judged only when the version is pinned)."""
    conf = ctx.data.scheduling["topology"]
    if (conf["marker"],) not in model.markers:
        return
    minimum = parse_version(conf["minimum_task_governance"])
    for addon in model.installed:
        if addon.kind != "addon" or addon.name != conf["task_governance_addon"] or not addon.version:
            continue
        version = parse_version(addon.version)
        if version is not None and version < minimum:
            yield RunHit(addon.version_loc or addon.loc,
                         f"{addon.name} {addon.version} predates topology-aware scheduling, which workloads of this "
                         f"scope request (kueue.x-k8s.io/podset-*-topology); it needs "
                         f"v{conf['minimum_task_governance']}-eksbuild.1 or later", severity="warning")
