"""HyperPod task governance add-on next to a self-installed Kueue, too old for the training operator, or on old EKS.

## What it does
When the run installs the task governance add-on
(`amazon-sagemaker-hyperpod-taskgovernance`: an `AWS::EKS::Addon`, a
Terraform `aws_eks_addon` or an eksctl add-on), reports:

- a Kueue installed from manifests in the same run (the
  `kueue-controller-manager` Deployment, a `kueue/kueue` image, or Kueue's
  `CustomResourceDefinition`s of group `kueue.x-k8s.io`): one finding, at the
  first of them;
- the add-on pinned (`AddonVersion`, eksctl `version`) below v1.3.0 while
  the run also installs the HyperPod training operator add-on (the operator's
  usage page: "you must use version v1.3.0-eksbuild.1 or higher"), at the
  version; an add-on without a pinned version is not judged;
- an EKS cluster of the run whose Kubernetes version is older than 1.30
  (`AWS::EKS::Cluster.Version`, eksctl `metadata.version`), at the version,
  when HyperPod itself supports that version (otherwise HP101 reports it:
  with HyperPod's current list, 1.30 to 1.35, only a configured list that
  allows older versions makes this part fire).

Add-on and Kueue must belong to the same EKS cluster when both name it. The
add-on's name, the Kueue markers and the minimum version are data
(`schemas/addons.json`). Both constraints come from AWS workshop material (a
secondary source): the rule is a warning.

## Why is this bad?
The task governance add-on installs and manages its own Kueue (v1.6 ships
Kueue v0.19.2) with HyperPod's webhooks, queues and priority classes. A
second Kueue fights it over the same CRDs and webhooks: one of the two
installations fails or silently admits jobs past the team quotas. The AWS
task governance workshop asks to "remove any existing installations of
Kueue" and for Kubernetes 1.30 or later.

## Example
```yaml
Resources:
  TaskGovernance:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: amazon-sagemaker-hyperpod-taskgovernance
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kueue-controller-manager
  namespace: kueue-system
spec:
  selector:
    matchLabels: {control-plane: controller-manager}
  template:
    metadata:
      labels: {control-plane: controller-manager}
    spec:
      containers:
        - name: manager
          image: registry.k8s.io/kueue/kueue:v0.10.1
```

## Use instead
```yaml
Resources:
  TaskGovernance:
    Type: AWS::EKS::Addon
    Properties:
      ClusterName: training
      AddonName: amazon-sagemaker-hyperpod-taskgovernance
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-governance-setup.html
- https://awslabs.github.io/ai-on-sagemaker-hyperpod/docs/add-ons/Task%20Governance
"""

from __future__ import annotations

from hyperlint.data import parse_version
from hyperlint.findings import RunHit

ID = "HP113"
NAME = "task-governance-conflicts"
SEVERITY = "warning"
TIER = "extended"


def check_run(model, ctx):
    for entry in ctx.data.addon_entries(ID):
        addons = [i for i in model.installed if i.kind == "addon" and i.name == entry["addon"]]
        if not addons:
            continue
        addon = addons[0]
        clusters = {i.cluster for i in addons}
        for conflict in entry.get("conflicts", ()):
            found = [i for i in model.installed if i.kind == "component" and i.name == conflict
                     and (i.cluster is None or None in clusters or i.cluster in clusters)]
            if found:
                name = ctx.data.components[conflict]["name"]
                yield RunHit(found[0].loc, f"{name} is installed here and the run also installs {entry['what']} "
                                           f"({entry['addon']}, {addon.loc.file}:{addon.loc.line}), which installs and "
                                           f"manages its own {name}; remove this installation",
                             related=(addon.loc,))
        yield from _version_with(model, entry, addons, clusters)
        minimum = entry.get("minimum_kubernetes")
        if not minimum:
            continue
        supported = set(ctx.data.kubernetes_versions)
        for version, loc in model.kubernetes_versions:
            parsed = parse_version(version)
            if version.strip() not in supported:
                continue  # HP101 reports a version HyperPod itself does not support
            if parsed is not None and parsed < parse_version(minimum):
                yield RunHit(loc, f"Kubernetes {version} is older than {minimum}, the oldest version {entry['what']} "
                                  f"({entry['addon']}, {addon.loc.file}:{addon.loc.line}) supports; upgrade the EKS "
                                  f"cluster to {minimum} or later", related=(addon.loc,))


def _version_with(model, entry: dict, addons: list, clusters: set):
    """The add-on pinned below the version another add-on of the cluster needs (judged
    only when the version is known)."""
    for need in entry.get("minimum_version_with", ()):
        others = [i for i in model.installed if i.kind == "addon" and i.name == need["addon"]
                  and (i.cluster is None or None in clusters or i.cluster in clusters)]
        if not others:
            continue
        minimum = parse_version(need["version"])
        if minimum is None:  # data without a version to compare with (a configured override)
            continue
        for addon in addons:
            version = parse_version(addon.version) if addon.version else None
            if version is None or version >= minimum:
                continue
            yield RunHit(addon.version_loc or addon.loc,
                         f"{entry['addon']} {addon.version} is older than v{need['version']}, the version "
                         f"{entry['what']} needs next to {need['addon']} ({others[0].loc.file}:{others[0].loc.line}); "
                         f"use v{need['version']}-eksbuild.1 or later", related=(others[0].loc,))
