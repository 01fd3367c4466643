"""What a Kubernetes workload runs, on plain data: container image names
(``image_parts``, ``image_matches``), distributed training job kinds, and the
instance types custom resources name in plain fields rather than in a node
selector (the HyperPod Inference Operator's InferenceEndpointConfig and
JumpStartModel). Which kinds and fields count is data (``schemas/workloads.json``)."""

from __future__ import annotations

from functools import lru_cache

from .k8s import K8sObject
from .safe import scalar_text


def image_parts(image) -> tuple[str, str | None]:
    """`registry/repo:tag@sha256:...` -> (`registry/repo`, `tag`)."""
    if isinstance(image, str) and len(image) <= 512:
        return _image_parts(image)  # the same images recur in every document of a stream
    return _split_image((scalar_text(image) or "").split("@", 1)[0])


@lru_cache(maxsize=2048)
def _image_parts(image: str) -> tuple[str, str | None]:
    return _split_image(image.split("@", 1)[0])


def _split_image(text: str) -> tuple[str, str | None]:
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        return text[:colon], text[colon + 1:]
    return text, None


def image_matches(image, patterns) -> bool:
    """Is the image's repository one of ``patterns`` (`org/name`, any registry)?"""
    if not isinstance(image, str):
        return False
    repo, _ = image_parts(image)
    return any(repo == p or repo.endswith("/" + p) for p in patterns)


def is_training_job(obj: K8sObject, data) -> bool:
    """A distributed training job kind (Kubeflow, HyperPodPyTorchJob, JobSet ...)."""
    return (obj.group, obj.kind) in data.training_kinds


def instance_type_fields(obj: K8sObject, data) -> list[tuple[object, tuple]]:
    """(value, absolute path) of every instance type a custom resource names in a
    plain field rather than a node selector: the HyperPod Inference Operator's
    InferenceEndpointConfig (`spec.instanceType`, `spec.instanceTypes`) and
    JumpStartModel (`spec.server.instanceType`). Which kinds keep it where is
    data (`schemas/workloads.json`); a list field gives one value per item.
    Such resources always run on HyperPod nodes. Values are returned as written
    (scalars only), for the caller to check with ``is_placeholder`` first."""
    found: list[tuple[object, tuple]] = []
    for entry in data.workloads["instance_type_fields"]["entries"]:
        if obj.group != entry["group"] or obj.kind not in entry["kinds"]:
            continue
        for dotted in entry["paths"]:
            steps = tuple(dotted.split("."))
            node = obj.data
            for step in steps:
                node = node.get(step) if isinstance(node, dict) else None
            path = obj.at(*steps)
            items = enumerate(node) if isinstance(node, list) else [(None, node)]
            for i, value in items:
                if value is None or isinstance(value, (dict, list)):
                    continue
                found.append((value, path if i is None else path + (i,)))
    return found
