"""`KubernetesConfig` label or taint key with a reserved prefix.

## What it does
Checks the keys of `KubernetesConfig.Labels` and `KubernetesConfig.Taints[*].Key`
of every instance group of an `AWS::SageMaker::Cluster` (taint keys also
through `!Ref` to a parameter's default and allowed values) and reports
keys whose prefix is reserved: `kubernetes.io/`, `k8s.io/`,
`sagemaker.amazonaws.com/`, `eks.amazonaws.com/`, `k8s.aws/`, `karpenter.sh/`
and their subdomains (`node.kubernetes.io/`, `node-role.kubernetes.io/`,
`topology.k8s.aws/` ...). The prefixes are data (`schemas/labels.json`,
`reserved_prefixes`).

Only the reserved prefixes are checked here. Keys and values that do not
match the `CreateCluster` API patterns (which CloudFormation's own schema
does not check) are a different fact and not reported by this rule.

## Why is this bad?
Labels and taints under these prefixes belong to Kubernetes, EKS, Karpenter
and HyperPod itself (instance type, health status, instance group name ...).
The HyperPod custom labels and taints page reserves them: `KubernetesConfig`
must not set them. Were they applied, they would fake or fight
system-managed values that schedulers, Karpenter and HyperPod's health
checks rely on.

## Example
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
          KubernetesConfig:
            Labels:
              node-role.kubernetes.io/training: "true"
```

## Use instead
```yaml
Resources:
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
          KubernetesConfig:
            Labels:
              example.com/role: training
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-custom-labels-and-taints.html
  (the reserved prefixes; `schemas/labels.json` `reserved_prefixes`)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterKubernetesConfig.html
  (`Labels`, `Taints`)
- https://kubernetes.io/docs/reference/labels-annotations-taints/
  (the Kubernetes-owned keys)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP208"
NAME = "reserved-kubernetes-config-key"
SEVERITY = "error"
TIER = "extended"


def check_cfn(template, ctx):
    prefixes = ctx.data.reserved_prefixes
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            config = group.get("KubernetesConfig")
            if not isinstance(config, dict):
                continue
            name = template.group_label(group, path)
            cpath = path + ("KubernetesConfig",)
            labels = config.get("Labels")
            if isinstance(labels, dict) and not _intrinsic(labels):
                for key in labels:
                    hit = _judge(key, cpath + ("Labels", key), "label", name, prefixes, at_key=True)
                    if hit:
                        yield hit
            taints = config.get("Taints")
            for i, taint in enumerate(taints if isinstance(taints, list) else ()):
                if not isinstance(taint, dict):
                    continue
                for v in template.scalars(taint.get("Key"), cpath + ("Taints", i, "Key")):
                    hit = _judge(v.value, v.path, "taint", name, prefixes, origin=v.origin())
                    if hit:
                        yield hit


def _judge(label_key, path, what: str, group, prefixes, at_key: bool = False, origin: str = ""):
    if not isinstance(label_key, str):
        return None
    if is_placeholder(label_key):
        return unrendered(path, label_key, f"{what} key")
    prefix = reserved_prefix(label_key, prefixes)
    if prefix is None:
        return None
    domain = label_key.partition("/")[0]
    under = f"the reserved prefix {prefix}"
    if domain.lower() != prefix[:-1]:
        under = f"{domain}/, a subdomain of {under}"
    return Hit(path, f"{what} key '{label_key}'{origin} of instance group {group} is under {under}; HyperPod "
                     f"does not accept reserved prefixes in KubernetesConfig: use a key without a prefix or under "
                     f"your own domain (example.com/...)", key=at_key)


def reserved_prefix(key: str, prefixes) -> str | None:
    """The reserved prefix (`kubernetes.io/`) a label or taint key falls under, itself or as a subdomain."""
    domain, sep, _ = key.partition("/")
    if not sep:
        return None
    domain = domain.lower()
    for prefix in prefixes:
        root = prefix.rstrip("/").lower()
        if domain == root or domain.endswith("." + root):
            return prefix
    return None


def _intrinsic(mapping: dict) -> bool:
    return len(mapping) == 1 and next(iter(mapping)).startswith(("Fn::", "Ref"))
