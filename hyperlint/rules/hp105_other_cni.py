"""A CNI other than the Amazon VPC CNI is installed.

## What it does
Reports workloads that install another container network plugin: Calico,
Cilium, Flannel, Weave Net, Antrea, kube-router, Kube-OVN (their node
agents, operators and installers, recognised by image), and EKS add-ons of
such plugins in CloudFormation or eksctl. Setups that run Calico, Cilium or
Antrea for network policy only, on top of the VPC CNI, are not reported:
`CALICO_NETWORKING_BACKEND=none`, a Tigera `Installation` with
`cni.type: AmazonVPC`, Cilium's `cni-chaining-mode: aws-cni` (or `CILIUM_CNI_CHAINING_MODE=aws-cni`), Antrea's
`networkPolicyOnly` mode.

On an EKS cluster not tied to HyperPod (no HyperPod cluster of its scope
names it, neither its file, stack description, name nor logical ID says
HyperPod or SageMaker, and the configuration does not say so; see
`hyperlint.scopes`) the finding is info.

## Why is this bad?
The Amazon VPC CNI is the only CNI HyperPod supports (the EKS prerequisites
page). HyperPod's pod networking (one network interface per instance, the
max-pods table) is the VPC CNI's; what breaks under another plugin is not
documented.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-flannel-ds
  namespace: kube-flannel
spec:
  selector:
    matchLabels: {app: flannel}
  template:
    metadata:
      labels: {app: flannel}
    spec:
      hostNetwork: true
      containers:
        - name: kube-flannel
          image: docker.io/flannel/flannel:v0.25.1
```

## Use instead
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: amazon-vpc-cni
  namespace: kube-system
data:
  enable-network-policy-controller: "true"
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (the Amazon VPC CNI is the only supported CNI)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s_workloads import image_matches
from hyperlint.templating import is_placeholder

ID = "HP105"
NAME = "other-cni"
SEVERITY = "error"
EMITS = ("error", "info")  # info: on an EKS cluster not tied to HyperPod
TIER = "core"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl


def check_pod(pod, ctx):
    for path, container in pod.containers():
        image = container.get("image")
        if not isinstance(image, str) or is_placeholder(image):
            continue
        cni = _cni_of_image(image, ctx)
        if cni is None or _policy_only_env(container, cni):
            continue
        yield Hit(path + ("image",), _message(f"{cni['name']} (image {image})"), facts={"cni": cni["name"]})
        return  # one finding per workload


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::EKS::Addon"):
        for v in template.scalars(props.get("AddonName"), base + ("AddonName",)):
            if isinstance(v.value, str) and _other_cni_addon(v.value, ctx):
                yield Hit(v.path, _message(f"EKS add-on {v.value}{v.origin()}"))


def check_object(obj, ctx):
    """eksctl `addons`."""
    if obj.eksctl_addons is None:
        return
    for i, item in enumerate(obj.data["addons"]):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and _other_cni_addon(name, ctx):
            yield Hit(obj.at("addons", i, "name"), _message(f"eksctl add-on {name}"))


def _other_cni_addon(name: str, ctx) -> bool:
    lowered = name.lower()
    return any(p in lowered for p in ctx.data.cni["addon_patterns"]["substrings"])


def _cni_of_image(image: str, ctx):
    return next((entry for entry in ctx.data.cni["entries"] if image_matches(image, entry["images"])), None)


def _policy_only_env(container: dict, cni: dict) -> bool:
    wanted = cni.get("policy_only_env")
    env = container.get("env")
    if not wanted or not isinstance(env, list):
        return False
    values = {e.get("name"): e.get("value") for e in env if isinstance(e, dict) and isinstance(e.get("name"), str)}
    return all(values.get(k) == v for k, v in wanted.items())


def _message(subject: str) -> str:
    return (f"{subject} is a CNI other than the Amazon VPC CNI, the only CNI HyperPod supports; "
            f"remove it (or run it in network-policy-only mode on top of the VPC CNI)")


def refine(finding, ctx):
    cni = (finding.facts or {}).get("cni")
    return None if ("cni-policy-only", cni) in ctx.run.markers else finding
