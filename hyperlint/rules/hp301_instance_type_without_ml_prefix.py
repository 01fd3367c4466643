"""Instance-type selector without the `ml.` prefix.

## What it does
Checks every instance-type selector (`node.kubernetes.io/instance-type`,
`beta.kubernetes.io/instance-type`) in `nodeSelector`, node affinity
(required and preferred, `In` and `NotIn` values) and Karpenter NodePool
requirements. A value such as `p5.48xlarge` whose `ml.` form is a HyperPod
instance type is reported:

- as an **error** when the pod template targets HyperPod (it also selects
  an `ml.` type, a `sagemaker.amazonaws.com/*` label, or an instance group
  of the run), or the configuration says every workload does;
- as a **warning** when it may be meant for a non-HyperPod node group;
- not at all when the value is the instance type of a non-HyperPod node
  group defined in the same run (EKS managed or eksctl node groups).

## Why is this bad?
HyperPod nodes carry the SageMaker name of their type in the instance-type
labels: `ml.p5.48xlarge`, never `p5.48xlarge`. A selector without the
prefix matches no HyperPod node, so the pods stay `Pending` forever (or a
`NotIn` exclusion silently excludes nothing).

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
Safe: `hyperlint check --fix` adds the `ml.` prefix (never to template
placeholders).

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s import (
    karpenter_terms,
    node_terms,
    required_pairs,
    targets_hyperpod,
    targets_in_run,
)
from hyperlint.templating import is_placeholder, unrendered

ID = "HP301"
NAME = "instance-type-without-ml-prefix"
SEVERITY = "error"
TIER = "core"
FIX = "safe"

_KARPENTER_HYPERPOD_GROUP = "karpenter.sagemaker.amazonaws.com"


def check_pod(pod, ctx):
    yield from _check(node_terms(pod), ctx, False)


def check_object(obj, ctx):
    terms = karpenter_terms(obj)
    if terms:
        spec = obj.data["spec"]["template"]["spec"]
        ref = spec.get("nodeClassRef") if isinstance(spec.get("nodeClassRef"), dict) else {}
        yield from _check(terms, ctx, ref.get("group") == _KARPENTER_HYPERPOD_GROUP)


def _check(terms, ctx, hyperpod_nodeclass: bool):
    keys = ctx.data.instance_type_keys
    local = (hyperpod_nodeclass or ctx.config.assume_hyperpod
             or targets_hyperpod(terms, ctx.data.hyperpod_prefix))
    pairs = required_pairs(terms)
    for term in terms:
        if term.key not in keys or term.operator not in ("In", "NotIn"):
            continue
        for value, path in term.values:
            if is_placeholder(value):
                yield unrendered(path, value, "instance type")
                continue
            fixed = ctx.data.ml_form(value)
            if fixed is None:
                continue
            yield Hit(
                path,
                _message(value, fixed, term.operator, local),
                severity="error" if local else "warning",
                facts={"value": value, "fixed": fixed, "operator": term.operator, "targets": local, "pairs": pairs},
            )


def _message(value: str, fixed: str, operator: str, targets: bool) -> str:
    effect = "excludes no HyperPod node" if operator == "NotIn" else "matches no HyperPod node"
    text = f"instance type '{value}' has no 'ml.' prefix: HyperPod nodes are labelled '{fixed}', so this {effect}"
    if targets:
        return f"{text}; use '{fixed}'"
    return f"{text}; if this workload is meant for HyperPod, use '{fixed}'"


def refine(finding, ctx):
    facts = finding.facts or {}
    run = ctx.run
    if facts.get("value") in run.non_hyperpod_instance_types:
        return None  # the type of a non-HyperPod node group of this cluster: correct as written
    if not facts.get("targets") and targets_in_run(facts, run):
        return finding.with_(
            severity="error",
            message=_message(facts["value"], facts["fixed"], facts["operator"], True),
        )
    return finding
