"""`HyperPodPyTorchJob` worker launched with torchrun instead of the HyperPod elastic agent.

## What it does
For every replica container of a `HyperPodPyTorchJob` (`sagemaker.amazonaws.com/v1`,
the HyperPod training operator's job) whose `command` or `args` launch
training with `torchrun` (or `python -m torch.distributed.run`) and never
`hyperpodrun`, reports the launcher (info). Launchers inside a script the
image runs cannot be seen and are not judged.

The operator's usage page also declares `containerPort: 8080` ("the port
that HyperPodElasticAgent listens to"); a missing declaration is not
reported: Kubernetes reaches a port whether or not it is declared, and AWS's
own HyperPod CLI template and training samples omit it. Kind and launchers
are data (`schemas/addons.json`, `training_operator`).

## Why is this bad?
"To use the HyperPod training operator, you must first install the HyperPod
elastic agent into your training image ... uses hyperpodrun to create the
job launcher." The operator manages the workers through the agent (its
server listens on port 8080); under plain `torchrun` the job runs without
the agent, so the operator's fault detection and in-process recovery do not
apply to it.

## Example
```yaml
apiVersion: sagemaker.amazonaws.com/v1
kind: HyperPodPyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  nprocPerNode: "8"
  replicaSpecs:
    - name: pods
      replicas: 4
      template:
        spec:
          containers:
            - name: trainer
              image: my-registry/llama:1.0
              command: [torchrun, --nnodes=4, --nproc-per-node=8, train.py]
```

## Use instead
```yaml
apiVersion: sagemaker.amazonaws.com/v1
kind: HyperPodPyTorchJob
metadata:
  name: llama-pretrain
  namespace: kubeflow
spec:
  nprocPerNode: "8"
  replicaSpecs:
    - name: pods
      replicas: 4
      template:
        spec:
          containers:
            - name: trainer
              image: my-registry/llama:1.0
              command: [hyperpodrun, --nnodes=4, --nproc-per-node=8, train.py]
              ports:
                - containerPort: 8080
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-eks-operator-usage.html
- https://pypi.org/project/hyperpod-elastic-agent/
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.safe import VALUE_LIMIT, printable

ID = "HP316"
NAME = "hyperpod-pytorch-job-launcher"
SEVERITY = "info"
TIER = "extended"


def check_pod(pod, ctx):
    conf = ctx.data.addons["training_operator"]
    obj = pod.obj
    if obj.kind != conf["kind"] or obj.group != conf["group"]:
        return
    for path, container in pod.containers():
        if "containers" not in path:
            continue
        hit = _launcher(path, container, conf)
        if hit:
            yield hit


def _launcher(path, container: dict, conf: dict):
    found = None
    for field in ("command", "args"):
        items = container.get(field)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, str):
                continue
            if conf["launcher"] in item:
                return None
            if found is None and any(_runs(item, launcher) for launcher in conf["other_launchers"]):
                found = (path + (field, i), item)
    if found is None:
        return None
    return Hit(found[0], f"'{printable(found[1], VALUE_LIMIT)}' launches training with torchrun; HyperPodPyTorchJob "
                         f"workers are meant to start through {conf['launcher']} (the HyperPod elastic agent), which "
                         f"adds HyperPod's in-process fault recovery", severity="info")


def _runs(text: str, launcher: str) -> bool:
    """``launcher`` as a command in ``text`` (a whole argument, or a word of a shell line)."""
    words = text.replace(";", " ").replace("&&", " ").split()
    n = len(launcher.split())
    return any(" ".join(words[i:i + n]) == launcher or words[i].endswith("/" + launcher)
               for i in range(len(words)))
