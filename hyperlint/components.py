"""Components of the EKS cluster: add-ons and what they need (HP110-HP113).

A HyperPod feature installed as an EKS add-on (training operator, inference
operator, observability, task governance) needs other components in the same
cluster: the EKS Pod Identity Agent, cert-manager, CSI drivers ... Which ones,
and how each is recognised (add-on name, workload name or image, CSIDriver
object, CRD group), is data (`schemas/addons.json`).

``prerequisite_hits`` judges one template by itself, which is all the cfn-lint
plugin sees; ``refine`` then drops a finding when another document of the run
installs the missing component (a cert-manager Deployment among the manifests,
the agent add-on in another stack). ``k8s_components`` and ``cfn_installed``
feed the run model (``Model.installed``).
"""

from __future__ import annotations

from typing import Iterator

from .findings import Hit
from .k8s import K8sObject, PodTemplate
from .k8s_workloads import image_parts
from .safe import scalar_text
from .templating import is_placeholder

_ADDON = "AWS::EKS::Addon"
_ASSOCIATION = "AWS::EKS::PodIdentityAssociation"


def pod_identity_key(namespace, service_account) -> str:
    return f"{namespace}/{service_account}"


# -- what a template installs -------------------------------------------------------------

def template_addons(template) -> Iterator[tuple[str, dict, tuple]]:
    """(add-on name, Properties, path of the name's value) of every `AWS::EKS::Addon`
    whose name is known offline (each name it can take through `!Ref`/`!If`)."""
    for _, props, base in template.resources_of_type(_ADDON):
        for v in template.scalars(props.get("AddonName"), base + ("AddonName",)):
            if isinstance(v.value, str) and not is_placeholder(v.value):
                yield v.value, props, v.path


def cluster_name(template, props: dict, path: tuple) -> str | None:
    """The EKS cluster a resource names in `ClusterName`, when it is one literal name
    (a `!Ref` to the cluster resource: its logical ID, which names it in this stack)."""
    value = props.get("ClusterName")
    target = template.ref_target(value)
    if target is not None:
        return f"resource:{target}"
    names = {v.value for v in template.scalars(value, path + ("ClusterName",)) if isinstance(v.value, str)}
    return names.pop() if len(names) == 1 else None


def template_associations(template, data) -> Iterator[tuple[str, tuple, str | None]]:
    """(`namespace/service-account`, path) of every Pod Identity association of the
    template: `AWS::EKS::PodIdentityAssociation` resources, and the
    `PodIdentityAssociations` of an add-on whose namespace is known (data)."""
    for _, props, base in template.resources_of_type(_ASSOCIATION):
        namespaces = [v.value for v in template.scalars(props.get("Namespace"), base + ("Namespace",))]
        accounts = [v.value for v in template.scalars(props.get("ServiceAccount"), base + ("ServiceAccount",))]
        cluster = cluster_name(template, props, base)
        for ns in namespaces:
            for sa in accounts:
                yield pod_identity_key(ns, sa), base, cluster
    addon_namespaces = {e["addon"]: e["pod_identity"]["namespace"] for e in data.addons["addons"]["entries"]
                        if "pod_identity" in e}
    for name, props, path in template_addons(template):
        items = props.get("PodIdentityAssociations")
        if name not in addon_namespaces or not isinstance(items, list):
            continue
        base = path[:-1] + ("PodIdentityAssociations",)
        cluster = cluster_name(template, props, path[:-1])
        for i, item in enumerate(items):
            if isinstance(item, dict):
                for v in template.scalars(item.get("ServiceAccount"), base + (i, "ServiceAccount")):
                    yield pod_identity_key(addon_namespaces[name], v.value), base + (i,), cluster


def template_provides(template, data, cluster: str | None) -> set[str]:
    """Names of add-ons, component ids and Pod Identity associations the template
    installs in the EKS cluster ``cluster`` (None: in any)."""
    return {name for _, name, _, where in cfn_installed(template, data)
            if cluster is None or where is None or where == cluster}


def cfn_installed(template, data) -> Iterator[tuple[str, str, tuple, str | None]]:
    """(kind, name, path, EKS cluster name or None) of what a template installs."""
    for name, props, path in template_addons(template):
        cluster = cluster_name(template, props, path[:-1])
        yield "addon", name, path, cluster
        if name in data.addon_components:
            yield "component", data.addon_components[name], path, cluster
    for key, path, cluster in template_associations(template, data):
        yield "pod-identity", key, path, cluster


# -- what manifests install ------------------------------------------------------------------

def k8s_components(obj: K8sObject, pods: list[PodTemplate], data) -> Iterator[tuple[str, tuple]]:
    """(component id, path) of each component this object is part of: its workload
    name or a container image, a CSIDriver object, a CRD of the component's API group."""
    if obj.kind == "CSIDriver" and obj.group == "storage.k8s.io":
        found = data.component_index["csi_drivers"].get(obj.name or "")
    elif obj.kind == "CustomResourceDefinition" and obj.group == "apiextensions.k8s.io":
        spec = obj.data.get("spec")
        found = data.component_index["crd_groups"].get(scalar_text(spec.get("group")) or "" if isinstance(spec, dict) else "")
    elif obj.kind in ("Deployment", "DaemonSet", "StatefulSet") and obj.group == "apps":
        index = data.component_index
        found = index["workloads"].get(obj.name or "")
        for p in pods if found is None else ():
            for _, container in p.containers():
                repo, _ = image_parts(container.get("image"))
                parts = repo.split("/")
                # `org/name` patterns match the repository's last path segments, any registry
                found = next((index["images"][tail] for tail in ("/".join(parts[i:]) for i in range(len(parts)))
                              if tail in index["images"]), None)
                if found:
                    break
            if found:
                break
    else:
        return
    if found:
        yield found, obj.at("metadata", "name")


