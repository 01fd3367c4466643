"""`KubernetesConfig` label or taint key or value that the API pattern refuses.

## What it does
Checks every key and value of `KubernetesConfig.Labels` and every
`Taints[*].Key` / `Value` of the instance groups of an
`AWS::SageMaker::Cluster` (also a create-cluster or describe-cluster
document, and values through `!Ref` to a parameter's default and allowed
values) against the `CreateCluster` API's length limits and patterns:

- a value is at most 63 characters of letters, digits, `-`, `_` and `.`,
  starting and ending with a letter or digit (no spaces, `/` or `:`);
- a key is an optional DNS-subdomain prefix and `/`, then a name like a
  value; at most 317 characters.

The limits and patterns are data generated from the API model
(`schemas/cluster-api.json`, `kubernetes_labels` and `kubernetes_taints`:
the shapes `ClusterKubernetesLabelKey`/`Value` and
`ClusterKubernetesTaintKey`/`Value`). Reserved prefixes are HP208's.

## Why is this bad?
CloudFormation's schema for these properties only asks for a non-empty
string (`^.+$`), so the template validates and the stack starts; the
SageMaker API then refuses the cluster or the update, and the stack rolls
back. The same values are Kubernetes node labels and taints, whose syntax is
just as strict.

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
              example.com/owner: "ml-platform team"
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
              example.com/owner: ml-platform-team
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterKubernetesConfig.html
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterKubernetesTaint.html
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
"""

from __future__ import annotations

import re

from hyperlint.findings import Hit
from hyperlint.safe import VALUE_LIMIT, printable
from hyperlint.templating import is_placeholder, unrendered

ID = "HP216"
NAME = "kubernetes-config-pattern"
SEVERITY = "error"
TIER = "extended"

_COMPLEX_KEY = re.compile(r"^<complex key at line \d+>$")  # what the parser keeps for a non-scalar key


def check_cfn(template, ctx):
    rules = None
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            config = group.get("KubernetesConfig")
            if not isinstance(config, dict):
                continue
            if rules is None:
                rules = _rules(ctx.data.cluster_api)
            name = template.group_label(group, path)
            cpath = path + ("KubernetesConfig",)
            labels = config.get("Labels")
            if isinstance(labels, dict) and not _intrinsic(labels):
                for key, value in labels.items():
                    if isinstance(key, str) and _COMPLEX_KEY.match(key):
                        continue  # a mapping used as a key: HP001 reports it
                    hit = _judge(key, cpath + ("Labels", key), rules["label_key"], "label key", name, at_key=True)
                    if hit:
                        yield hit
                    for v in template.scalars(value, cpath + ("Labels", key)):
                        hit = _judge(v.value, v.path, rules["label_value"], f"value of label {key}", name, v.origin())
                        if hit:
                            yield hit
            taints = config.get("Taints")
            for i, taint in enumerate(taints if isinstance(taints, list) else ()):
                if not isinstance(taint, dict):
                    continue
                for field, rule, what in (("Key", "taint_key", "taint key"), ("Value", "taint_value", "taint value")):
                    for v in template.scalars(taint.get(field), cpath + ("Taints", i, field)):
                        hit = _judge(v.value, v.path, rules[rule], what, name, v.origin())
                        if hit:
                            yield hit


def _rules(api: dict) -> dict:
    """The length limits and compiled patterns of label and taint keys and values."""
    found = {}
    for rule, table, part in (("label_key", "kubernetes_labels", "key"), ("label_value", "kubernetes_labels", "value"),
                              ("taint_key", "kubernetes_taints", "key"), ("taint_value", "kubernetes_taints", "value")):
        spec = api[table][part]
        found[rule] = (spec.get("min"), spec.get("max"), re.compile(spec["pattern"]) if "pattern" in spec else None)
    return found


def _judge(value, path, rule, what: str, group: str, origin: str = "", at_key: bool = False):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None  # CloudFormation writes numbers and booleans as their text: judged as such below
    text = value if isinstance(value, str) else str(value)
    if is_placeholder(text):
        return unrendered(path, text, what)
    low, high, pattern = rule
    shown = printable(text, VALUE_LIMIT)
    if high is not None and len(text) > high:
        return Hit(path, f"{what} '{shown}'{origin} of instance group {group} is {len(text)} characters; the SageMaker "
                         f"API allows at most {high}, so creating or updating the cluster fails", key=at_key)
    if low is not None and len(text) < low:
        return Hit(path, f"{what}{origin} of instance group {group} is empty; the SageMaker API needs at least "
                         f"{low} character{'s' if low > 1 else ''}", key=at_key)
    if pattern is not None and not pattern.fullmatch(text):
        return Hit(path, f"{what} '{shown}'{origin} of instance group {group} does not match the SageMaker API "
                         f"pattern ({_explain(what)}), so creating or updating the cluster fails", key=at_key)
    return None


def _explain(what: str) -> str:
    name = "letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
    if "key" in what:
        return f"an optional DNS-subdomain prefix and '/', then {name}"
    return name


def _intrinsic(mapping: dict) -> bool:
    return len(mapping) == 1 and next(iter(mapping)).startswith(("Fn::", "Ref"))
