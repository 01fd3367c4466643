"""Kueue as HyperPod task governance uses it: where a job's queue and priority labels sit.

Kueue reads the queue (`kueue.x-k8s.io/queue-name`) and priority
(`kueue.x-k8s.io/priority-class`) labels from the top-level object of a job
(a batch Job, Kubeflow and HyperPod training jobs, JobSet, RayJob, a
Deployment, a bare Pod ...), and from `spec.jobTemplate.metadata.labels` of a
CronJob, whose Jobs it queues. DaemonSets are never queued. Which keys and
namespace names task governance uses is data (`schemas/scheduling.json`).
"""

from __future__ import annotations

from .k8s import K8sObject, pod_templates
from .safe import scalar_text


def queued(obj: K8sObject) -> bool:
    """An object Kueue would queue: it creates pods, and is not a DaemonSet."""
    return obj.kind != "DaemonSet" and bool(pod_templates(obj))


def job_labels(obj: K8sObject) -> tuple[tuple, dict | None]:
    """(path of the labels mapping Kueue reads, the mapping or None when it is not written)."""
    if obj.kind == "CronJob" and obj.group == "batch":
        spec = obj.data.get("spec")
        tpl = spec.get("jobTemplate") if isinstance(spec, dict) else None
        meta = tpl.get("metadata") if isinstance(tpl, dict) else None
        labels = meta.get("labels") if isinstance(meta, dict) else None
        return obj.at("spec", "jobTemplate", "metadata", "labels"), labels if isinstance(labels, dict) else None
    labels = obj.metadata.get("labels")
    return obj.at("metadata", "labels"), labels if isinstance(labels, dict) else None


def team_namespace(obj: K8sObject, data) -> str | None:
    """The object's namespace when it is a task governance team namespace (`hyperpod-ns-<team>`)."""
    prefix = data.scheduling["task_governance"]["namespace_prefix"]
    namespace = obj.metadata.get("namespace")
    if isinstance(namespace, str) and namespace.startswith(prefix) and len(namespace) > len(prefix):
        return namespace
    return None


def label_text(value) -> str | None:
    return scalar_text(value) if value is not None and not isinstance(value, (dict, list)) else None


def pod_annotations(pod) -> tuple[tuple, dict | None]:
    """(path, mapping) of a pod template's annotations (the metadata next to its spec;
    a bare Pod's own), where Kueue reads topology-aware scheduling requests."""
    obj = pod.obj
    if obj.kind == "Pod" and obj.group == "":
        annotations = obj.metadata.get("annotations")
        return obj.at("metadata", "annotations"), annotations if isinstance(annotations, dict) else None
    rel = pod.path[len(obj.path):]
    if not rel or rel[-1] != "spec":
        return (), None
    node = obj.data
    for step in rel[:-1]:
        node = node[step] if isinstance(node, (dict, list)) else None
    meta = node.get("metadata") if isinstance(node, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    return obj.path + rel[:-1] + ("metadata", "annotations"), annotations if isinstance(annotations, dict) else None
