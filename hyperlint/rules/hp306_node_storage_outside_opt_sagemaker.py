"""HyperPod pod mounts node storage from outside `/opt/sagemaker`.

## What it does
For pod templates that target HyperPod, checks `hostPath` volumes and local
PersistentVolumes (`spec.local.path`, `spec.hostPath.path`) whose node
affinity targets HyperPod. Node storage must come from `/opt/sagemaker`:
a warning for any other data path (`/opt/dlami/nvme`, `/mnt/k8s-disks`,
`/local`, `/scratch` ...), an error for raw NVMe devices (`/dev/nvme*`).
System paths (`/dev/shm`, `/var/log`, `/sys`, `/proc`, `/etc`, `/run`,
`/dev/infiniband` ...) and other devices are fine.

## Why is this bad?
On HyperPod EKS nodes the extra EBS volume of `InstanceStorageConfigs` and
the NVMe instance store (LVM volume group `vg.01`) are both mounted at
`/opt/sagemaker` (the EBS CSI page and the `ClusterEbsVolumeConfig` API
reference). Other paths live on the root volume (observation: a small one,
which a dataset or checkpoint fills), and writing to the raw NVMe devices
destroys the volume group the AMI built. No HyperPod EKS page mentions
`/opt/dlami/nvme`, the DLAMI/Slurm mount point; the sources conflict,
though: AWS's HyperPod EKS lifecycle script (`base-config/on_create_main.sh`)
can put containerd and kubelet on `/opt/dlami/nvme`, and AWS's "AI on
SageMaker HyperPod" troubleshooting guide lists that mount point for the NVMe
instance store, so on such a cluster the path exists. Hence a warning;
suppress it where your lifecycle script creates that mount.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  nodeSelector:
    node.kubernetes.io/instance-type: ml.p5.48xlarge
  containers:
    - name: main
      image: my-registry/train:1.0
      volumeMounts:
        - {name: scratch, mountPath: /scratch}
  volumes:
    - name: scratch
      hostPath:
        path: /opt/dlami/nvme
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  nodeSelector:
    node.kubernetes.io/instance-type: ml.p5.48xlarge
  containers:
    - name: main
      image: my-registry/train:1.0
      volumeMounts:
        - {name: scratch, mountPath: /scratch}
  volumes:
    - name: scratch
      hostPath:
        path: /opt/sagemaker/scratch
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (`InstanceStorageConfigs` at `/opt/sagemaker`; no NVMe CSI driver)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-ebs.html
  (the NVMe LVM volume group `vg.01` at `/opt/sagemaker`)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterEbsVolumeConfig.html
  (`VolumeSizeInGB`: the extra volume is mounted at `/opt/sagemaker`)
"""

from __future__ import annotations

import posixpath

from hyperlint.findings import Hit
from hyperlint.k8s import node_terms, targeting_facts, targets_in_run, volume_node_terms
from hyperlint.templating import is_placeholder, unrendered

ID = "HP306"
NAME = "node-storage-outside-opt-sagemaker"
SEVERITY = "warning"
EMITS = ("warning", "error", "info")  # error for raw NVMe devices; info for /opt/dlami/nvme
TIER = "core"
OBJECT_KINDS = ("PersistentVolume",)


def check_pod(pod, ctx):
    facts = targeting_facts(node_terms(pod), ctx)
    if facts is None:
        return
    path, volumes = pod.field("volumes")
    if not isinstance(volumes, list):
        return
    for i, vol in enumerate(volumes):
        host = vol.get("hostPath") if isinstance(vol, dict) else None
        if isinstance(host, dict):
            hit = _judge(host.get("path"), path + (i, "hostPath", "path"), ctx, facts)
            if hit:
                yield hit


def check_object(obj, ctx):
    if obj.kind != "PersistentVolume":
        return
    spec = obj.data.get("spec")
    if not isinstance(spec, dict):
        return
    facts = targeting_facts(volume_node_terms(obj), ctx)
    if facts is None:
        return
    for source in ("local", "hostPath"):
        where = spec.get(source)
        if isinstance(where, dict):
            hit = _judge(where.get("path"), obj.at("spec", source, "path"), ctx, facts)
            if hit:
                yield hit


def _judge(value, path, ctx, facts):
    if is_placeholder(value):
        return unrendered(path, value, "host path")
    if not isinstance(value, str) or not value.startswith("/"):
        return None
    norm = posixpath.normpath(value)
    storage = ctx.data.storage
    good = storage["sagemaker_path"]["path"]
    if _under(norm, [good]) or _under(norm, storage["system_paths"]["prefixes"]):
        return None
    if any(norm.startswith(p) for p in storage["raw_nvme_prefixes"]["prefixes"]):
        return Hit(path, f"raw NVMe device '{value}' on a HyperPod node: the HyperPod AMI joins the NVMe drives "
                         f"into LVM volume group vg.01 mounted at {good}; use a path under {good}",
                   severity="error", facts=facts)
    if norm == "/dev" or norm.startswith("/dev/"):
        return None  # devices (GPU, Neuron, fuse ... or the whole tree), not storage
    return Hit(path, f"node storage at '{value}': on HyperPod nodes the instance store and extra EBS volumes "
                     f"are mounted at {good}; use a path under {good}", facts=facts)


def _under(path: str, prefixes) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def refine(finding, ctx):
    return finding if targets_in_run(finding.facts, ctx.run) else None
