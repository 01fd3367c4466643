"""HyperPod Helm chart component outside namespace `aws-hyperpod`.

## What it does
Reports the HyperPod Helm chart components that the chart puts in namespace
`aws-hyperpod` when a manifest places them in another namespace:

- the health-monitoring agent DaemonSets (`health-monitoring-agent`,
  `health-monitoring-agent-non-nvidia`, or any DaemonSet running the
  `hyperpod-health-monitoring-agent` image);
- the service accounts `health-monitoring-agent`,
  `deep-health-check-service-account` and `job-auto-restart`;
- RoleBinding and ClusterRoleBinding subjects naming those service accounts in
  another namespace.

Components are recognised from `schemas/helm-chart.json`: by image, or by
name with corroboration (a distinctive name, the sub-chart in the Helm
`# Source:` comment, or a binding to the chart's ClusterRole), so another
product's `health-monitoring-agent` is left alone. Components the chart itself
installs elsewhere (the NVIDIA, Neuron and EFA device plugins in
`kube-system`, the training operator in `kubeflow`, the MPI operator) are
never reported. An object without `metadata.namespace` goes to the namespace
of `helm template --namespace` / `kubectl apply`, which cannot be known
offline: it is not reported. Unrendered template text in the namespace is
reported as HP003.

## Why is this bad?
The HyperPod documentation states that the `aws-hyperpod` namespace name
cannot be changed: HyperPod's node-health features (health monitoring and
automatic node recovery, deep health checks, job auto-restart) expect the
chart's agent and service accounts there. Installed elsewhere, for example
by overriding the chart's `namespace` values, they are not the ones HyperPod
uses, and the resiliency features do not work as documented.

## Example
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deep-health-check-service-account
  namespace: hyperpod-system
```

## Use instead
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deep-health-check-service-account
  namespace: aws-hyperpod
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-install-packages-using-helm-chart.html
  (the `aws-hyperpod` namespace name cannot be changed)
- https://github.com/aws/sagemaker-hyperpod-cli/tree/main/helm_chart/HyperPodHelmChart
  (the chart's components)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.helmchart import component_of, pod_component
from hyperlint.templating import is_placeholder, unrendered

ID = "HP405"
NAME = "chart-component-outside-aws-hyperpod"
SEVERITY = "error"
TIER = "extended"
OBJECT_KINDS = ("ServiceAccount", "RoleBinding", "ClusterRoleBinding")

_BINDINGS = ("RoleBinding", "ClusterRoleBinding")


def check_pod(pod, ctx):
    component = pod_component(pod, ctx.data, _source(ctx))
    if component and component["namespace_fixed"]:
        obj = pod.obj
        hit = _judge(obj.metadata.get("namespace"), obj.at("metadata", "namespace"), component,
                     f"{obj.kind} {obj.name or '?'}", ctx)
        if hit:
            yield hit


def check_object(obj, ctx):
    if obj.kind == "ServiceAccount":
        component = component_of("ServiceAccount", obj.name, ctx.data, source=_source(ctx))
        if component and component["namespace_fixed"]:
            hit = _judge(obj.metadata.get("namespace"), obj.at("metadata", "namespace"), component,
                         f"ServiceAccount {obj.name}", ctx)
            if hit:
                yield hit
    elif obj.kind in _BINDINGS and obj.group == "rbac.authorization.k8s.io":
        yield from _subjects(obj, ctx)


def _subjects(obj, ctx):
    subjects = obj.data.get("subjects")
    ref = obj.data.get("roleRef")
    role = ref.get("name") if isinstance(ref, dict) else None
    if not isinstance(subjects, list):
        return
    for i, subject in enumerate(subjects):
        if not isinstance(subject, dict) or subject.get("kind") != "ServiceAccount":
            continue
        component = component_of("ServiceAccount", subject.get("name"), ctx.data, source=_source(ctx), role=role)
        if not component or not component["namespace_fixed"]:
            continue
        hit = _judge(subject.get("namespace"), obj.at("subjects", i, "namespace"), component,
                     f"service account {subject.get('name')} named in {obj.kind} {obj.name or '?'}", ctx)
        if hit:
            yield hit


def _source(ctx):
    return ctx.doc.source if ctx.doc is not None else None


def _judge(namespace, path, component, what, ctx):
    if namespace is None:
        return None  # the release / kubectl namespace: not knowable offline
    if is_placeholder(namespace):
        return unrendered(path, str(namespace), "namespace")
    expected = component["namespace"]
    if str(namespace) == expected:
        return None
    return Hit(path, f"{what} (HyperPod Helm chart, {component['subchart']} sub-chart) is in namespace "
                     f"'{namespace}', but HyperPod expects it in '{expected}', whose name cannot be changed; "
                     f"use namespace '{expected}' (keep the chart's namespace values at their defaults)")
