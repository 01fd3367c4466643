"""`EbsVolumeConfig` of an instance group that HyperPod rejects.

## What it does
Checks `InstanceStorageConfigs[*].EbsVolumeConfig` of every instance group
(restricted ones too) against the API rules:

- `RootVolume: true` configures the root volume: it needs `VolumeKmsKeyId`
  (a customer managed KMS key) and must not set `VolumeSizeInGB`;
- `RootVolume` false or absent configures the secondary volume (mounted at
  `/opt/sagemaker`): it needs `VolumeSizeInGB`;
- a group has at most one root and one secondary volume configuration.

`RootVolume` is followed through `!Ref` and `!If`; when its value cannot be
known offline, or differs between branches, the entry is not judged.

## Why is this bad?
`CreateCluster` rejects the instance group: the size of the root volume is
fixed by HyperPod, the only reason to configure it is to encrypt it with
your own key, and a secondary volume has no default size. CloudFormation's
schema accepts all of these, so the mistake only shows when the stack is
deployed.

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
          InstanceStorageConfigs:
            - EbsVolumeConfig:
                RootVolume: true
                VolumeSizeInGB: 200
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
          InstanceStorageConfigs:
            - EbsVolumeConfig:
                RootVolume: true
                VolumeKmsKeyId: arn:aws:kms:us-west-2:111122223333:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d
            - EbsVolumeConfig:
                VolumeSizeInGB: 200
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterEbsVolumeConfig.html
  (`RootVolume`, `VolumeSizeInGB`, `VolumeKmsKeyId` rules)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (`InstanceStorageConfigs` at `/opt/sagemaker`)
"""

from __future__ import annotations

from hyperlint.cfn import presence
from hyperlint.findings import Hit

ID = "HP211"
NAME = "inconsistent-ebs-volume-config"
SEVERITY = "error"
TIER = "extended"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            configs = group.get("InstanceStorageConfigs")
            if not isinstance(configs, list):
                continue
            name = template.group_label(group, path)
            seen = {True: [], False: []}
            for i, item in enumerate(configs):
                ebs = item.get("EbsVolumeConfig") if isinstance(item, dict) else None
                if not isinstance(ebs, dict):
                    continue
                epath = path + ("InstanceStorageConfigs", i, "EbsVolumeConfig")
                root = _root_volume(template, ebs, epath)
                if root is None:
                    continue
                seen[root].append(epath)
                yield from _check_entry(ebs, epath, root, name)
            for root, what in ((True, "root"), (False, "secondary")):
                for extra in seen[root][1:]:
                    yield Hit(extra, f"instance group {name} configures the {what} EBS volume more than once; "
                                     f"HyperPod accepts at most one root and one secondary EbsVolumeConfig "
                                     f"(merge or remove this one)", key=True, related=(seen[root][0],))


def _check_entry(ebs: dict, epath: tuple, root: bool, name):
    size, key = presence(ebs.get("VolumeSizeInGB")), presence(ebs.get("VolumeKmsKeyId"))
    if root:
        if key is False:
            yield Hit(epath + ("RootVolume",), f"instance group {name}: RootVolume: true without VolumeKmsKeyId; "
                                               f"the root volume configuration exists to encrypt it with your own "
                                               f"KMS key, so VolumeKmsKeyId is required", key=True)
        if size is True:
            yield Hit(epath + ("VolumeSizeInGB",), f"instance group {name}: the root volume's size is set by "
                                                   f"HyperPod and VolumeSizeInGB must not be given with RootVolume: "
                                                   f"true; remove it, or configure a secondary volume (mounted at "
                                                   f"/opt/sagemaker) in a separate EbsVolumeConfig", key=True)
    elif size is False:
        yield Hit(epath + ("VolumeSizeInGB",), f"instance group {name}: a secondary EBS volume (RootVolume false or "
                                               f"absent) needs VolumeSizeInGB; add the size in GB, or set "
                                               f"RootVolume: true with VolumeKmsKeyId to encrypt the root volume")


def _root_volume(template, ebs: dict, epath: tuple) -> bool | None:
    """True (root), False (secondary), None (cannot be known offline, or differs between branches)."""
    value = ebs.get("RootVolume")
    if presence(value) is not True:
        return None if presence(value) is None else False
    found = set()
    for v in template.scalars(value, epath + ("RootVolume",)):
        text = str(v.value).lower()
        if text not in ("true", "false"):
            return None
        found.add(text == "true")
    return found.pop() if len(found) == 1 else None
