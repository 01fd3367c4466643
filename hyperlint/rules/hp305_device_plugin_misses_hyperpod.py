"""Device-plugin DaemonSet without the deep-health-check toleration, or never on HyperPod nodes.

## What it does
Checks DaemonSets of the NVIDIA, Neuron and EFA device plugins (recognised by
image or by name) that you install yourself, outside the HyperPod Helm chart:

- a plugin that can run on HyperPod nodes but does not tolerate the
  deep-health-check taint
  `sagemaker.amazonaws.com/node-health-status=Unschedulable:NoSchedule`;
- a plugin whose required instance-type selection lists only types without
  the `ml.` prefix (`p5.48xlarge`): HyperPod nodes are labelled
  `ml.p5.48xlarge`, so it never runs on them.

Plugins kept off HyperPod nodes (an EKS node group label, only instance
types HyperPod does not offer, or instance types that a non-HyperPod node
group or EC2 NodePool of the same scope provides) are not reported. A plugin
in a scope that shows no HyperPod (no HyperPod cluster or NodePool, no
HyperPod-targeting workload; see `hyperlint.scopes`) may belong to a plain
EKS cluster: the finding is info there.

## Why is this bad?
The device plugin is what advertises `nvidia.com/gpu`,
`aws.amazon.com/neuron` and `vpc.amazonaws.com/efa` on a node. HyperPod
taints a node while it runs deep health checks and when the health-monitoring
agent finds a fault; a plugin that does not tolerate the taint is not
scheduled there (after a restart, an upgrade or on a new node), so the node's
devices are not advertised. The HyperPod chart's readme requires every
plugin to tolerate the taint. A plugin that selects instance types without
`ml.` never lands on a HyperPod node at all, so GPU, Trainium and EFA
workloads there stay `Pending`.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nvidia-device-plugin
  namespace: kube-system
spec:
  selector:
    matchLabels: {name: nvidia-device-plugin}
  template:
    metadata:
      labels: {name: nvidia-device-plugin}
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: ml.p5.48xlarge
      tolerations:
        - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
      containers:
        - name: nvidia-device-plugin-ctr
          image: nvcr.io/nvidia/k8s-device-plugin:v0.16.1
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nvidia-device-plugin
  namespace: kube-system
spec:
  selector:
    matchLabels: {name: nvidia-device-plugin}
  template:
    metadata:
      labels: {name: nvidia-device-plugin}
    spec:
      nodeSelector:
        node.kubernetes.io/instance-type: ml.p5.48xlarge
      tolerations:
        - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
        - key: sagemaker.amazonaws.com/node-health-status
          operator: Equal
          value: Unschedulable
          effect: NoSchedule
      containers:
        - name: nvidia-device-plugin-ctr
          image: nvcr.io/nvidia/k8s-device-plugin:v0.16.1
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-install-packages-using-helm-chart.html
  (the chart's device plugins)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-labels.html
  (the deep-health-check taint)
- https://github.com/aws/sagemaker-hyperpod-cli/tree/main/helm_chart
  (chart readme: plugins you install yourself must tolerate the taint)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s_nodes import node_terms, tolerates, tolerations
from hyperlint.k8s_workloads import image_matches
from hyperlint.targeting import excludes_hyperpod, unless_scope_shows_hyperpod
from hyperlint.templating import is_placeholder

ID = "HP305"
NAME = "device-plugin-misses-hyperpod"
SEVERITY = "warning"
EMITS = ("warning", "info")
TIER = "extended"


def check_pod(pod, ctx):
    if not pod.is_daemonset:
        return
    plugin = _plugin(pod, ctx.data)
    if plugin is None:
        return
    data = ctx.data
    terms = node_terms(pod)
    types = sorted({v for t in terms if t.required and t.operator == "In" and t.key in data.instance_type_keys
                    for v, _ in t.values if isinstance(v, str)})
    missing = _misses_hyperpod(terms, data)
    if missing is not None:
        term, values = missing
        shown = ", ".join(values)
        fixed = ", ".join(data.ml_form(v) or v for v in values)
        yield Hit(term.path, f"{plugin['name']} selects only instance types without 'ml.' ({shown}): HyperPod nodes "
                             f"are labelled with the ml. names, so it never runs on them and their {plugin['resource']} "
                             f"is never advertised; select {fixed}", key=True, facts={"types": types})
    if excludes_hyperpod(terms, data):
        return
    taint = data.dhc_taint
    items = tolerations(pod)
    if any(tolerates(t, taint["key"], taint["value"], taint["effect"]) for _, t in items):
        return
    path, _ = pod.field("tolerations")
    shown = f"{taint['key']}={taint['value']}:{taint['effect']}"
    yield Hit(path or pod.path, f"{plugin['name']} does not tolerate the deep-health-check taint ({shown}): it is not "
                                f"scheduled on HyperPod nodes under deep health checks or tainted after a fault, so "
                                f"their {plugin['resource']} is not advertised; add the toleration {{key: {taint['key']}, "
                                f"operator: Equal, value: {taint['value']}, effect: {taint['effect']}}}",
              key=True, facts={"types": types})


def _plugin(pod, data) -> dict | None:
    name = (pod.obj.name or "").lower()
    for entry in data.workloads["device_plugins"]["entries"]:
        if any(image_matches(c.get("image"), entry["images"]) for _, c in pod.containers()):
            return entry
        if any(n in name for n in entry.get("names", ())):
            return entry
    return None


def _misses_hyperpod(terms, data):
    """(term, values) when every way the DaemonSet may schedule requires only
    instance types without `ml.`, one of which is a HyperPod type written
    without its prefix; else None."""
    always, alternatives = [], {}
    for t in terms:
        if t.key not in data.instance_type_keys or t.operator != "In" or not t.required:
            continue
        values = [v for v, _ in t.values]
        if not values or not all(isinstance(v, str) and not is_placeholder(v) for v in values):
            continue
        if any(v.strip().lower().startswith("ml.") for v in values):
            continue
        if t.place == "required":
            alternatives.setdefault(t.path[t.path.index("nodeSelectorTerms") + 1], []).append((t, values))
        else:
            always.append((t, values))
    n_alternatives = len({t.path[t.path.index("nodeSelectorTerms") + 1] for t in terms
                          if t.place == "required" and "nodeSelectorTerms" in t.path})
    missing = always or (
        [m for ms in alternatives.values() for m in ms] if n_alternatives and len(alternatives) == n_alternatives else [])
    return next(((t, values) for t, values in missing if any(data.ml_form(v) for v in values)), None)


def refine(finding, ctx):
    types = (finding.facts or {}).get("types")
    if types and all(ctx.run.non_hyperpod_provides(t) for t in types):
        return None  # the plugin of a non-HyperPod node group of this cluster
    return unless_scope_shows_hyperpod(finding, ctx.run)  # a device plugin of a cluster that may have no HyperPod
