"""Lifecycle scripts in a bucket the execution role cannot read.

## What it does
For every instance group whose `ExecutionRole` is an `AWS::IAM::Role` of the
template, reads the bucket of `LifeCycleConfig.SourceS3Uri` (`s3://bucket/...`
or an `https://` S3 URL, also built with `!Sub`/`!Join` or from a
parameter's default). When the bucket name does not start with `sagemaker-`,
reports the URI unless something in the template may let the role read it:

- a statement of the role (inline `Policies`, `AWS::IAM::Policy`,
  `AWS::IAM::RolePolicy` or `AWS::IAM::ManagedPolicy` resources) allowing
  `s3:GetObject` on the lifecycle objects (wildcards and unknown pieces
  count as a match);
- a bucket policy (`AWS::S3::BucketPolicy`) of that bucket.

The role's managed policies must all be known: besides
`AmazonSageMakerClusterInstanceRolePolicy` (which only covers `sagemaker-*`
buckets) any other managed policy could grant access, and the group is then
not judged. Bucket names or roles that cannot be known offline are not
judged either. The prefix and the policy name are data
(`schemas/hyperpod-cluster.json`, `lifecycle`).

## Why is this bad?
Each node downloads its lifecycle scripts with the execution role. The
managed policy `AmazonSageMakerClusterInstanceRolePolicy` only grants
`s3:GetObject` on buckets named `sagemaker-*`, so a script in another bucket
cannot be read: node creation fails and the instance group never comes up.

## Example
```yaml
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy
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
          ExecutionRole: !GetAtt ExecutionRole.Arn
          LifeCycleConfig:
            SourceS3Uri: s3://ml-platform-scripts/hyperpod/
            OnCreate: on_create.sh
```

## Use instead
```yaml
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy
      Policies:
        - PolicyName: lifecycle-scripts
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [s3:ListBucket, s3:GetObject]
                Resource: [arn:aws:s3:::ml-platform-scripts, arn:aws:s3:::ml-platform-scripts/*]
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
          ExecutionRole: !GetAtt ExecutionRole.Arn
          LifeCycleConfig:
            SourceS3Uri: s3://ml-platform-scripts/hyperpod/
            OnCreate: on_create.sh
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterLifeCycleConfig.html
  (`SourceS3Uri`: the bucket path starts with `s3://sagemaker-`)
- https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-cluster.html
  (the managed policy's S3 access to `sagemaker-*` buckets)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites-iam.html
  (the execution role)
"""

from __future__ import annotations

import re

from hyperlint.cfn import ResourceRef, Unknown
from hyperlint.cfn_iam import may_allow, role_managed_policies, role_statements
from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP213"
NAME = "lifecycle-bucket-not-readable"
SEVERITY = "warning"
TIER = "extended"

_HOSTED = re.compile(r"^(?P<bucket>.+?)\.s3[.-]")  # bucket.s3.us-west-2.amazonaws.com
_PATH_STYLE = re.compile(r"^s3[.-]")  # s3.us-west-2.amazonaws.com/bucket


def check_cfn(template, ctx):
    facts = ctx.data.hyperpod_cluster["lifecycle"]
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            config = group.get("LifeCycleConfig")
            if not isinstance(config, dict) or "SourceS3Uri" not in config:
                continue
            roles = {v.value.name for v in template.values(group.get("ExecutionRole"), path + ("ExecutionRole",))
                     if isinstance(v.value, ResourceRef) and template.resource_type(v.value.name) == "AWS::IAM::Role"}
            if len(roles) != 1:
                continue  # a role of another stack, or several: not known offline
            role = roles.pop()
            if not _only_known_managed_policies(template, role, facts["managed_policy"]):
                continue
            script = config.get("OnCreate") if isinstance(config.get("OnCreate"), str) else "on_create.sh"
            name = template.group_label(group, path)
            for v in template.text_parts(config["SourceS3Uri"], path + ("LifeCycleConfig", "SourceS3Uri")):
                text = "".join(p for p in v.value if isinstance(p, str))
                if len(v.value) == 1 and is_placeholder(text):
                    yield unrendered(v.path, text, "lifecycle SourceS3Uri")
                    continue
                location = _bucket_and_key(template, v.value)
                if location is None:
                    continue
                bucket, key = location
                if _prefixed(bucket, facts["bucket_prefix"]) is not False:
                    continue
                obj = ("arn:aws:s3:::",) + bucket + ("/",) + key + (script,)
                if _readable(template, role, bucket, obj):
                    continue
                shown = _show(bucket)
                yield Hit(v.path, f"lifecycle scripts of instance group {name} are in bucket {shown}{v.origin()}, "
                                  f"which is not named {facts['bucket_prefix']}*, and nothing in the template lets "
                                  f"execution role {role} read it ({facts['managed_policy']} only covers "
                                  f"{facts['bucket_prefix']}* buckets); grant s3:GetObject on "
                                  f"arn:aws:s3:::{shown}/* to the role, or move the scripts to a "
                                  f"{facts['bucket_prefix']}* bucket", related=(("Resources", role),))


