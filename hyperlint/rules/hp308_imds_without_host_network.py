"""HyperPod pod calls the instance metadata service without `hostNetwork`.

## What it does
Reports a container of a pod template that targets HyperPod whose `command`,
`args` or `env` values contain an instance metadata service (IMDS) address,
`169.254.169.254` or `fd00:ec2::254` (for example `curl
http://169.254.169.254/latest/meta-data/...` or
`AWS_EC2_METADATA_SERVICE_ENDPOINT`), while the pod does not use
`hostNetwork: true`.

Only pods that target HyperPod are checked (an `ml.` instance type, a
`sagemaker.amazonaws.com/*` label or an instance group of the run, or every
workload when the configuration says so): on other EKS nodes whether pods
reach IMDS depends on the node's hop limit, which a manifest does not show.

## Why is this bad?
On HyperPod nodes only host-network pods can reach IMDS, so the call times
out: the pod gets no region, instance identity or credentials from it (AWS
SDKs fall back to the metadata service last, and fail slowly). Do not turn on
`hostNetwork` to fix it (HP307): give the pod its own credentials with EKS
Pod Identity or IAM roles for service accounts (IRSA), and pass the region
and other facts as environment variables or through the downward API.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: sync-checkpoints
spec:
  template:
    spec:
      nodeSelector:
        sagemaker.amazonaws.com/node-health-status: Schedulable
      restartPolicy: OnFailure
      containers:
        - name: sync
          image: amazon/aws-cli:2.17.0
          command: ["sh", "-c"]
          args:
            - >-
              REGION=$(curl -s http://169.254.169.254/latest/meta-data/placement/region) &&
              aws s3 sync /opt/ckpt s3://my-bucket/ckpt --region $REGION
```

## Use instead
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: sync-checkpoints
spec:
  template:
    spec:
      serviceAccountName: checkpoint-sync   # EKS Pod Identity association
      nodeSelector:
        sagemaker.amazonaws.com/node-health-status: Schedulable
      restartPolicy: OnFailure
      containers:
        - name: sync
          image: amazon/aws-cli:2.17.0
          env:
            - name: AWS_REGION
              value: us-west-2
          command: ["aws", "s3", "sync", "/opt/ckpt", "s3://my-bucket/ckpt"]
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (only `hostNetwork` pods can reach IMDS)
- https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
  (EKS Pod Identity)
- https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
  (the IMDS address `169.254.169.254`)
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.k8s_nodes import node_terms
from hyperlint.targeting import targeting_facts, targets_in_run
from hyperlint.templating import is_placeholder, unrendered

ID = "HP308"
NAME = "imds-without-host-network"
SEVERITY = "info"
TIER = "extended"


def check_pod(pod, ctx):
    path, host_network = pod.field("hostNetwork")
    if host_network is True:
        return
    calls = [hit for hit in (_imds_value(cpath, c, ctx) for cpath, c in pod.containers()) if hit]
    if not calls:
        return
    facts = targeting_facts(node_terms(pod), ctx)
    if facts is None:
        return
    if is_placeholder(host_network):
        yield unrendered(path, host_network, "hostNetwork")
        return
    for where, address in calls:
        yield Hit(where, f"calls the instance metadata service ({address}) without hostNetwork: on HyperPod nodes "
                         f"only host-network pods reach IMDS, so this times out; get AWS credentials from EKS Pod "
                         f"Identity or IRSA and pass the region and other facts as environment variables",
                  facts=facts)


def _imds_value(base, container, ctx):
    """(path, address) of the first command, args or env value that names IMDS."""
    addresses = ctx.data.workloads["imds"]["addresses"]
    candidates = []
    for key in ("command", "args"):
        items = container.get(key)
        if isinstance(items, list):
            candidates += [(base + (key, i), v) for i, v in enumerate(items)]
    env = container.get("env")
    if isinstance(env, list):
        candidates += [(base + ("env", i, "value"), e.get("value")) for i, e in enumerate(env) if isinstance(e, dict)]
    for path, value in candidates:
        if not isinstance(value, str):
            continue
        lowered = value.lower()
        found = next((a for a in addresses if a in lowered), None)
        if found:
            return path, found
    return None


def refine(finding, ctx):
    return finding if targets_in_run(finding.facts, ctx.run) else None
