"""Job auto-resume annotation on a job that cannot auto-resume.

## What it does
For a job annotated `sagemaker.amazonaws.com/enable-job-auto-resume: "true"`
(HyperPod job auto-resume with the Kubeflow training operator), reports:

- a replica whose `restartPolicy` is not `OnFailure`: the replica spec's
  `restartPolicy` for Kubeflow jobs (which overrides the pod template's; when
  it is not set, the operator's default for the kind: `OnFailure` for
  PyTorchJob and PaddleJob, `Never` for TFJob, MPIJob, MXJob, XGBoostJob and
  JAXJob), the pod template's `restartPolicy` for other kinds;
- a namespace other than `kubeflow` or one whose name starts with `hyperpod`.
  A job without `metadata.namespace` lands in `default` (kubectl's default
  namespace), unless a `kustomization.yaml` sits in its folder (kustomize, or
  an overlay built on that folder, sets the namespace) or the configuration
  names another default
  (`data: {workloads: {job_auto_resume: {default_namespace: ...}}}`).

## Why is this bad?
HyperPod resumes a job after a node fault only under these conditions: the
annotation alone does nothing when a replica does not restart on failure, or
when the job runs in a namespace HyperPod's job auto-restart does not watch.
The job then fails on the first hardware fault instead of resuming on a
replacement node.

## Example
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: research
  annotations:
    sagemaker.amazonaws.com/enable-job-auto-resume: "true"
    sagemaker.amazonaws.com/job-max-retry-count: "3"
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      restartPolicy: Never
      template:
        spec:
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
```

## Use instead
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
  annotations:
    sagemaker.amazonaws.com/enable-job-auto-resume: "true"
    sagemaker.amazonaws.com/job-max-retry-count: "3"
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      restartPolicy: OnFailure
      template:
        spec:
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-run-jobs-kubectl.html
  (auto-resume annotations, `restartPolicy: OnFailure`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-run-jobs-hyperpod-cli.html
  (namespace `kubeflow` or `hyperpod*`)
"""

from __future__ import annotations

import os
import stat

from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP310"
NAME = "job-auto-resume-misconfigured"
SEVERITY = "warning"
TIER = "extended"


def check_object(obj, ctx):
    conf = _auto_resume(obj, ctx)
    if conf is None:
        return
    namespace = obj.metadata.get("namespace")
    path = obj.at("metadata", "namespace")
    allowed = " or ".join([f"'{n}'" for n in conf["namespaces"]]
                          + [f"one starting with '{p}'" for p in conf["namespace_prefixes"]])
    if is_placeholder(namespace):
        yield unrendered(path, namespace, "namespace")
    elif isinstance(namespace, str) and not _allowed(namespace, conf):
        yield Hit(path, f"job auto-resume ({conf['annotation']}) works only in namespace {allowed}; "
                        f"'{namespace}' is neither, so the job is not resumed after a node fault")
    elif "namespace" not in obj.metadata and not _kustomized(ctx.file):
        default = conf.get("default_namespace", "default")
        if not _allowed(default, conf):
            yield Hit(obj.at("metadata"), f"job auto-resume ({conf['annotation']}) works only in namespace "
                                          f"{allowed}; this job sets no namespace, so it runs in '{default}' "
                                          f"(or kubectl's current namespace) and may not be resumed after a "
                                          f"node fault; set metadata.namespace",
                      key=True)


def check_pod(pod, ctx):
    conf = _auto_resume(pod.obj, ctx)
    if conf is None:
        return
    found = _restart_policy(pod, ctx)
    if found is None:
        return  # not set and no known default: never guessed
    path, value, default, key = found
    if is_placeholder(value):
        yield unrendered(path, value, "restartPolicy")
        return
    wanted = conf["restart_policy"]
    if value == wanted or not isinstance(value, str):
        return  # a value of the wrong type is not this rule's to judge
    who = f"replica {pod.role}" if pod.role else "the pod template"
    what = (f"sets no restartPolicy, so it gets the {pod.obj.kind} default {value}" if default
            else f"has restartPolicy {value}")
    yield Hit(path, f"{who} {what}: job auto-resume ({conf['annotation']}) needs restartPolicy: {wanted} on every "
                    f"replica, or the job fails on the first node fault instead of resuming", key=key)


def _auto_resume(obj, ctx) -> dict | None:
    conf = ctx.data.workloads["job_auto_resume"]
    annotations = obj.metadata.get("annotations")
    value = annotations.get(conf["annotation"]) if isinstance(annotations, dict) else None
    if value is None or str(value).lower() != conf["value"]:
        return None
    return conf


_KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_FOLDERS: dict[str, bool] = {}  # folder -> whether a kustomization is there


def _kustomized(file: str) -> bool:
    """Whether a kustomization file is beside ``file``: kustomize (or an overlay
    built on it) then decides the namespace, so `default` is not assumed."""
    if not file or file == "-":
        return False
    folder = os.path.dirname(file) or "."
    if folder not in _FOLDERS:
        _FOLDERS[folder] = any(_regular_file(os.path.join(folder, name)) for name in _KUSTOMIZATIONS)
    return _FOLDERS[folder]


def _regular_file(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _allowed(namespace: str, conf: dict) -> bool:
    return namespace in conf["namespaces"] or any(namespace.startswith(p) for p in conf["namespace_prefixes"])


def _restart_policy(pod, ctx):
    """(path, value, is_default, key) of the restartPolicy that governs the pod, or None."""
    obj = pod.obj
    defaults = ctx.data.workloads["replica_restart_defaults"]
    rel = pod.path[len(obj.path):]
    if obj.api_version == defaults["api_version"] and obj.kind in defaults["kinds"] and rel[-2:] == ("template", "spec"):
        replica = obj.data
        for step in rel[:-2]:
            replica = replica[step]
        if isinstance(replica, dict):
            spec_path = obj.path + rel[:-2]
            if "restartPolicy" in replica:
                return spec_path + ("restartPolicy",), replica["restartPolicy"], False, False
            return spec_path, defaults["kinds"][obj.kind], True, True
    path, value = pod.field("restartPolicy")
    return (path, value, False, False) if path is not None else None
