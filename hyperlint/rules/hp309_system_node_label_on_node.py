"""Manifest sets a HyperPod-managed label on a Node.

## What it does
Reports `kind: Node` objects whose `metadata.labels` set a key under
`sagemaker.amazonaws.com/`, the labels HyperPod manages on its nodes:
`node-health-status`, `deep-health-check-status`, `fault-type(s)`,
`fault-reason(s)`, `instance-group-name`, `compute-type`, `cluster-name`
and any other key under that prefix.

One use is documented and not reported: an administrator may label a node
`sagemaker.amazonaws.com/node-health-status=UnschedulablePendingReplacement`
(or `UnschedulablePendingReboot`) to have HyperPod replace (or reboot) it.
The `BatchReplaceClusterNodes` and `BatchRebootClusterNodes` APIs are the
preferred way to do that, and a manifest kept in Git re-applies the label to
whatever node later has that name.

## Why is this bad?
HyperPod writes these labels from its health checks and its own
bookkeeping. A manifest that sets them fights HyperPod: a
`node-health-status: Schedulable` written by hand puts work on a node that is
under deep health checks or awaiting replacement, a hand-written fault label
triggers or hides recovery, and the values are overwritten at the next
check anyway. The prefix is reserved for HyperPod.

## Example
```yaml
apiVersion: v1
kind: Node
metadata:
  name: hyperpod-i-0123456789abcdef0
  labels:
    sagemaker.amazonaws.com/node-health-status: Schedulable
    team: research
```

## Use instead
```yaml
apiVersion: v1
kind: Node
metadata:
  name: hyperpod-i-0123456789abcdef0
  labels:
    team: research
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-labels.html
  (the labels HyperPod sets)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-manual.html
  (the one documented manual use: request replacement or reboot)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP309"
NAME = "system-node-label-on-node"
SEVERITY = "error"
TIER = "extended"
OBJECT_KINDS = ("Node",)


def check_object(obj, ctx):
    if obj.kind != "Node" or obj.api_version != "v1":
        return
    labels = obj.metadata.get("labels")
    if not isinstance(labels, dict):
        return
    table = ctx.data.workloads
    prefix = ctx.data.hyperpod_prefix
    known = {e["key"]: e["what"] for e in table["system_node_labels"]["entries"]}
    manual = {e["key"]: e.get("values", []) for e in table["manual_node_labels"]["entries"]}
    for key, value in labels.items():
        if not isinstance(key, str) or not key.startswith(prefix):
            continue
        path = obj.at("metadata", "labels", key)
        if key in manual:
            if is_placeholder(value):
                yield unrendered(path, value, f"{key} value")
                continue
            if value in manual[key]:
                continue  # the documented manual replace/reboot trigger
        what = known.get(key, f"a label under the reserved prefix {prefix}")
        hint = (f"; to have HyperPod replace or reboot the node, use {' or '.join(manual[key])} "
                f"(or the BatchReplaceClusterNodes/BatchRebootClusterNodes API)") if key in manual else ""
        yield Hit(path, f"'{key}' is managed by HyperPod ({what}); a manifest must not set it on a Node{hint}",
                  key=True)
