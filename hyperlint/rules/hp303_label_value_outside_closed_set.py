"""Value outside the closed set of a HyperPod-managed node label.

## What it does
HyperPod sets `sagemaker.amazonaws.com/node-health-status` to one of
`Schedulable`, `Unschedulable`, `UnschedulablePendingReplacement`,
`UnschedulablePendingReboot`, and `sagemaker.amazonaws.com/deep-health-check-status`
to one of `InProgress`, `Passed`, `Failed`. This rule reports any other value
used for these keys in `nodeSelector`, node affinity (`In`/`NotIn`),
Karpenter requirements and tolerations, with the intended value when only
the letter case is wrong.

## Why is this bad?
Label values are case-sensitive. `schedulable` or `Healthy` never matches a
node, so the pod never schedules; in a `NotIn` or a toleration it silently
does nothing.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: eval
spec:
  template:
    spec:
      nodeSelector:
        sagemaker.amazonaws.com/node-health-status: schedulable
      containers:
        - name: main
          image: my-registry/eval:1.0
      restartPolicy: Never
```

## Use instead
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: eval
spec:
  template:
    spec:
      nodeSelector:
        sagemaker.amazonaws.com/node-health-status: Schedulable
      containers:
        - name: main
          image: my-registry/eval:1.0
      restartPolicy: Never
```

## Fix
Safe when only the letter case differs (`schedulable` -> `Schedulable`).

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-labels.html
  (the values of `node-health-status` and `deep-health-check-status`; `schemas/labels.json` `closed_sets`)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s import karpenter_terms, node_terms, tolerations
from hyperlint.safe import describe, scalar_text
from hyperlint.templating import is_placeholder, unrendered

ID = "HP303"
NAME = "label-value-outside-closed-set"
SEVERITY = "error"
TIER = "core"
FIX = "safe"


def check_pod(pod, ctx):
    sets = ctx.data.closed_sets
    yield from _check_terms(node_terms(pod), sets)
    for path, tol in tolerations(pod):
        key = tol.get("key")
        if isinstance(key, str) and key in sets and (tol.get("operator") or "Equal") == "Equal" and "value" in tol:
            hit = _judge(key, tol["value"], path + ("value",), sets[key])
            if hit:
                yield hit


def check_object(obj, ctx):
    yield from _check_terms(karpenter_terms(obj), ctx.data.closed_sets)


def _check_terms(terms, sets):
    for term in terms:
        allowed = sets.get(term.key)
        if allowed is None or term.operator not in ("In", "NotIn"):
            continue
        for value, path in term.values:
            hit = _judge(term.key, value, path, allowed)
            if hit:
                yield hit


def _judge(key, value, path, allowed):
    if is_placeholder(value):
        return unrendered(path, value, f"{key} value")
    if isinstance(value, str) and value in allowed:
        return None
    text = scalar_text(value)  # never str() of a mapping or list: it may be an alias bomb
    same_case = [a for a in allowed if text is not None and a.lower() == text.lower()]
    hint = f"; did you mean '{same_case[0]}'?" if same_case else ""
    if isinstance(value, str):
        shown = value if len(value) <= 200 else value[:200] + "..."
    else:
        shown = f"{describe(value)} (not a string)"
    return Hit(
        path,
        f"'{shown}' is not a value of {key} (one of {', '.join(allowed)}){hint}",
        facts={"value": value, "fixed": same_case[0]} if same_case and isinstance(value, str) else None,
    )
