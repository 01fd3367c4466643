"""`HyperPodPyTorchJob` container without the elastic agent's port, or launched with torchrun.

## What it does
For every replica of a `HyperPodPyTorchJob` (`sagemaker.amazonaws.com/v1`,
the HyperPod training operator's job), reports:

- a pod template none of whose containers declares `containerPort: 8080`,
  the port the HyperPod elastic agent listens on, at the first container;
- a container whose `command` or `args` launch training with `torchrun` (or
  `python -m torch.distributed.run`) and never `hyperpodrun`, at that value.
  Launchers inside a script the image runs cannot be seen and are not
  judged.

Both are info. The operator's usage page declares the port ("This is the
port that HyperPodElasticAgent listens to"), but Kubernetes does not need a
port declared to reach it, and AWS's own HyperPod CLI template and
checkpointless-training examples omit it: a missing declaration documents
less, it is not shown to break the job.

Kind, port and launchers are data (`schemas/addons.json`,
`training_operator`). The port and launcher come from the operator's usage
page and the elastic agent's package page.

## Why is this bad?
The training operator talks to the HyperPod elastic agent in each pod on
port 8080; declaring it documents that contract where the job is defined
(and keeps it visible to network policies and tools that read declared
ports). The agent itself must launch the workers: "you must
first install the HyperPod elastic agent into your training image ... uses
hyperpodrun to create the job launcher"; under plain `torchrun` the job runs
but without HyperPod's in-process recovery.

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
              command: [hyperpodrun, --nnodes=4, --nproc-per-node=8, train.py]
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
NAME = "hyperpod-pytorch-job-container"
SEVERITY = "info"
TIER = "extended"


def check_pod(pod, ctx):
    conf = ctx.data.addons["training_operator"]
    obj = pod.obj
    if obj.kind != conf["kind"] or obj.group != conf["group"]:
        return
    containers = [(p, c) for p, c in pod.containers() if "containers" in p]
    if not containers:
        return
    port = conf["agent_port"]
    if not any(_declares(c, port) for _, c in containers):
        path, first = containers[0]
        where = path + ("ports",) if "ports" in first else path + ("name",) if "name" in first else path
        who = f"replica {pod.role}" if pod.role else "the pod template"
        yield Hit(where, f"no container of {who} declares containerPort {port}, the port the HyperPod elastic agent "
                         f"listens on for the training operator (as AWS's usage example declares it): add "
                         f"ports: [{{containerPort: {port}}}]", key=where[-1] in ("ports", "name"))
    for path, container in containers:
        hit = _launcher(path, container, conf)
        if hit:
            yield hit


def _declares(container: dict, port: int) -> bool:
    ports = container.get("ports")
    return isinstance(ports, list) and any(
        isinstance(p, dict) and p.get("containerPort") in (port, str(port)) for p in ports)


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
