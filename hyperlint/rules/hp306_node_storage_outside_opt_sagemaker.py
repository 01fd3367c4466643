"""HyperPod pod mounts node storage from outside `/opt/sagemaker`.

## What it does
For pod templates that target HyperPod, checks `hostPath` volumes and local
PersistentVolumes (`spec.local.path`, `spec.hostPath.path`) whose node
affinity targets HyperPod. Node storage should come from `/opt/sagemaker`:
a warning for the paths where other setups mount local disks (the EKS AMI's
`/mnt/k8s-disks`, the local static provisioner's `/mnt/disks`), an error for
raw NVMe devices (`/dev/nvme*`), and info for any other host path (it may be
a mount the team's own lifecycle scripts make: FSx, a scratch folder, the
`/sagemaker/fsx` folders of restricted instance groups). System paths
(`/dev/shm`, `/var/log`, `/sys`, `/proc`, `/etc`, `/run`, `/dev/infiniband`
...) and other devices are fine.

`/opt/dlami/nvme` is info only: AWS sources disagree whether HyperPod EKS
nodes mount the NVMe instance store there (the HyperPod lifecycle scripts and
AWS workshop material do) or only join it into `/opt/sagemaker` (the EBS CSI
page). On an instance type without instance store it stays a warning: there
is no NVMe to mount, so the path is a folder on the root volume.

Node-setup DaemonSets are exempt: a DaemonSet whose pod runs privileged (a
privileged container or `hostPID`) and mounts the host's root (`/`) or one
host folder only (the folder it prepares: it formats, mounts or discovers the
disks there for other pods).

## Why is this bad?
On HyperPod EKS nodes the extra EBS volume of `InstanceStorageConfigs` and
the NVMe instance store (LVM volume group `vg.01`) are both mounted at
`/opt/sagemaker` (the EBS CSI page and the `ClusterEbsVolumeConfig` API
reference). Other paths live on the root volume (observation: a small one,
which a dataset or checkpoint fills), and writing to the raw NVMe devices
destroys the volume group the AMI built. For `/opt/dlami/nvme` the sources
conflict: no HyperPod EKS page mentions it, but AWS's HyperPod EKS lifecycle
script (`base-config/on_create_main.sh`) can put containerd and kubelet there
and AWS's "AI on SageMaker HyperPod" troubleshooting guide lists it as the
NVMe instance store's mount point, so on such a cluster the path exists:
hence info, not a warning.

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
        path: /mnt/k8s-disks/0
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
- `/opt/dlami/nvme`: the HyperPod EKS lifecycle scripts
  (https://github.com/aws-samples/awsome-distributed-training/tree/main/1.architectures/7.sagemaker-hyperpod-eks/LifecycleScripts/base-config)
  and https://awslabs.github.io/ai-on-sagemaker-hyperpod/ (`schemas/storage.json` `dlami_nvme`)
- Instance store per type: https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html (`storage.json` `instance_store`)
"""

from __future__ import annotations

import posixpath

from hyperlint import lazy
from hyperlint.findings import Hit
from hyperlint.k8s_nodes import node_terms, volume_node_terms
from hyperlint.targeting import targeting_facts, targets_in_run
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
    if not isinstance(volumes, list) or _node_setup(pod, volumes, ctx.data.storage):
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
    dlami = storage["dlami_nvme"]["path"]
    if _under(norm, [dlami]):
        without = _without_instance_store(facts, ctx.data)
        if without:
            return Hit(path, f"node storage at '{value}': {', '.join(without)} has no NVMe instance store, so "
                             f"nothing is mounted at {dlami} and the data lands on the small root volume; "
                             f"use a path under {good}", facts=facts)
        return Hit(path, f"node storage at '{value}': AWS sources disagree whether HyperPod EKS nodes mount the "
                         f"NVMe instance store at {dlami} (HyperPod lifecycle scripts do) or join it into {good} "
                         f"(HyperPod AMI, LVM volume group vg.01); {good} is the documented path",
                   severity="info", facts=facts)
    known = _under(norm, storage["local_disk_paths"]["prefixes"])
    return Hit(path, f"node storage at '{value}': on HyperPod nodes the instance store and extra EBS volumes "
                     f"are mounted at {good}; use a path under {good}"
                     + ("" if known else " (if your nodes mount something here themselves, a lifecycle script's "
                                         "FSx or scratch folder, this is fine)"),
               severity=None if known else "info", facts=facts)


def _node_setup(pod, volumes: list, storage: dict) -> bool:
    """A node-setup DaemonSet: privileged (a privileged container or hostPID) and
    mounting the host's root or one host folder only (the folder it prepares)."""
    if not pod.is_daemonset:
        return False
    _, host_pid = pod.field("hostPID")
    privileged = host_pid is True or any(
        isinstance(c.get("securityContext"), dict) and c["securityContext"].get("privileged") is True
        for _, c in pod.containers())
    if not privileged:
        return False
    folders = set()
    for vol in volumes:
        host = vol.get("hostPath") if isinstance(vol, dict) else None
        where = host.get("path") if isinstance(host, dict) else None
        if not isinstance(where, str) or not where.startswith("/"):
            continue
        norm = posixpath.normpath(where)
        if norm == "/":
            return True
        if not (_under(norm, storage["system_paths"]["prefixes"]) or norm == "/dev" or norm.startswith("/dev/")):
            folders.add(norm)
    return len(folders) == 1


def _without_instance_store(facts, data) -> list[str]:
    """The instance types the pod requires, when every one is known to have no
    instance store (``storage.json`` ``instance_store``); else []."""
    types = [v for k, v in facts.get("pairs", ()) if k in data.instance_type_keys]
    if not types or not all(_has_instance_store(t, data) is False for t in types):
        return []
    return types


_FAMILY = lazy.pattern(r"^(?:ml\.)?([a-z]+)(\d+)([a-z-]*)(?:-[a-z0-9]+)?\.")


def _has_instance_store(name: str, data) -> bool | None:
    """True/False when the data says whether ``name`` has NVMe instance store, None when unknown."""
    table = data.storage["instance_store"]
    m = _FAMILY.match(name)
    if m is None:
        return None
    family = name.split(".")[1] if name.startswith("ml.") else name.split(".")[0]
    if family in table["families_with"]:
        return True
    if family in table["families_without"]:
        return False
    cls = data.instance_class("ml." + name if not name.startswith("ml.") else name)
    if cls == "cpu":
        return "d" in m.group(3)
    return None


def _under(path: str, prefixes) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def refine(finding, ctx):
    return finding if targets_in_run(finding.facts, ctx.run) else None
