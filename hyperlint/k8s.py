"""Kubernetes objects, pod templates and node selection, on plain data.

``pod_templates(obj)`` finds every PodSpec in an object: the well-known
workload kinds, Kubeflow and HyperPod training jobs, Ray, JobSet,
LeaderWorkerSet, Argo Workflows, and any other CRD (searched generically for
a mapping with a ``containers`` list). Paths are absolute within the
document, ready for findings. ``instance_type_fields(obj, data)`` finds the
instance types custom resources name in plain fields (the HyperPod Inference
Operator's InferenceEndpointConfig and JumpStartModel).

Trees come from untrusted files: a value may be shared thousands of times
through YAML aliases, nested thousands of levels deep, or of any type where a
string is expected. Nothing here converts a value it has not checked to be a
scalar (``hyperlint.safe.scalar_text``), and the generic pod-template search
visits each node once, at most ``_MAX_DEPTH`` levels down, without recursion.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator, NamedTuple

from .record import Record
from .safe import scalar_text
from .templating import is_placeholder

_ARGO_KINDS = {"Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"}
_TEMPLATE_KEYS = ("template", "jobTemplate")
_MAX_DEPTH = 64  # levels a generic search descends (real pod templates sit within 10)
_SKIP_KEYS = ("status", "managedFields")
# Built-in kinds that never hold a pod template (a CRD of the same name in another group may).
_PODLESS_KINDS = frozenset({
    "ConfigMap", "Secret", "Service", "ServiceAccount", "Namespace", "Endpoints", "EndpointSlice",
    "PersistentVolume", "PersistentVolumeClaim", "StorageClass", "CSIDriver", "Ingress", "IngressClass",
    "NetworkPolicy", "PodDisruptionBudget", "PriorityClass", "LimitRange", "ResourceQuota",
    "HorizontalPodAutoscaler", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
    "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "APIService", "Lease", "RuntimeClass",
})
_BUILT_IN_GROUPS = frozenset({
    "", "rbac.authorization.k8s.io", "networking.k8s.io", "storage.k8s.io", "policy", "scheduling.k8s.io",
    "autoscaling", "apiextensions.k8s.io", "admissionregistration.k8s.io", "apiregistration.k8s.io",
    "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io",
})


class K8sObject(Record):
    """A Kubernetes object (apiVersion and kind) and where it sits in its document."""

    __slots__ = ("path", "data", "api_version", "kind", "memo")
    _quiet = ("memo",)

    def __init__(self, path: tuple, data: dict, api_version: str, kind: str, memo: dict | None = None) -> None:
        self.path = path  # where the object sits in its document: () or ("items", i)
        self.data = data
        self.api_version = api_version
        self.kind = kind
        self.memo = {} if memo is None else memo  # what rules ask again and again

    @property
    def metadata(self) -> dict:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str | None:
        name = self.metadata.get("name")
        return scalar_text(name) if name is not None else None

    @property
    def namespace(self) -> str | None:
        ns = self.metadata.get("namespace")
        return scalar_text(ns) if ns is not None else None

    @property
    def group(self) -> str:
        return self.api_version.split("/", 1)[0] if "/" in self.api_version else ""

    @property
    def identity(self) -> tuple:
        if "identity" not in self.memo:
            self.memo["identity"] = (self.kind, self.namespace, self.name)
        return self.memo["identity"]

    def at(self, *steps) -> tuple:
        return self.path + steps


class PodTemplate(Record):
    """A pod spec found in an object, with how many pods it asks for."""

    __slots__ = ("obj", "path", "spec", "role", "replicas", "replicas_path", "defaults", "container_paths", "memo")
    _quiet = ("memo",)

    def __init__(
        self,
        obj: K8sObject,
        path: tuple,
        spec: dict,
        role: str | None = None,
        replicas: int | None = 1,
        replicas_path: tuple | None = None,
        defaults: tuple | None = None,
        container_paths: list | None = None,
        memo: dict | None = None,
    ) -> None:
        self.obj = obj
        self.path = path  # absolute path of the PodSpec-like mapping
        self.spec = spec
        self.role = role  # replica type, worker group, Argo template name ...
        self.replicas = replicas  # pods this template asks for (None: not knowable offline)
        self.replicas_path = replicas_path  # the value a user changes to get fewer pods
        self.defaults = defaults  # (path, mapping) holding defaults (Argo workflow spec)
        self.container_paths = [] if container_paths is None else container_paths  # [(path, container dict)]
        self.memo = {} if memo is None else memo  # what rules ask again and again

    @property
    def is_daemonset(self) -> bool:
        return self.obj.kind == "DaemonSet"

    def field(self, name: str) -> tuple[tuple | None, object]:
        """(path, value) of a PodSpec field, falling back to workflow defaults."""
        if name in self.spec:
            return self.path + (name,), self.spec[name]
        if self.defaults and name in self.defaults[1]:
            return self.defaults[0] + (name,), self.defaults[1][name]
        return None, None

    def containers(self) -> list[tuple[tuple, dict]]:
        return self.container_paths

    @property
    def labels(self) -> dict:
        """The pod labels (the template's metadata, next to its spec)."""
        rel = self.path[len(self.obj.path):]
        if not rel or rel[-1] != "spec":
            return {}
        try:
            meta = _get(self.obj.data, rel[:-1] + ("metadata",))
        except (KeyError, IndexError, TypeError):
            return {}
        labels = meta.get("labels") if isinstance(meta, dict) else None
        return labels if isinstance(labels, dict) else {}

    def one_per_node(self) -> bool:
        """Required pod anti-affinity on the node hostname against its own pods."""
        _, affinity = self.field("affinity")
        anti = affinity.get("podAntiAffinity") if isinstance(affinity, dict) else None
        terms = anti.get("requiredDuringSchedulingIgnoredDuringExecution") if isinstance(anti, dict) else None
        labels = self.labels
        for term in terms if isinstance(terms, list) else ():
            if isinstance(term, dict) and term.get("topologyKey") == "kubernetes.io/hostname":
                if _selects(term.get("labelSelector"), labels):
                    return True
        return False


class Term(NamedTuple):
    """One node-selection requirement: nodeSelector entry or affinity expression."""

    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist, Gt, Lt
    values: tuple  # ((value, path), ...)
    place: str  # nodeSelector | required | preferred | karpenter
    path: tuple  # path of the term (its `key`)

    @property
    def required(self) -> bool:
        return self.place in ("nodeSelector", "required", "karpenter")


# -- objects ----------------------------------------------------------------

def as_object(data, path: tuple = ()) -> K8sObject | None:
    if not isinstance(data, dict):
        return None
    api, kind = data.get("apiVersion"), data.get("kind")
    if isinstance(api, str) and isinstance(kind, str) and api and kind:
        return K8sObject(path, data, api, kind)
    return None


def objects_in(root) -> list[K8sObject]:
    """The Kubernetes objects of a document (expanding `kind: List`)."""
    obj = as_object(root)
    if obj is None:
        return []
    items = root.get("items")
    if obj.kind.endswith("List") and isinstance(items, list):
        found = []
        for i, item in enumerate(items):
            child = as_object(item, ("items", i))
            if child is not None:
                found.append(child)
        return found
    return [obj]


# -- pod templates ------------------------------------------------------------

def pod_templates(obj: K8sObject) -> list[PodTemplate]:
    """Every pod template of ``obj`` (found once per object; callers must not change the list)."""
    if "pods" not in obj.memo:
        obj.memo["pods"] = _pod_templates(obj)
    return obj.memo["pods"]


def _pod_templates(obj: K8sObject) -> list[PodTemplate]:
    if obj.kind in _ARGO_KINDS and obj.group == "argoproj.io":
        return _argo_templates(obj)
    if obj.kind in _PODLESS_KINDS and obj.group in _BUILT_IN_GROUPS:
        return []  # most of a Helm stream: nothing to search
    found = []
    for rel in _built_in_pod_spec(obj) or _find_pod_specs(obj.data):
        spec = _get(obj.data, rel)
        pod = PodTemplate(obj, obj.path + rel, spec)
        _count_pods(pod, rel)
        pod.container_paths = _container_paths(pod.path, spec)
        found.append(pod)
    return found


# Where the built-in workload APIs hold their one pod spec (no search needed).
_BUILT_IN_POD_SPECS = {
    ("apps", "Deployment"): ("spec", "template", "spec"),
    ("apps", "StatefulSet"): ("spec", "template", "spec"),
    ("apps", "DaemonSet"): ("spec", "template", "spec"),
    ("apps", "ReplicaSet"): ("spec", "template", "spec"),
    ("batch", "Job"): ("spec", "template", "spec"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template", "spec"),
    ("", "Pod"): ("spec",),
}


def _built_in_pod_spec(obj: K8sObject) -> list[tuple] | None:
    """The pod spec of a built-in workload where its API puts it, or None (search instead)."""
    rel = _BUILT_IN_POD_SPECS.get((obj.group, obj.kind))
    if rel is None:
        return None
    node = obj.data
    for step in rel:
        node = node.get(step) if isinstance(node, dict) else None
    return [rel] if isinstance(node, dict) and isinstance(node.get("containers"), list) else None


def _selects(selector, labels: dict) -> bool:
    """Does a label selector match ``labels``? (matchLabels and In/NotIn/Exists)."""
    if not isinstance(selector, dict) or not labels:
        return False
    match = selector.get("matchLabels")
    if isinstance(match, dict) and any(labels.get(k) != v for k, v in match.items()):
        return False
    for expr in selector.get("matchExpressions") or ():
        if not isinstance(expr, dict):
            continue
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if not isinstance(key, str) or not isinstance(values, list):  # not a selector Kubernetes accepts
            return False
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return bool(match) or bool(selector.get("matchExpressions"))


def _get(root, path):
    for step in path:
        root = root[step]
    return root


def _find_pod_specs(root) -> Iterator[tuple]:
    """Paths of every mapping that has a `containers` list (not descending into it).

    Depth first over iterators, so memory is one frame per level (not one
    path per node), and each node is visited once: a node shared through
    aliases is found at its first path in document order, an alias bomb is
    walked in the size of its text."""
    if not isinstance(root, (dict, list)):
        return iter(())
    seen = {id(root)}
    results = []
    # frames: (iterator over (key, child), path cell); a path cell is (key, parent cell)
    stack = [(_children(root), None)]
    while stack:
        children, cell = stack[-1]
        for k, v in children:
            if not isinstance(v, (dict, list)) or id(v) in seen:
                continue
            seen.add(id(v))
            here = (k, cell)
            if isinstance(v, dict) and isinstance(v.get("containers"), list):
                results.append(_path_of(here))
            elif len(stack) < _MAX_DEPTH:
                stack.append((_children(v), here))
                break
        else:
            stack.pop()
    # Pod's own spec is also a mapping with containers; keep document order
    return iter(sorted(results, key=_path_order(root)))


def _children(node):
    if isinstance(node, dict):
        return ((k, v) for k, v in node.items() if k not in _SKIP_KEYS)
    return enumerate(node)


def _path_of(cell) -> tuple:
    steps = []
    while cell is not None:
        steps.append(cell[0])
        cell = cell[1]
    return tuple(reversed(steps))


def _path_order(root):
    def key(path):
        return tuple((0, s) if isinstance(s, int) else (1, str(s)) for s in path)

    return key


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _count_pods(pod: PodTemplate, rel: tuple) -> None:
    """How many pods the template asks for, and which value controls it.

    Every mapping that owns a `template`/`jobTemplate` on the way down
    multiplies in its `replicas` (Ray: `minReplicas`) or `parallelism`:
    Deployment replicas, Job parallelism, Kubeflow replica specs, JobSet
    replicas x parallelism. A templated count makes the total unknown."""
    obj = pod.obj
    if obj.kind == "DaemonSet":
        pod.replicas = None  # one per matching node
        return
    if obj.kind == "LeaderWorkerSet":
        _count_lws(pod, rel)
        return
    count, known, replicas_path = 1, True, None
    for i, step in enumerate(rel):
        if step not in _TEMPLATE_KEYS:
            continue
        owner = _get(obj.data, rel[:i])
        if not isinstance(owner, dict):
            continue
        if pod.role is None:
            name = owner.get("name", owner.get("groupName"))
            if isinstance(name, str):
                pod.role = name
            elif i and isinstance(rel[i - 1], str) and rel[i - 1] != "spec":
                pod.role = rel[i - 1]
        key = next((k for k in ("replicas", "parallelism", "minReplicas") if k in owner), None)
        if key is None:
            continue
        n = _int(owner[key])
        if n is None:
            known = False
            continue
        count *= max(n, 0)
        replicas_path = obj.path + rel[:i] + (key,)
    pod.replicas = count if known else None
    pod.replicas_path = replicas_path or obj.path + rel[:-1]


def _count_lws(pod: PodTemplate, rel: tuple) -> None:
    spec = pod.obj.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    lwt = spec.get("leaderWorkerTemplate")
    lwt = lwt if isinstance(lwt, dict) else {}
    groups = _int(spec.get("replicas", 1))
    size = _int(lwt.get("size", 1))
    which = rel[-2] if len(rel) >= 2 else None
    pod.role = scalar_text(which)
    if groups is None or size is None:
        pod.replicas = None
        return
    if which == "leaderTemplate":
        pod.replicas = groups
    elif "leaderTemplate" in lwt:
        pod.replicas = groups * max(size - 1, 0)
    else:
        pod.replicas = groups * size
    pod.replicas_path = pod.obj.at("spec", "replicas") if "replicas" in spec else pod.obj.at("spec")


def _container_paths(base: tuple, spec: dict) -> list[tuple[tuple, dict]]:
    out = []
    for key in ("initContainers", "containers"):
        items = spec.get(key)
        if isinstance(items, list):
            for i, c in enumerate(items):
                if isinstance(c, dict):
                    out.append((base + (key, i), c))
    return out


def _argo_templates(obj: K8sObject) -> list[PodTemplate]:
    spec = obj.data.get("spec")
    base = ("spec",)
    if obj.kind == "CronWorkflow" and isinstance(spec, dict):
        spec, base = spec.get("workflowSpec"), ("spec", "workflowSpec")
    if not isinstance(spec, dict) or not isinstance(spec.get("templates"), list):
        return []
    defaults = (obj.path + base, spec)
    found = []
    for i, tpl in enumerate(spec["templates"]):
        if not isinstance(tpl, dict):
            continue
        path = obj.path + base + ("templates", i)
        containers = []
        for key in ("container", "script"):
            if isinstance(tpl.get(key), dict):
                containers.append((path + (key,), tpl[key]))
        cset = tpl.get("containerSet")
        if isinstance(cset, dict) and isinstance(cset.get("containers"), list):
            containers += [(path + ("containerSet", "containers", j), c) for j, c in enumerate(cset["containers"]) if isinstance(c, dict)]
        if not containers:
            continue
        inits = tpl.get("initContainers")
        for j, c in enumerate(inits if isinstance(inits, list) else ()):
            if isinstance(c, dict):
                containers.insert(j, (path + ("initContainers", j), c))
        name = tpl.get("name")
        found.append(
            PodTemplate(obj, path, tpl, role=scalar_text(name) if name is not None else None, replicas=1,
                        replicas_path=path, defaults=defaults, container_paths=containers)
        )
    return found


# -- node selection -------------------------------------------------------------

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


# -- "targets HyperPod" (RULES.md) ----------------------------------------------------

def required_pairs(terms: list[Term]) -> list[tuple[str, str]]:
    """(key, value) of every required In/nodeSelector requirement."""
    return [(t.key, v) for t in terms if t.required and t.operator == "In"
            for v, _ in t.values if isinstance(v, str)]


def targets_hyperpod(terms: list[Term], prefix: str) -> bool:
    """What one pod template says by itself: a required selection on an `ml.`
    instance type or on any `sagemaker.amazonaws.com/*` node label."""
    for t in terms:
        if not t.required or t.operator not in ("In", "Exists"):
            continue
        if t.key.startswith(prefix):
            return True
        if any(isinstance(v, str) and v.startswith("ml.") for v, _ in t.values):
            return True
    return False


def targeting_facts(terms: list[Term], ctx) -> dict | None:
    """Facts for a rule that applies only to HyperPod-targeting pods.

    None: the pod cannot target HyperPod whatever the run holds (no required
    selection at all, and the configuration does not say every workload does)."""
    local = ctx.config.assume_hyperpod or targets_hyperpod(terms, ctx.data.hyperpod_prefix)
    pairs = required_pairs(terms)
    if not local and not pairs:
        return None
    return {"targets": local, "pairs": pairs}


def targets_in_run(facts: dict | None, run) -> bool:
    """Completes ``targeting_facts`` with the run: a selector on an instance-group
    name or on a custom label of an instance group also targets HyperPod."""
    if not facts:
        return False
    if facts.get("targets"):
        return True
    names = run.instance_group_names
    labels = run.instance_group_labels
    return any(value in names or (key, value) in labels for key, value in facts.get("pairs", ()))


def unless_scope_shows_hyperpod(finding, run):
    """RULES.md: a rule unsure that a workload targets HyperPod reports info unless its
    scope shows HyperPod (a HyperPod cluster or NodePool, or HyperPod-targeting workloads)."""
    return finding if run.shows_hyperpod or finding.severity == "info" else finding.with_(severity="info")


def cannot_reach_hyperpod(terms: list[Term], data) -> bool:
    """A required selection that only non-HyperPod nodes satisfy (an EKS node
    group, Fargate, a non-`ml.` instance type)."""
    for t in terms:
        if not t.required or t.operator != "In":
            continue
        if t.key in data.non_hyperpod_node_keys:
            return True
        if t.key in data.instance_type_keys:
            values = [v for v, _ in t.values if isinstance(v, str) and not is_placeholder(v)]
            if values and not any(v.startswith("ml.") or data.ml_form(v) for v in values):
                return True
    return False


# -- node agents and jobs (workloads.json) ----------------------------------------------

def image_matches(image, patterns) -> bool:
    """Is the image's repository one of ``patterns`` (`org/name`, any registry)?"""
    if not isinstance(image, str):
        return False
    repo, _ = image_parts(image)
    return any(repo == p or repo.endswith("/" + p) for p in patterns)


def excludes_hyperpod(terms: list[Term], data) -> bool:
    """``cannot_reach_hyperpod``, or a required selection that every HyperPod
    node fails: `DoesNotExist` on a label all HyperPod nodes carry, or `NotIn`
    all of its values."""
    if cannot_reach_hyperpod(terms, data):
        return True
    labels = {e["key"]: e.get("values") for e in data.workloads["hyperpod_node_labels"]["entries"]}
    for t in terms:
        if not t.required or t.key not in labels:
            continue
        if t.operator == "DoesNotExist":
            return True
        values = labels[t.key]
        if t.operator == "NotIn" and values and set(values) <= {v for v, _ in t.values if isinstance(v, str)}:
            return True
    return False


def is_training_job(obj: K8sObject, data) -> bool:
    """A distributed training job kind (Kubeflow, HyperPodPyTorchJob, JobSet ...)."""
    return (obj.group, obj.kind) in data.training_kinds


# -- instance types in plain fields (workloads.json `instance_type_fields`) ------------------

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
