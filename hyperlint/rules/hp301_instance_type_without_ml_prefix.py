"""Instance type without the `ml.` prefix in a selector or an inference resource.

## What it does
Checks every instance-type selector (`node.kubernetes.io/instance-type`,
`beta.kubernetes.io/instance-type`) in `nodeSelector`, node affinity
(required and preferred, `In` and `NotIn` values) and Karpenter NodePool
requirements. A value such as `p5.48xlarge` whose `ml.` form is a HyperPod
instance type is reported:

- as an **error** when the pod template targets HyperPod (it also selects
  an `ml.` type, a `sagemaker.amazonaws.com/*` label, or an instance group
  or group label of its scope), or the configuration says every workload
  does;
- when it may be meant for a non-HyperPod node group (nothing else in the
  selection is HyperPod's, or a list holds `ml.` types beside EC2 ones
  where nothing makes the selection HyperPod-only), the severity follows
  its scope (`hyperlint.scopes`): a **warning** when the scope shows
  HyperPod (a HyperPod cluster or NodePool, or HyperPod-targeting
  workloads) and has no non-HyperPod node group; **info** otherwise;
- not at all where the EC2 name is clearly meant: beside its own `ml.`
  twin in the same list, in the type list of a DaemonSet (a device plugin
  for HyperPod and EC2 nodes alike) or of a DaemonSet that does not target
  HyperPod, in a Karpenter NodePool whose `nodeClassRef` is not HyperPod's
  (`HyperpodNodeClass`), or as a type that a non-HyperPod node group of its
  scope provides: EKS managed or eksctl node groups, or an EKS Auto Mode or
  Karpenter NodePool on EC2 whose requirements admit it (instance type,
  family such as `p5`, or category such as `p`; a NodePool without such
  requirements admits any type).

It also checks the instance types that HyperPod Inference Operator resources
(API group `inference.sagemaker.aws.amazon.com`, `v1alpha1` and `v1`) name
in plain fields: `spec.instanceType` and every item of `spec.instanceTypes`
of an `InferenceEndpointConfig`, and `spec.server.instanceType` of a
`JumpStartModel`. These always run on HyperPod nodes, so a value without
the prefix is an **error** there, whatever else the cluster runs.

## Why is this bad?
HyperPod nodes carry the SageMaker name of their type in the instance-type
labels: `ml.p5.48xlarge`, never `p5.48xlarge`. A selector without the
prefix matches no HyperPod node, so the pods stay `Pending` forever (or a
`NotIn` exclusion silently excludes nothing). The inference operator takes
the same names: its resources ask for `ml.g5.8xlarge`, and an
`instanceType` without the prefix is refused or never gets a node.

## Example
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: p5.48xlarge
            sagemaker.amazonaws.com/node-health-status: Schedulable
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
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xlarge
            sagemaker.amazonaws.com/node-health-status: Schedulable
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
```

## Fix
Safe where the template targets HyperPod and in inference resources:
`hyperlint check --fix` adds the `ml.` prefix (never to template
placeholders, which are reported as HP003). Where it only may be meant
for HyperPod (a warning or info), only `--unsafe-fixes` adds it.

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (scheduling constraints use the `ml.` name)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-model-deployment-deploy-ftm.html
  (`InferenceEndpointConfig` `instanceType`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-model-deployment-deploy-js-kubectl.html
  (`JumpStartModel` `server.instanceType`)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s_nodes import karpenter_terms, node_terms
from hyperlint.k8s_workloads import instance_type_fields
from hyperlint.targeting import required_pairs, targets_hyperpod, targets_in_run
from hyperlint.templating import is_placeholder, unrendered

ID = "HP301"
NAME = "instance-type-without-ml-prefix"
SEVERITY = "error"
EMITS = ("error", "warning", "info")  # error on HyperPod pods; warning or info when the target is unsure
TIER = "core"
FIX = "safe"

_KARPENTER_HYPERPOD_GROUP = "karpenter.sagemaker.amazonaws.com"


def check_pod(pod, ctx):
    terms = node_terms(pod)
    local = ctx.config.assume_hyperpod or targets_hyperpod(terms, ctx.data.hyperpod_prefix)
    if pod.is_daemonset and not local:
        return  # node agents for EC2 node groups (HP305 covers device plugins HyperPod needs)
    yield from _check(terms, ctx, local, False, pod.is_daemonset)  # assumed targeting leaves EC2 twins alone


def check_object(obj, ctx):
    yield from _check_fields(obj, ctx)
    terms = karpenter_terms(obj)
    if not terms:
        return
    spec = obj.data["spec"]["template"]["spec"]
    ref = spec.get("nodeClassRef") if isinstance(spec.get("nodeClassRef"), dict) else {}
    group = ref.get("group")
    if isinstance(group, str) and group and group != _KARPENTER_HYPERPOD_GROUP:
        return  # an EC2NodeClass (or another provider's): EC2 instance names are right there
    strict = group == _KARPENTER_HYPERPOD_GROUP or ctx.config.assume_hyperpod
    yield from _check(terms, ctx, strict, strict, False)


def _check_fields(obj, ctx):
    """Instance types named in plain fields (HyperPod Inference Operator resources):
    they always run on HyperPod, so an EC2 name is an error wherever else it is used."""
    for value, path in instance_type_fields(obj, ctx.data):
        if is_placeholder(value):
            yield unrendered(path, value, "instance type")
            continue
        fixed = ctx.data.ml_form(value)
        if fixed is None:
            continue
        yield Hit(
            path,
            _message(value, fixed, f"{obj.kind} runs on no HyperPod node", True),
            severity="error",
            facts={"value": value, "fixed": fixed, "operator": "In", "targets": True, "pairs": [],
                   "unsafe_fix": False, "field": True},
        )


def _check(terms, ctx, local: bool, strict: bool, daemonset: bool):
    """``local``: the terms target HyperPod; ``strict``: only HyperPod nodes can match.

    A list that holds `ml.` types beside EC2 ones (and nothing else makes the
    selection HyperPod-only) is meant for both kinds of node: an EC2 name whose
    `ml.` twin is listed too is right, and a DaemonSet's list of every type its
    agent supports is right as a whole."""
    keys = ctx.data.instance_type_keys
    pairs = required_pairs(terms)
    for term in terms:
        if term.key not in keys or term.operator not in ("In", "NotIn"):
            continue
        listed = {v for v, _ in term.values if isinstance(v, str) and v.startswith("ml.")}
        mixed = bool(listed) and not strict and not targets_hyperpod([t for t in terms if _anded(t, term)],
                                                                     ctx.data.hyperpod_prefix)
        if mixed and daemonset:
            continue
        targets = local and not mixed
        for value, path in term.values:
            if is_placeholder(value):
                yield unrendered(path, value, "instance type")
                continue
            fixed = ctx.data.ml_form(value)
            if fixed is None or mixed and fixed in listed:
                continue
            yield Hit(
                path,
                _message(value, fixed, _effect(term.operator), targets),
                severity="error" if targets else "warning",
                facts={"value": value, "fixed": fixed, "operator": term.operator, "targets": targets, "pairs": pairs,
                       "unsafe_fix": not targets},
            )


def _anded(other, term) -> bool:
    """Whether ``other`` must hold together with ``term``: a nodeSelector entry, or an
    expression of the same required nodeSelectorTerm (separate terms are alternatives)."""
    if other is term:
        return False
    if other.place != "required" or term.place != "required":
        return True
    return _selector_term(other.path) == _selector_term(term.path)


def _selector_term(path: tuple):
    return path[:path.index("nodeSelectorTerms") + 2] if "nodeSelectorTerms" in path else path


def _effect(operator: str) -> str:
    return "excludes no HyperPod node" if operator == "NotIn" else "matches no HyperPod node"


def _message(value: str, fixed: str, effect: str, targets: bool) -> str:
    text = f"instance type '{value}' has no 'ml.' prefix: HyperPod nodes are labelled '{fixed}', so this {effect}"
    if targets:
        return f"{text}; use '{fixed}'"
    return f"{text}; if this workload is meant for HyperPod, use '{fixed}'"


def refine(finding, ctx):
    """Severity by scope: error when the pod template targets HyperPod
    (by its own selectors or an instance group of its scope); silent when a non-HyperPod
    node group of the scope provides the type; warning when the scope shows HyperPod and
    has no non-HyperPod node group; info otherwise."""
    facts = finding.facts or {}
    run = ctx.run
    if facts.get("field"):
        return finding  # an inference resource: it runs on HyperPod whatever else the cluster has
    text = _message(facts["value"], facts["fixed"], _effect(facts["operator"]), True)
    if facts.get("targets") or targets_in_run(facts, run):
        return finding.with_(severity="error", message=text, facts={**facts, "unsafe_fix": False})
    if run.non_hyperpod_provides(facts["value"]):
        return None  # the type of a non-HyperPod node group of this cluster: correct as written
    if run.shows_hyperpod and not run.node_groups:
        return finding.with_(severity="warning")
    return finding.with_(severity="info")
