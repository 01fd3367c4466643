"""Value outside the closed set of a HyperPod-managed node label.

## What it does
HyperPod sets `sagemaker.amazonaws.com/node-health-status` to one of
`Schedulable`, `Unschedulable`, `UnschedulablePendingReplacement`,
`UnschedulablePendingReboot`, `sagemaker.amazonaws.com/deep-health-check-status`
to one of `InProgress`, `Passed`, `Failed`, and `sagemaker.amazonaws.com/compute-type`
to `hyperpod` on every node. This rule reports any other value used for these
keys in `nodeSelector`, node affinity (`In`/`NotIn`), Karpenter requirements
and tolerations, with the intended value when only the letter case is wrong.
An instance type under `compute-type` is the usual mistake: the finding says
to select it with `node.kubernetes.io/instance-type`; a placeholder named after
an instance type there (`${INSTANCE_TYPE}`) is a warning, since it renders one.

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
- `sagemaker.amazonaws.com/compute-type: hyperpod`: secondary (HyperPod add-on pods and AWS
  sample code select HyperPod nodes with it; see `schemas/labels.json`)
"""

from __future__ import annotations

import re

from hyperlint import lazy
from hyperlint.findings import Hit
from hyperlint.k8s_nodes import karpenter_terms, node_terms, tolerations
from hyperlint.safe import describe, scalar_text
from hyperlint.templating import is_placeholder, unrendered

ID = "HP303"
NAME = "label-value-outside-closed-set"
SEVERITY = "error"
EMITS = ("error", "warning")  # warning: a placeholder named after an instance type under compute-type
TIER = "core"
FIX = "safe"


def check_pod(pod, ctx):
    sets = ctx.data.closed_sets
    yield from _check_terms(node_terms(pod), sets, ctx.data)
    for path, tol in tolerations(pod):
        key = tol.get("key")
        if isinstance(key, str) and key in sets and (tol.get("operator") or "Equal") == "Equal" and "value" in tol:
            hit = _judge(key, tol["value"], path + ("value",), sets[key], ctx.data)
            if hit:
                yield hit


def check_object(obj, ctx):
    yield from _check_terms(karpenter_terms(obj), ctx.data.closed_sets, ctx.data)


def _check_terms(terms, sets, data):
    for term in terms:
        allowed = sets.get(term.key)
        if allowed is None or term.operator not in ("In", "NotIn"):
            continue
        for value, path in term.values:
            hit = _judge(term.key, value, path, allowed, data)
            if hit:
                yield hit


COMPUTE_TYPE = "sagemaker.amazonaws.com/compute-type"
_NAMED_INSTANCE_TYPE = lazy.pattern(r"instance[_-]?type", re.IGNORECASE)


def _judge(key, value, path, allowed, data=None):
    if is_placeholder(value):
        if key == COMPUTE_TYPE and _NAMED_INSTANCE_TYPE.search(value):
            return Hit(path, f"'{value[:80]}' renders an instance type, but {key} is "
                             f"{' or '.join(allowed)} on every HyperPod node, so the pod never schedules; select "
                             f"the instance type with node.kubernetes.io/instance-type and use {key}: "
                             f"{allowed[0]}", severity="warning")
        return unrendered(path, value, f"{key} value")
    if isinstance(value, str) and value in allowed:
        return None
    text = scalar_text(value)  # never str() of a mapping or list: it may be an alias bomb
    same_case = [a for a in allowed if text is not None and a.lower() == text.lower()]
    hint = f"; did you mean '{same_case[0]}'?" if same_case else ""
    if not same_case and key == COMPUTE_TYPE and isinstance(value, str) and data is not None and (
            value in data.instance_types or data.ml_form(value)):
        hint = (f"; '{value}' is an instance type: select it with node.kubernetes.io/instance-type "
                f"and use {key}: {allowed[0]}")
    if isinstance(value, str):
        shown = value if len(value) <= 200 else value[:200] + "..."
    else:
        shown = f"{describe(value)} (not a string)"
    return Hit(
        path,
        f"'{shown}' is not a value of {key} (one of {', '.join(allowed)}){hint}",
        facts={"value": value, "fixed": same_case[0]} if same_case and isinstance(value, str) else None,
    )
