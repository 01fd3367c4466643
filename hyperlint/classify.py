"""Classify: what each parsed document is.

A document is a Kubernetes object (or a ``kind: List`` of them, eksctl
``ClusterConfig`` included), a CloudFormation template, the JSON printed by
``aws sagemaker describe-cluster`` (or given to ``create-cluster
--cli-input-json``), or none of these (skipped silently).
The checks are mutually exclusive: a manifest is never taken for a template.

An API document has the shape of the Properties of an ``AWS::SageMaker::Cluster``,
so the template rules (``check_cfn``) read it through ``ApiView``: a template
holding that one resource, whose paths ``ApiView.document_path`` maps back.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .k8s import K8sObject, objects_in


class Unit(NamedTuple):
    kind: str  # "k8s" | "cfn" | "describe-cluster" | "terraform-plan"
    path: tuple
    value: Any  # K8sObject for k8s, the document root otherwise


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


def is_terraform_plan(root) -> bool:
    """``terraform show -json plan.out`` (read by ``hyperlint.terraform.plan``)."""
    return isinstance(root, dict) and "format_version" in root and isinstance(root.get("planned_values"), dict)


def classify(root) -> list[Unit]:
    objects: list[K8sObject] = objects_in(root)
    if objects:
        return [Unit("k8s", o.path, o) for o in objects]
    if is_cfn_template(root):
        return [Unit("cfn", (), root)]
    if is_terraform_plan(root):
        return [Unit("terraform-plan", (), root)]
    if is_describe_cluster(root):
        return [Unit("describe-cluster", (), root)]
    return []


# -- an API document seen as a template ------------------------------------------------

# (parent, CloudFormation key) -> the API spellings of that value, preferred first.
# describe-cluster reports what was last asked for (Desired*) and what is applied
# (Current*); create-cluster input spells it as CloudFormation does.
API_ALIASES = {
    ("KubernetesConfig", "Labels"): ("DesiredLabels", "CurrentLabels", "Labels"),
    ("KubernetesConfig", "Taints"): ("DesiredTaints", "CurrentTaints", "Taints"),
    ("InstanceRequirements", "InstanceTypes"): ("DesiredInstanceTypes", "CurrentInstanceTypes", "InstanceTypes"),
}
API_GROUP_SECTIONS = ("InstanceGroups", "RestrictedInstanceGroups")
CLUSTER_TYPE = "AWS::SageMaker::Cluster"


def api_value(mapping: dict, aliases: tuple) -> tuple[str | None, object]:
    """(key, value) of the first of ``aliases`` that ``mapping`` sets (not null); (None, None) when none."""
    for key in aliases:
        if mapping.get(key) is not None:
            return key, mapping[key]
    return None, None


def cluster_anchor(root: dict) -> tuple:
    """Where a finding about a whole API document points (a property it lacks, the
    cluster itself): the value of ClusterName, else of ClusterArn, else the document."""
    for key in ("ClusterName", "ClusterArn"):
        if key in root:
            return (key,)
    return ()


class ApiView:
    """A describe-cluster or create-cluster document as a CloudFormation template.

    ``template`` holds one ``AWS::SageMaker::Cluster`` whose logical ID is the
    cluster's name (so messages name it) and whose Properties are the document,
    with the few API-only spellings (``API_ALIASES``) renamed to the template's.
    ``document_hit`` maps what a rule reports on ``template`` back to the document: the
    Properties prefix goes, a renamed key gets its spelling in the file, and a
    top-level property the document lacks points at ``cluster_anchor`` (the
    document's first line would say nothing). Only the containers that differ
    are copied; the document is never changed."""

    def __init__(self, root: dict):
        from .cfn import Template
        from .safe import VALUE_LIMIT, printable

        name = root.get("ClusterName")
        self.root = root
        self.name = printable(name, VALUE_LIMIT) if isinstance(name, str) and name.strip() else "Cluster"
        self.base = ("Resources", self.name, "Properties")
        self._renamed: dict[tuple, tuple] = {}  # view path -> document path, for renamed keys
        props = dict(root)
        for section in API_GROUP_SECTIONS:
            groups = root.get(section)
            if isinstance(groups, list):
                props[section] = [self._group(g, (section, i)) for i, g in enumerate(groups)]
        self.template = Template({"Resources": {self.name: {"Type": CLUSTER_TYPE, "Properties": props}}})

    def _group(self, group, path: tuple):
        if not isinstance(group, dict):
            return group
        view = group
        for (parent, key), aliases in API_ALIASES.items():
            inner = view.get(parent)
            if not isinstance(inner, dict):
                continue
            found, value = api_value(inner, aliases)
            if found is None or found == key:
                continue
            if view is group:
                view = dict(group)
            view[parent] = {k: v for k, v in inner.items() if k not in aliases}
            view[parent][key] = value
            self._renamed[path + (parent, key)] = path + (parent, found)
            if parent == "InstanceRequirements":
                # describe-cluster output of a flexible group: an InstanceType beside
                # it is the API's echo, not a second choice of the user's
                view.pop("InstanceType", None)
        return view

    def document_path(self, path) -> tuple[tuple, bool]:
        """(the path in the document of a path of ``template``, whether it is
        ``cluster_anchor`` standing for something the document does not have)."""
        path = tuple(path)
        n = len(self.base)
        if path[:n] != self.base:
            return cluster_anchor(self.root), True  # the resource itself: nothing else is in the view
        path = path[n:]
        renamed = self._renamed.get(path[:4])
        if renamed is not None:
            path = renamed + path[4:]
        if not path or path[0] not in self.root:
            return cluster_anchor(self.root), True
        return path, False

    def document_hit(self, hit):
        """``hit`` (a ``Hit`` on ``template``) with its paths in the document; a hit
        on the anchor points at its value, not at its key."""
        path, anchored = self.document_path(hit.path)
        related = tuple(self.document_path(p)[0] for p in hit.related)
        return hit._replace(path=path, key=hit.key and not anchored, related=related)
