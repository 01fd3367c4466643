"""Kubernetes objects and pod templates, on plain data.

``pod_templates(obj)`` finds every PodSpec in an object: the well-known
workload kinds, Kubeflow and HyperPod training jobs, Ray, JobSet,
LeaderWorkerSet, Argo Workflows, and any other CRD (searched generically for
a mapping with a ``containers`` list). Paths are absolute within the
document, ready for findings. Node selection is in ``k8s_nodes``, images and
workload kinds in ``k8s_workloads``, the "targets HyperPod" policy in
``targeting``.

Trees come from untrusted files: a value may be shared thousands of times
through YAML aliases, nested thousands of levels deep, or of any type where a
string is expected. Nothing here converts a value it has not checked to be a
scalar (``hyperlint.safe.scalar_text``), and the generic pod-template search
visits each node once, at most ``_MAX_DEPTH`` levels down, without recursion.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

from .record import Record
from .safe import scalar_text

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

    __slots__ = ("path", "data", "api_version", "kind", "memo", "metadata", "group")
    _quiet = ("memo", "metadata", "group")

    def __init__(self, path: tuple, data: dict, api_version: str, kind: str, memo: dict | None = None,
                 metadata: dict | None = None, group: str | None = None) -> None:
        self.path = path  # where the object sits in its document: () or ("items", i)
        self.data = data
        self.api_version = api_version
        self.kind = kind
        self.memo = {} if memo is None else memo  # what rules ask again and again
        # asked for by every rule: worked out once (``metadata`` and ``group`` are derived, never passed)
        meta = data.get("metadata")
        self.metadata: dict = meta if isinstance(meta, dict) else {}
        self.group: str = api_version.split("/", 1)[0] if "/" in api_version else ""

    @property
    def name(self) -> str | None:
        name = self.metadata.get("name")
        return scalar_text(name) if name is not None else None

    @property
    def namespace(self) -> str | None:
        ns = self.metadata.get("namespace")
        return scalar_text(ns) if ns is not None else None

    @property
    def is_eksctl_cluster(self) -> bool:
        """An eksctl `ClusterConfig` (`eksctl.io/v1alpha5`)."""
        return self.kind == "ClusterConfig" and self.group == "eksctl.io"

    @property
    def eksctl_addons(self) -> list | None:
        """The `addons` list of an eksctl ClusterConfig; None for anything else."""
        addons = self.data.get("addons") if self.is_eksctl_cluster else None
        return addons if isinstance(addons, list) else None

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
    node: object = obj.data
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
    stack: list[tuple[Iterator, tuple | None]] = [(_children(root), None)]
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
    base: tuple[str, ...] = ("spec",)
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
