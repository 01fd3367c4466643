"""Amazon VPC CNI older than 1.18.3.

## What it does
Finds the version of the Amazon VPC CNI wherever it is pinned and reports
versions older than 1.18.3:

- the `amazon-k8s-cni` / `amazon-k8s-cni-init` images of a self-managed
  `aws-node` DaemonSet (`...:v1.16.4`);
- an `AWS::EKS::Addon` named `vpc-cni` with `AddonVersion` (`v1.16.0-eksbuild.1`),
  also through `!Ref` to a parameter's default and allowed values;
- the `vpc-cni` entry of eksctl `addons`.

Image tags that are digests or template placeholders are not judged; an
add-on without `AddonVersion` gets EKS's default for the cluster version and
is not reported.

On an EKS cluster not tied to HyperPod (no HyperPod cluster of its scope
names it, neither its file, stack description, name nor logical ID says
HyperPod or SageMaker, and the configuration does not say so; see
`hyperlint.scopes`) the finding is info.

## Why is this bad?
HyperPod requires the Amazon VPC CNI 1.18.3 or later (the EKS
prerequisites page). The page states only the requirement, not how an older
plugin fails: upgrade rather than find out.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: aws-node
  namespace: kube-system
spec:
  selector:
    matchLabels: {k8s-app: aws-node}
  template:
    metadata:
      labels: {k8s-app: aws-node}
    spec:
      hostNetwork: true
      containers:
        - name: aws-node
          image: 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.16.4
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: aws-node
  namespace: kube-system
spec:
  selector:
    matchLabels: {k8s-app: aws-node}
  template:
    metadata:
      labels: {k8s-app: aws-node}
    spec:
      hostNetwork: true
      containers:
        - name: aws-node
          image: 602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2
```

## Terraform
`aws_eks_addon`/`awscc_eks_addon` `vpc-cni` with `addon_version`, and the
`vpc-cni` entry of the EKS module's `cluster_addons`/`addons`:
```hcl
resource "aws_eks_addon" "vpc_cni" {
  cluster_name  = "hyperpod-eks"
  addon_name    = "vpc-cni"
  addon_version = "v1.16.0-eksbuild.1"
}
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (Amazon VPC CNI 1.18.3 or later; `schemas/eks.json` `vpc_cni`)
- https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html
  (add-on version format)
"""

from __future__ import annotations

from hyperlint.data import parse_version
from hyperlint.findings import Hit
from hyperlint.k8s_workloads import image_parts
from hyperlint.templating import is_placeholder, unrendered

ID = "HP104"
NAME = "vpc-cni-too-old"
SEVERITY = "error"
EMITS = ("error", "info")  # info: on an EKS cluster not tied to HyperPod
TIER = "core"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl


def check_pod(pod, ctx):
    images = set(ctx.data.eks["vpc_cni"]["images"])
    for path, container in pod.containers():
        image = container.get("image")
        if not isinstance(image, str):
            continue
        repo, tag = image_parts(image)
        if repo.rsplit("/", 1)[-1] in images and tag and is_placeholder(tag):
            yield unrendered(path + ("image",), image, "VPC CNI image")
        elif repo.rsplit("/", 1)[-1] in images and tag:
            hit = _judge(tag, path + ("image",), ctx, f"image {repo.rsplit('/', 1)[-1]}:{tag}")
            if hit:
                yield hit


def check_cfn(template, ctx):
    addon = ctx.data.eks["vpc_cni"]["addon_name"]
    for v in template.addon_versions(addon):
        if isinstance(v.value, str) and is_placeholder(v.value):
            yield unrendered(v.path, v.value, f"{addon} add-on version")
        elif isinstance(v.value, str):
            hit = _judge(v.value, v.path, ctx, f"{addon} add-on version {v.value}{v.origin()}")
            if hit:
                yield hit


def check_object(obj, ctx):
    """eksctl `addons: [{name: vpc-cni, version: ...}]`."""
    if obj.eksctl_addons is None:
        return
    addon = ctx.data.eks["vpc_cni"]["addon_name"]
    for i, item in enumerate(obj.data["addons"]):
        if isinstance(item, dict) and item.get("name") == addon and isinstance(item.get("version"), str):
            version = item["version"]
            if is_placeholder(version):
                yield unrendered(obj.at("addons", i, "version"), version, f"{addon} add-on version")
            else:
                hit = _judge(version, obj.at("addons", i, "version"), ctx, f"{addon} add-on version {version}")
                if hit:
                    yield hit


def _judge(version_text, path, ctx, what: str):
    """A Hit when ``version_text`` is older than the minimum; ``what`` names where it is pinned."""
    version = parse_version(version_text)
    minimum = ctx.data.vpc_cni_minimum
    if version is None or version >= minimum:
        return None
    need = ".".join(map(str, minimum))
    return Hit(path, f"{what} is older than {need}, the minimum Amazon VPC CNI version HyperPod supports; "
                     f"upgrade to {need} or later "
                     f"({ctx.data.provenance('eks', 'vpc_cni', 'vpc_cni_minimum_version')})")
