"""Lifecycle config with a path in `OnCreate` or a script file in `SourceS3Uri`.

## What it does
Checks `LifeCycleConfig` of every instance group of an
`AWS::SageMaker::Cluster` (or a create-cluster / update-cluster document):

- `OnCreate` holding an S3 URI (`s3://bucket/scripts/on_create.sh`) or an
  absolute path (`/scripts/on_create.sh`): error. A relative path with a
  `/` (`setup/on_create.sh`) is a warning: it names a file in a subfolder of
  `SourceS3Uri`, which the API does not document;
- `SourceS3Uri` ending in a script file (`s3://bucket/scripts/on_create.sh`):
  error.

## Why is this bad?
`SourceS3Uri` is "an Amazon S3 bucket path where your lifecycle scripts are
stored": every node downloads that folder. `OnCreate` is "the file name of
the entrypoint script of lifecycle scripts under `SourceS3Uri`". With a URI
in `OnCreate`, or a file as `SourceS3Uri`, the node finds no entrypoint to
run (or none of the scripts it calls: AWS's own `on_create.sh` runs
`on_create_main.sh` from the same folder), node setup fails and the
instance group never becomes `InService`.

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
          LifeCycleConfig:
            SourceS3Uri: s3://sagemaker-lifecycle/scripts/
            OnCreate: s3://sagemaker-lifecycle/scripts/on_create.sh
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
          LifeCycleConfig:
            SourceS3Uri: s3://sagemaker-lifecycle/scripts/
            OnCreate: on_create.sh
```

## Fix
Safe: writes the file name when `OnCreate` is the S3 URI of a file directly
in `SourceS3Uri`, and the folder when `SourceS3Uri` ends in the file
`OnCreate` names. Other cases are not fixed.

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterLifeCycleConfig.html
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-create-cluster.html
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.safe import VALUE_LIMIT, printable
from hyperlint.templating import is_placeholder, unrendered

ID = "HP218"
NAME = "lifecycle-config-shape"
SEVERITY = "error"
EMITS = ("error", "warning")
TIER = "extended"
FIX = "safe"

_SCRIPT_SUFFIXES = (".sh", ".bash", ".py")


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            config = group.get("LifeCycleConfig")
            if not isinstance(config, dict):
                continue
            name = template.group_label(group, path)
            cpath = path + ("LifeCycleConfig",)
            sources = [v for v in template.scalars(config.get("SourceS3Uri"), cpath + ("SourceS3Uri",))
                       if isinstance(v.value, str)]
            creates = [v for v in template.scalars(config.get("OnCreate"), cpath + ("OnCreate",))
                       if isinstance(v.value, str)]
            source = sources[0].value if len(sources) == 1 else None
            create = creates[0].value if len(creates) == 1 else None
            for v in creates:
                hit = _on_create(v, name, source)
                if hit:
                    yield hit
            for v in sources:
                hit = _source(v, name, create)
                if hit:
                    yield hit


def _on_create(v, group: str, source: str | None):
    text = v.value
    if is_placeholder(text):
        return unrendered(v.path, text, "lifecycle OnCreate")
    shown = printable(text, VALUE_LIMIT)
    lowered = text.lower()
    if lowered.startswith(("s3://", "https://")) or text.startswith("/"):
        what = "an S3 URI" if "://" in text else "an absolute path"
        folder, _, file = text.rstrip().rpartition("/")
        facts = None
        if source and not is_placeholder(source) and file and folder.rstrip("/") == source.rstrip("/"):
            facts = {"value": text, "fixed": file}
        hint = f"write the file name ('{printable(file, VALUE_LIMIT)}') and put its folder in SourceS3Uri" if file \
            else "write the file name of the entrypoint script"
        return Hit(v.path, f"lifecycle OnCreate '{shown}'{v.origin()} of instance group {group} is {what}; OnCreate is "
                           f"the file name of the entrypoint script inside SourceS3Uri, so nodes find no script to run: "
                           f"{hint}", facts=facts)
    if "/" in text:
        return Hit(v.path, f"lifecycle OnCreate '{shown}'{v.origin()} of instance group {group} is a path; the API "
                           f"documents OnCreate as a file name directly under SourceS3Uri: point SourceS3Uri at the "
                           f"folder that holds the script", severity="warning")
    return None


def _source(v, group: str, create: str | None):
    text = v.value
    if is_placeholder(text):
        return unrendered(v.path, text, "lifecycle SourceS3Uri")
    if not text.rstrip().lower().endswith(_SCRIPT_SUFFIXES):
        return None
    folder, _, file = text.rstrip().rpartition("/")
    facts = {"value": text, "fixed": folder + "/"} if create and file == create and "://" in folder else None
    return Hit(v.path, f"lifecycle SourceS3Uri '{printable(text, VALUE_LIMIT)}'{v.origin()} of instance group {group} "
                       f"points at a script file; it must be the S3 folder holding the lifecycle scripts, with the "
                       f"entrypoint's file name in OnCreate ('{printable(folder, VALUE_LIMIT)}/' and "
                       f"'{printable(file, VALUE_LIMIT)}')", facts=facts)
