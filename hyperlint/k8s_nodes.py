"""Node selection of Kubernetes objects, on plain data: the requirements a pod
template puts on its node (``nodeSelector``, required and preferred node
affinity), a PersistentVolume's node affinity, a Karpenter NodePool's
requirements, each as a ``Term`` with the path of what to change; and
tolerations with Kubernetes toleration matching."""

from __future__ import annotations

from .k8s import K8sObject, PodTemplate, Term
from .safe import scalar_text


def node_terms(pod: PodTemplate) -> tuple[Term, ...]:
    """Every node-selection requirement of a pod template (worked out once per pod)."""
    if "terms" not in pod.memo:
        pod.memo["terms"] = tuple(_node_terms(pod))
    return pod.memo["terms"]


def _node_terms(pod: PodTemplate) -> list[Term]:
    terms: list[Term] = []
    path, selector = pod.field("nodeSelector")
    if isinstance(selector, dict):
        for key, value in selector.items():
            terms.append(Term(scalar_text(key) or "", "In", ((value, path + (key,)),), "nodeSelector", path + (key,)))
    path, affinity = pod.field("affinity")
    if isinstance(affinity, dict):
        terms += affinity_terms(affinity, path)
    return terms


def affinity_terms(affinity: dict, path: tuple) -> list[Term]:
    node = affinity.get("nodeAffinity")
    if not isinstance(node, dict):
        return []
    base = path + ("nodeAffinity",)
    terms: list[Term] = []
    required = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict) and isinstance(required.get("nodeSelectorTerms"), list):
        for i, term in enumerate(required["nodeSelectorTerms"]):
            tpath = base + ("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", i)
            terms += _expressions(term, tpath, "required")
    preferred = node.get("preferredDuringSchedulingIgnoredDuringExecution")
    if isinstance(preferred, list):
        for i, item in enumerate(preferred):
            if isinstance(item, dict) and isinstance(item.get("preference"), dict):
                tpath = base + ("preferredDuringSchedulingIgnoredDuringExecution", i, "preference")
                terms += _expressions(item["preference"], tpath, "preferred")
    return terms


def _expressions(term, path: tuple, place: str) -> list[Term]:
    if not isinstance(term, dict) or not isinstance(term.get("matchExpressions"), list):
        return []
    return requirement_terms(term["matchExpressions"], path + ("matchExpressions",), place)


def requirement_terms(items: list, path: tuple, place: str) -> list[Term]:
    """`{key, operator, values}` lists (affinity matchExpressions, Karpenter requirements)."""
    out = []
    for j, expr in enumerate(items):
        if not isinstance(expr, dict) or not isinstance(expr.get("key"), str):
            continue
        epath = path + (j,)
        values = expr.get("values")
        vals = tuple((v, epath + ("values", k)) for k, v in enumerate(values)) if isinstance(values, list) else ()
        out.append(Term(expr["key"], scalar_text(expr.get("operator", "In")) or "", vals, place, epath + ("key",)))
    return out


def volume_node_terms(obj: K8sObject) -> list[Term]:
    """Required node affinity of a PersistentVolume (`spec.nodeAffinity.required`)."""
    spec = obj.data.get("spec")
    affinity = spec.get("nodeAffinity") if isinstance(spec, dict) else None
    required = affinity.get("required") if isinstance(affinity, dict) else None
    if not isinstance(required, dict) or not isinstance(required.get("nodeSelectorTerms"), list):
        return []
    terms: list[Term] = []
    for i, term in enumerate(required["nodeSelectorTerms"]):
        terms += _expressions(term, obj.at("spec", "nodeAffinity", "required", "nodeSelectorTerms", i), "required")
    return terms


def karpenter_terms(obj: K8sObject) -> list[Term]:
    """Requirements of a Karpenter NodePool (`spec.template.spec.requirements`)."""
    if obj.kind != "NodePool" or not obj.group.startswith("karpenter"):
        return []
    spec = obj.data.get("spec")
    tpl = spec.get("template") if isinstance(spec, dict) else None
    tspec = tpl.get("spec") if isinstance(tpl, dict) else None
    reqs = tspec.get("requirements") if isinstance(tspec, dict) else None
    if not isinstance(reqs, list):
        return []
    return requirement_terms(reqs, obj.at("spec", "template", "spec", "requirements"), "karpenter")


def tolerations(pod: PodTemplate) -> list[tuple[tuple, dict]]:
    path, items = pod.field("tolerations")
    if not isinstance(items, list):
        return []
    return [(path + (i,), t) for i, t in enumerate(items) if isinstance(t, dict)]


def tolerates(toleration: dict, key: str, value: str, effect: str) -> bool:
    """Kubernetes toleration matching: does ``toleration`` tolerate the taint?"""
    t_effect = toleration.get("effect")
    if t_effect not in (None, "") and t_effect != effect:
        return False
    t_key = toleration.get("key")
    operator = toleration.get("operator") or "Equal"
    if t_key in (None, ""):
        return operator == "Exists"
    if t_key != key:
        return False
    if operator == "Exists":
        return True
    return operator == "Equal" and scalar_text(toleration.get("value", "")) == value
