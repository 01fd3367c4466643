"""Classify: what each parsed document is.

A document is a Kubernetes object (or a ``kind: List`` of them, eksctl
``ClusterConfig`` included), a CloudFormation template, the JSON printed by
``aws sagemaker describe-cluster``, or none of these (skipped silently).
The checks are mutually exclusive: a manifest is never taken for a template.
"""

from __future__ import annotations

from typing import NamedTuple

from .k8s import K8sObject, objects_in


class Unit(NamedTuple):
    kind: str  # "k8s" | "cfn" | "describe-cluster"
    path: tuple
    value: object  # K8sObject for k8s, the document root otherwise


def is_cfn_template(root) -> bool:
    if not isinstance(root, dict) or "apiVersion" in root or "kind" in root:
        return False
    if "AWSTemplateFormatVersion" in root:
        return True
    resources = root.get("Resources")
    if not isinstance(resources, dict):
        return False
    return any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and r["Type"].startswith(("AWS::", "Custom::"))
        for r in resources.values()
    )


def is_describe_cluster(root) -> bool:
    """The shape of `aws sagemaker describe-cluster` output."""
    if not isinstance(root, dict) or "apiVersion" in root:
        return False
    groups = root.get("InstanceGroups")
    return (
        ("ClusterArn" in root or "ClusterName" in root)
        and isinstance(groups, list)
        and any(isinstance(g, dict) and "InstanceGroupName" in g for g in groups)
    )


def classify(root) -> list[Unit]:
    objects: list[K8sObject] = objects_in(root)
    if objects:
        return [Unit("k8s", o.path, o) for o in objects]
    if is_cfn_template(root):
        return [Unit("cfn", (), root)]
    if is_describe_cluster(root):
        return [Unit("describe-cluster", (), root)]
    return []


def cluster_anchor(root: dict) -> tuple:
    """Where a finding about a whole API document points (a property it lacks, the
    cluster itself): the value of ClusterName, else of ClusterArn, else the document."""
    for key in ("ClusterName", "ClusterArn"):
        if key in root:
            return (key,)
    return ()