def _only_known_managed_policies(template, role: str, managed: str) -> bool:
    """The role's managed policies are all known: the HyperPod managed policy or policies of this template."""
    return all(name == managed for name, _ in role_managed_policies(template, role))


def _bucket_and_key(template, parts: tuple):
    """(bucket parts, key parts) of an s3:// or https:// S3 URI; None when it cannot be read."""
    items = _resolve_buckets(template, parts)
    head = items[0] if items and isinstance(items[0], str) else ""
    if head.startswith("s3://"):
        rest = (head[5:],) + items[1:]
        return _split_first(rest)
    if head.startswith("https://"):
        host_rest = _split_first((head[8:],) + items[1:])
        if host_rest is None:
            return None
        host, rest = host_rest
        host_text = host[0] if len(host) == 1 and isinstance(host[0], str) else None
        if host_text is None:
            return None
        m = _HOSTED.match(host_text)
        if m:
            return (m.group("bucket"),), rest
        if _PATH_STYLE.match(host_text):
            return _split_first(rest)
    return None


def _split_first(parts: tuple):
    """Split parts at the first '/' of literal text: (before, after); None when nothing comes before it."""
    parts = tuple(p for p in parts if p != "")
    for i, p in enumerate(parts):
        if isinstance(p, str) and "/" in p:
            before, _, after = p.partition("/")
            head = parts[:i] + ((before,) if before else ())
            tail = ((after,) if after else ()) + parts[i + 1:]
            if not head:
                return None
            if tail and isinstance(tail[-1], str) and not tail[-1].endswith("/"):
                tail = tail[:-1] + (tail[-1] + "/",)
            return head, tail
    return (parts, ()) if parts else None


def _resolve_buckets(template, parts: tuple) -> tuple:
    """`${Bucket}` of an AWS::S3::Bucket with a literal BucketName is that name."""
    out = []
    for p in parts:
        if isinstance(p, ResourceRef) and p.attribute is None and template.resource_type(p.name) == "AWS::S3::Bucket":
            name = template.properties(p.name).get("BucketName")
            p = name if isinstance(name, str) else Unknown(p.name)
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        else:
            out.append(p)
    return tuple(out)


def _prefixed(bucket: tuple, prefix: str) -> bool | None:
    """Whether the bucket name starts with ``prefix``: True, False, or None when unknown pieces decide."""
    head = bucket[0] if bucket and isinstance(bucket[0], str) else ""
    if head.startswith(prefix):
        return True
    if len(bucket) > 1 or not isinstance(bucket[0], str):
        return None if prefix.startswith(head) else False
    return False


def _readable(template, role: str, bucket: tuple, obj: tuple) -> bool:
    """Whether something in the template may let ``role`` read ``obj`` (or cannot be read offline)."""
    for statement, _ in role_statements(template, role):
        if may_allow(template, statement, "s3:GetObject", obj) is not False:
            return True
    for _, policy, _ in template.resources_of_type("AWS::S3::BucketPolicy"):
        for v in template.text_parts(policy.get("Bucket"), ()):
            named = _resolve_buckets(template, v.value)
            if named == bucket or not all(isinstance(p, str) for p in named):
                return True  # a bucket policy of this bucket (or one that cannot be told apart)
    return False


def _show(parts: tuple) -> str:
    return "".join(p if isinstance(p, str) else "${" + getattr(p, "name", "?") + "}" for p in parts)
