"""EKS authentication mode is not `API` or `API_AND_CONFIG_MAP`.

## What it does
Checks `AWS::EKS::Cluster.AccessConfig.AuthenticationMode` (also through
`!Ref`) and eksctl `accessConfig.authenticationMode`. A template without
`AccessConfig.AuthenticationMode` gets `CONFIG_MAP`, CloudFormation's
default, and is reported too; eksctl's own default (`API_AND_CONFIG_MAP`)
is fine.

On an EKS cluster not tied to HyperPod (no HyperPod cluster of its scope
names it, neither its file, stack description, name nor logical ID says
HyperPod or SageMaker, and the configuration does not say so; see
`hyperlint.scopes`) the finding is info.

## Why is this bad?
HyperPod registers its nodes through EKS access entries, which only exist in
the `API` and `API_AND_CONFIG_MAP` modes. With `CONFIG_MAP` the HyperPod
cluster cannot join the EKS cluster. The console defaults to
`API_AND_CONFIG_MAP`, but the EKS API, the SDKs and CloudFormation default
to `CONFIG_MAP`, which is why templates copied from older examples fail.

## Example
```yaml
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.32"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      ResourcesVpcConfig:
        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
```

## Use instead
```yaml
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Version: "1.32"
      RoleArn: arn:aws:iam::111122223333:role/eks-cluster
      AccessConfig:
        AuthenticationMode: API_AND_CONFIG_MAP
      ResourcesVpcConfig:
        SubnetIds: [subnet-0a1b2c3d, subnet-4e5f6a7b]
```

## Fix
Unsafe (`--unsafe-fixes`): adds `AccessConfig: {AuthenticationMode: API_AND_CONFIG_MAP}`,
which changes the cluster's access management.

## Terraform
`aws_eks_cluster` without an `access_config` block gets `CONFIG_MAP` too; the
community module `terraform-aws-modules/eks/aws` defaults to
`API_AND_CONFIG_MAP` (v20 and later) and is judged only on an explicit
`authentication_mode`:
```hcl
resource "aws_eks_cluster" "main" {
  name     = "hyperpod-eks"
  version  = "1.32"
  role_arn = "arn:aws:iam::111122223333:role/eks-cluster"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (authentication mode `API` or `API_AND_CONFIG_MAP`)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-eks-cluster-accessconfig.html
  (`AuthenticationMode` defaults to `CONFIG_MAP`)
"""

from __future__ import annotations

from hyperlint.cfn import is_function, is_no_value
from hyperlint.findings import Hit
from hyperlint.templating import is_placeholder, unrendered

ID = "HP103"
NAME = "authentication-mode"
SEVERITY = "error"
EMITS = ("error", "info")  # info: on an EKS cluster not tied to HyperPod
TIER = "core"
OBJECT_KINDS = ("ClusterConfig",)  # eksctl
FIX = "unsafe"
FIXED_MODE = "API_AND_CONFIG_MAP"


def check_cfn(template, ctx):
    modes = ctx.data.eks["authentication_modes"]
    allowed = modes["allowed"]
    for name, props, base in template.resources_of_type("AWS::EKS::Cluster"):
        access = props.get("AccessConfig")
        if is_function(access) and not is_no_value(access):
            continue  # AccessConfig from a parameter, an import, a Terraform `dynamic` block: not known
        if not isinstance(access, dict) or "AuthenticationMode" not in access:
            where = base + ("AccessConfig", "AuthenticationMode")
            terraform = template.dialect == "Terraform"
            what = "access_config.authentication_mode" if terraform else "AccessConfig.AuthenticationMode"
            how = ('add access_config { authentication_mode = "API_AND_CONFIG_MAP" } (or "API")' if terraform
                   else "set AuthenticationMode: API_AND_CONFIG_MAP (or API)")
            yield Hit(where, f"EKS cluster {name} has no {what}, so {template.dialect} "
                             f"creates it with {modes['cloudformation_default']}, which HyperPod cannot use; {how}",
                      facts={"missing": True, "resource": name, "fixed": FIXED_MODE})
            continue
        for v in template.scalars(access["AuthenticationMode"], base + ("AccessConfig", "AuthenticationMode")):
            hit = _judge(v.value, v.path, allowed, v.origin())
            if hit and hit.rule is None and "AllowedValues" not in v.path:
                hit = hit._replace(facts={"value": v.value, "fixed": FIXED_MODE})
                copies = template.allowed_copies(v.path, v.value)
                if copies:  # fixed together: CloudFormation rejects a Default outside AllowedValues
                    hit = hit._replace(related=copies, facts={**hit.facts, "fix_related": True})
            if hit:
                yield hit


def check_object(obj, ctx):
    if not obj.is_eksctl_cluster:
        return
    access = obj.data.get("accessConfig")
    if isinstance(access, dict) and "authenticationMode" in access:
        value = access["authenticationMode"]
        hit = _judge(value, obj.at("accessConfig", "authenticationMode"),
                     ctx.data.eks["authentication_modes"]["allowed"], "")
        if hit and hit.rule is None:
            hit = hit._replace(facts={"value": value, "fixed": FIXED_MODE})
        if hit:
            yield hit


def _judge(value, path, allowed, origin: str):
    if is_placeholder(value):
        return unrendered(path, value, "authentication mode")
    if value in allowed:
        return None
    return Hit(path, f"authentication mode {value}{origin} does not support EKS access entries, which HyperPod "
                     f"needs; use {' or '.join(sorted(allowed, key=len, reverse=True))}")


def fix(finding, source):
    """Unsafe fix: set the mode to API_AND_CONFIG_MAP, adding AccessConfig where it is missing."""
    facts = finding.facts or {}
    if "value" in facts:
        edit = source.replace_scalar(finding, str(facts["value"]), FIXED_MODE)
        return [edit] if edit else []
    if not facts.get("missing"):
        return []
    from hyperlint.fix import insert_entry

    line = source.line_bytes(finding.loc.line)[finding.loc.column - 1:]
    key = line.split(b":", 1)[0].strip(b"\"' ")
    if key == b"Properties":
        edit = insert_entry(source, finding.loc, "AccessConfig", {"AuthenticationMode": FIXED_MODE})
    elif key == b"AccessConfig":
        edit = insert_entry(source, finding.loc, "AuthenticationMode", FIXED_MODE)
    else:
        return []
    return [edit] if edit else []
