"""An `ml.` instance type that HyperPod does not know, in a selector or an inference resource.

## What it does
Checks the same places as HP301: instance-type selectors
(`node.kubernetes.io/instance-type`, `beta.kubernetes.io/instance-type`) in
`nodeSelector`, node affinity (required and preferred, `In` and `NotIn`
values) and Karpenter NodePool requirements, and the instance types that
HyperPod Inference Operator resources name in plain fields
(`InferenceEndpointConfig` `spec.instanceType` and `spec.instanceTypes`,
`JumpStartModel` `spec.server.instanceType`). A value that starts with `ml.`
but is not a HyperPod instance type (`ml.p5.48xl`, `ml.g5.12xlarg`,
`ML.p5.48xlarge`) is reported, with the closest known type when there is one.

A type the data lists as rejected with conflicting sources (`ml.trn1.2xlarge`:
outside the API enum, but in the task-governance topology list and cfn-lint's
regional list) is reported as info, naming the conflict.

A type that an instance group of the same run uses is not reported here
(HP201 reports it where the group is defined), and types added through the
configuration (`data.instance-types`) are known types. The HyperPod Helm
chart's own components (`schemas/helm-chart.json`) are not checked: the
Neuron device plugin's affinity lists every Neuron type, HyperPod's or not.

## Why is this bad?
No HyperPod node carries that label value, so a selector that requires it
never schedules (the pods stay `Pending`), a `NotIn` with it excludes
nothing, and an inference endpoint on it never gets a node. The
instance-type table ships with hyperlint and may lag behind new instance
types, so this is a warning: add a new type to the configuration when
HyperPod offers it.

## Example
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xl
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
```

## Use instead
```yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xlarge
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
```

## Configuration
A type HyperPod offers that hyperlint does not know yet goes into the
`instance-types` list of the configuration's data overrides, e.g.
`{type: ml.p7.48xlarge, class: gpu, max-pods: 49, efa: true}`; it is then a
known type for every rule.

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterInstanceGroupSpecification.html
  (`InstanceType`: the `ClusterInstanceType` enum, the source of `schemas/instance-types.json`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (nodes are labelled with the `ml.` name)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-model-deployment-deploy-ftm.html
  (`InferenceEndpointConfig` `instanceType`)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.helmchart import pod_component
from hyperlint.k8s_nodes import karpenter_terms, node_terms
from hyperlint.k8s_workloads import instance_type_fields
from hyperlint.templating import is_placeholder, unrendered

ID = "HP302"
NAME = "unknown-ml-instance-type"
SEVERITY = "warning"
EMITS = ("warning", "info")
TIER = "extended"


def check_pod(pod, ctx):
    if pod_component(pod, ctx.data, ctx.doc.source if ctx.doc is not None else None) is not None:
        return  # AWS's HyperPod chart lists every type a component may run on, HyperPod's or not
    yield from _check(node_terms(pod), ctx)


def check_object(obj, ctx):
    for value, path in instance_type_fields(obj, ctx.data):
        yield from _judge(value, path, f"{obj.kind} runs on no node", ctx.data)
    yield from _check(karpenter_terms(obj), ctx)


def _check(terms, ctx):
    data = ctx.data
    for term in terms:
        if term.key not in data.instance_type_keys or term.operator not in ("In", "NotIn"):
            continue
        effect = "excludes nothing" if term.operator == "NotIn" else "matches no node"
        for value, path in term.values:
            yield from _judge(value, path, effect, data)


def _judge(value, path, effect: str, data):
    if is_placeholder(value):
        yield unrendered(path, value, "instance type")
        return
    if not isinstance(value, str) or not value.strip().lower().startswith("ml.") or data.instance(value):
        return
    rejected = data.rejected_type(value.strip())
    if rejected is not None:  # AWS sources disagree (`ml.trn1.2xlarge`): say so, as info
        yield Hit(path, f"'{value}' is not in the SageMaker API's HyperPod instance types, so this may match "
                        f"no node; AWS sources disagree ({rejected['note']})", severity="info",
                  facts={"value": value})
        return
    guess = data.suggest(value.strip())
    hint = f"; did you mean '{guess}'?" if guess else ""
    yield Hit(path, f"'{value}' is not a HyperPod instance type, so this {effect}{hint} (data: "
                    f"instance-types.json, API enum as of {data.api_enum_as_of}; if HyperPod offers it, "
                    f"add it under data.instance-types in the configuration)",
              facts={"value": value})


def refine(finding, ctx):
    value = (finding.facts or {}).get("value")
    if any(value in g.instance_types for g in ctx.run.instance_groups):
        return None  # the cluster of this run uses it: HP201 reports it where the group is defined
    return finding
