"""EKS access entry of type `HYPERPOD_LINUX` with access policies.

## What it does
Reports `AccessPolicies` on an `AWS::EKS::AccessEntry` whose `Type` is
`HYPERPOD_LINUX` (also through `!Ref` to a parameter's default and allowed
values, and `!If`). The entry types that cannot carry access policies are
data (`schemas/eks.json`, `access_entries`).

## Why is this bad?
A `HYPERPOD_LINUX` access entry lets the nodes of a HyperPod cluster join the
EKS cluster; EKS gives such node entries their Kubernetes permissions itself.
Like `EC2_LINUX` and `HYBRID_LINUX` entries, it cannot have access policies
attached: EKS rejects the association and the stack fails (or rolls back)
at the access entry.

## Example
```yaml
Resources:
  HyperPodNodesAccess:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: training
      PrincipalArn: arn:aws:iam::111122223333:role/hyperpod-exec
      Type: HYPERPOD_LINUX
      AccessPolicies:
        - PolicyArn: arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy
          AccessScope: {Type: cluster}
```

## Use instead
```yaml
Resources:
  HyperPodNodesAccess:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: training
      PrincipalArn: arn:aws:iam::111122223333:role/hyperpod-exec
      Type: HYPERPOD_LINUX
```

## References
- https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
  (node access entry types take no access policies)
- https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_eks.AccessEntryType.html
  (the `HYPERPOD_LINUX` type)
- https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-accessentry.html
  (`AccessPolicies`, `Type`)
"""

from __future__ import annotations

from hyperlint.cfn import presence
from hyperlint.findings import Hit

ID = "HP108"
NAME = "hyperpod-access-entry-with-policies"
SEVERITY = "error"
TIER = "extended"


def check_cfn(template, ctx):
    forbidden = set(ctx.data.eks["access_entries"]["no_access_policy_types"])
    for name, props, base in template.resources_of_type("AWS::EKS::AccessEntry"):
        policies = props.get("AccessPolicies")
        if not presence(policies) or policies == []:
            continue
        for v in template.scalars(props.get("Type"), base + ("Type",)):
            if isinstance(v.value, str) and v.value.upper() in forbidden:
                yield Hit(base + ("AccessPolicies",),
                          f"access entry {name} has Type {v.value}{v.origin()}, which cannot have access policies; "
                          f"remove AccessPolicies (EKS grants node permissions to {v.value} entries itself)",
                          key=True, related=(v.path,))
                break