# -- HP110-HP112: an add-on without what it needs ------------------------------------------------

def prerequisite_hits(template, ctx, rule_id: str) -> Iterator[Hit]:
    """One finding per component an add-on checked by ``rule_id`` needs and the
    template does not install: error for a requirement, warning for a
    recommendation, warning for a missing Pod Identity association."""
    data = ctx.data
    entries = {e["addon"]: e for e in data.addon_entries(rule_id)}
    if not entries:
        return
    for name, props, path in template_addons(template):
        entry = entries.get(name)
        if entry is None:
            continue
        cluster = cluster_name(template, props, path[:-1])
        provides = template_provides(template, data, cluster)
        if entry.get("irsa_exempt") and props.get("ServiceAccountRoleArn") not in (None, ""):
            continue  # an IAM role for service accounts: no Pod Identity needed
        for severity, key in (("error", "requires"), ("warning", "recommends")):
            for component in entry.get(key, ()):
                if component in provides:
                    continue
                yield Hit(path, _missing_message(name, entry, data.components[component], key == "requires"),
                          severity=severity, facts={"needs": component, "cluster": _shown_cluster(cluster)})
        association = entry.get("pod_identity")
        if association:
            wanted = pod_identity_key(association["namespace"], association["service_account"])
            if wanted not in provides:
                yield Hit(path, _association_message(name, entry, association), severity="warning", facts={"needs": wanted, "kind": "pod-identity",
                                                     "cluster": _shown_cluster(cluster)})


def eksctl_prerequisite_hits(obj: K8sObject, ctx, rule_id: str) -> Iterator[Hit]:
    """``prerequisite_hits`` for the `addons` of an eksctl ClusterConfig (Pod Identity
    associations from `iam.podIdentityAssociations` and each add-on's own)."""
    if obj.eksctl_addons is None:
        return
    data = ctx.data
    entries = {e["addon"]: e for e in data.addon_entries(rule_id)}
    addons = [(i, a) for i, a in enumerate(obj.data["addons"]) if isinstance(a, dict) and isinstance(a.get("name"), str)]
    if not any(a["name"] in entries for _, a in addons):
        return
    provides = {a["name"] for _, a in addons} | {data.addon_components[a["name"]] for _, a in addons
                                                 if a["name"] in data.addon_components}
    iam = obj.data.get("iam")
    associations = iam.get("podIdentityAssociations") if isinstance(iam, dict) else None
    for item in associations if isinstance(associations, list) else ():
        if isinstance(item, dict):
            provides.add(pod_identity_key(item.get("namespace"), item.get("serviceAccountName")))
    for i, addon in addons:
        entry = entries.get(addon["name"])
        if entry is None:
            continue
        if entry.get("irsa_exempt") and addon.get("serviceAccountRoleARN"):
            continue
        own = addon.get("podIdentityAssociations")
        mine = set(provides)
        if entry.get("pod_identity") and isinstance(own, list):
            mine |= {pod_identity_key(entry["pod_identity"]["namespace"], a.get("serviceAccountName"))
                     for a in own if isinstance(a, dict)}
        path = obj.at("addons", i, "name")
        for severity, key in (("error", "requires"), ("warning", "recommends")):
            for component in entry.get(key, ()):
                if component not in mine:
                    yield Hit(path, _missing_message(addon["name"], entry, data.components[component], key == "requires"),
                              severity=severity, facts={"needs": component, "cluster": obj.name})
        association = entry.get("pod_identity")
        if association:
            wanted = pod_identity_key(association["namespace"], association["service_account"])
            if wanted not in mine:
                yield Hit(path, _association_message(addon["name"], entry, association), severity="warning",
                          facts={"needs": wanted, "kind": "pod-identity", "cluster": obj.name})


def _association_message(name: str, entry: dict, association: dict) -> str:
    return (f"EKS add-on {name} ({entry['what']}) has no Pod Identity association for service account "
            f"{association['service_account']} in namespace {association['namespace']}; without it "
            f"{association['effect']} (add PodIdentityAssociations to the add-on, or an "
            f"AWS::EKS::PodIdentityAssociation)")


def _shown_cluster(cluster: str | None) -> str | None:
    """A cluster name other documents can match: a logical ID names the cluster only in its own stack."""
    return None if cluster is None or cluster.startswith("resource:") else cluster


def _missing_message(name: str, entry: dict, component: dict, required: bool) -> str:
    how = []
    if component.get("addons"):
        how.append(f"the EKS add-on {component['addons'][0]}")
    if component.get("csi_drivers"):
        how.append(f"a driver that registers CSIDriver {component['csi_drivers'][0]}")
    elif component.get("workloads"):
        how.append("its Helm chart or manifests")
    effect = "the add-on fails to install or its pods fail" if required else "the setup guide installs it first"
    return (f"EKS add-on {name} ({entry['what']}) needs {component['name']}, which this run does not install "
            f"({effect}); install {' or '.join(how)}")


def refine(finding, ctx):
    """Drop a prerequisite finding when another document of the run installs it."""
    facts = finding.facts or {}
    needs = facts.get("needs")
    if needs is None:
        return finding
    kind = facts.get("kind", "component")
    cluster = facts.get("cluster")
    run = ctx.run
    have = run.installed_names(kind, cluster)
    return None if needs in have else finding
