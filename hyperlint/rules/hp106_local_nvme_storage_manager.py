"""Local NVMe storage manager that runs on HyperPod nodes.

## What it does
Reports software that takes over the NVMe instance store of the nodes it
runs on:

- the EKS add-on `aws-ec2-local-instance-store-csi-driver`
  (`AWS::EKS::Addon` in CloudFormation, `addons` in an eksctl
  `ClusterConfig`);
- in manifests, the workloads of local-static-provisioner
  (sig-storage-local-static-provisioner), TopoLVM and OpenEBS LVM-LocalPV,
  recognised by their images. A DaemonSet is reported unless its required
  node selection keeps it off HyperPod nodes (an EKS node group label, only
  non-HyperPod instance types, `DoesNotExist` on a HyperPod node label, or a
  label only a non-HyperPod node group of the run has); other workloads
  (controllers) only when they target HyperPod.

On an EKS cluster not tied to HyperPod (no HyperPod cluster of its scope
names it, neither its file, stack description, name nor logical ID says
HyperPod or SageMaker, and the configuration does not say so; see
`hyperlint.scopes`) the finding is info.

## Why is this bad?
At boot the HyperPod AMI joins all NVMe instance-store drives into the LVM
volume group `vg.01`, mounted at `/opt/sagemaker`. A second manager of the
same disks conflicts with it and causes I/O failures; the EC2 instance-store
CSI driver even erases the ephemeral disks when it is installed. Use
`/opt/sagemaker` (hostPath) for node-local data instead. EBS, FSx, EFS and
Mountpoint for Amazon S3 CSI drivers are not affected. If the add-on is
already installed, uninstall it first, then replace the HyperPod nodes (a
few at a time) to get their NVMe storage back.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: topolvm-node
  namespace: topolvm-system
spec:
  selector:
    matchLabels: {app: topolvm-node}
  template:
    metadata:
      labels: {app: topolvm-node}
    spec:
      containers:
        - name: topolvm-node
          image: ghcr.io/topolvm/topolvm-with-sidecar:0.36.2
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: topolvm-node
  namespace: topolvm-system
spec:
  selector:
    matchLabels: {app: topolvm-node}
  template:
    metadata:
      labels: {app: topolvm-node}
    spec:
      nodeSelector:
        eks.amazonaws.com/nodegroup: storage   # EKS managed nodes only
      containers:
        - name: topolvm-node
          image: ghcr.io/topolvm/topolvm-with-sidecar:0.36.2
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (do not install a CSI driver that manages local NVMe storage)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-ebs.html
  (the AMI's LVM volume group `vg.01` at `/opt/sagemaker`, and the remedy order)
- https://docs.aws.amazon.com/eks/latest/userguide/lis-csi.html
  (the instance-store CSI driver erases the disks at install)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s_nodes import node_terms
from hyperlint.k8s_workloads import image_matches
from hyperlint.targeting import (
    excludes_hyperpod,
    required_pairs,
    targeting_facts,
    targets_in_run,
)
from hyperlint.templating import is_placeholder, unrendered

ID = "HP106"
NAME = "local-nvme-storage-manager"
SEVERITY = "error"
EMITS = ("error", "info")  # info: on an EKS cluster not tied to HyperPod
TIER = "extended"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl

_WHY = ("the HyperPod AMI already joins the NVMe instance store into LVM volume group vg.01 at /opt/sagemaker, "
        "and a second manager of those disks causes I/O failures")


def check_pod(pod, ctx):
    managers = ctx.data.workloads["local_storage_managers"]["entries"]
    for path, container in pod.containers():
        image = container.get("image")
        if not isinstance(image, str) or is_placeholder(image):
            continue
        manager = next((m for m in managers if image_matches(image, m["images"])), None)
        if manager is None:
            continue
        terms = node_terms(pod)
        if excludes_hyperpod(terms, ctx.data):
            return
        if pod.is_daemonset:
            facts = {"daemonset": True, "pairs": required_pairs(terms)}
            where = "runs on every node it is not kept off, HyperPod nodes included"
        else:
            facts = targeting_facts(terms, ctx)
            if facts is None:
                return
            where = "targets HyperPod nodes"
        yield Hit(path + ("image",),
                  f"{manager['name']} (image {image}) manages local NVMe disks and {where}: {_WHY}; keep it off "
                  f"HyperPod nodes (node affinity on a non-HyperPod node group) and use /opt/sagemaker for node-local data",
                  facts=facts)
        return  # one finding per workload


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::EKS::Addon"):
        for v in template.scalars(props.get("AddonName"), base + ("AddonName",)):
            hit = _addon(v.value, v.path, ctx, f"EKS add-on {v.value}{v.origin()}")
            if hit:
                yield hit


def check_object(obj, ctx):
    """eksctl `addons`."""
    if obj.eksctl_addons is None:
        return
    for i, item in enumerate(obj.data["addons"]):
        name = item.get("name") if isinstance(item, dict) else None
        hit = _addon(name, obj.at("addons", i, "name"), ctx, f"eksctl add-on {name}")
        if hit:
            yield hit


def _addon(name, path, ctx, subject):
    if is_placeholder(name):
        return unrendered(path, name, "EKS add-on name")
    if not isinstance(name, str) or name not in ctx.data.workloads["local_storage_managers"]["addons"]["names"]:
        return None
    return Hit(path, f"{subject} manages (and at install erases) the NVMe instance store of every node, HyperPod "
                     f"nodes included: {_WHY}; remove it (if installed: uninstall the add-on first, then replace "
                     f"the HyperPod nodes a few at a time) and use /opt/sagemaker for node-local data")


def refine(finding, ctx):
    facts = finding.facts
    if not facts:
        return finding  # an add-on: the whole cluster
    run = ctx.run
    if facts.get("daemonset"):
        others = {(str(k), str(v)) for ng in run.node_groups for k, v in ng.labels.items()}
        pinned = [p for p in facts.get("pairs", ()) if p in others and p not in run.instance_group_labels]
        return None if pinned else finding
    return finding if targets_in_run(facts, run) else None
