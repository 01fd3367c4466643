"""`MinInstanceCount` greater than `InstanceCount`.

## What it does
Reports an instance group of an `AWS::SageMaker::Cluster` (or a
create-cluster / update-cluster document) whose `MinInstanceCount` is greater
than its `InstanceCount`, also through `!Ref` to a parameter's default. Only
values known offline are compared.

## Why is this bad?
`MinInstanceCount` is the number of instances a group needs before it
becomes `InService`; "if this threshold isn't met within 3 hours, the
instance group rolls back to its previous state" (zero instances for a new
group). A group never gets more instances than its `InstanceCount`, so a
higher minimum is never met: the group waits three hours and rolls back, and
with it the stack.

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
          InstanceType: ml.p5.48xlarge
          InstanceCount: 4
          MinInstanceCount: 8
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
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
          InstanceType: ml.p5.48xlarge
          InstanceCount: 8
          MinInstanceCount: 4
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterInstanceGroupSpecification.html
"""

from __future__ import annotations

from hyperlint.findings import Hit

ID = "HP217"
NAME = "min-instance-count-above-count"
SEVERITY = "error"
TIER = "extended"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            if "MinInstanceCount" not in group:
                continue
            minimum = _count(template, group.get("MinInstanceCount"), path + ("MinInstanceCount",))
            count = _count(template, group.get("InstanceCount"), path + ("InstanceCount",))
            if minimum is None or count is None or minimum[0] <= count[0]:
                continue
            name = template.group_label(group, path)
            yield Hit(minimum[1].path, f"instance group {name} has MinInstanceCount {minimum[0]}{minimum[1].origin()} "
                                       f"but InstanceCount {count[0]}{count[1].origin()}: it can never reach its minimum, "
                                       f"so it rolls back after 3 hours; lower MinInstanceCount or raise InstanceCount",
                      related=(count[1].path,))


def _count(template, value, path):
    """(the one integer a count can be, its Value), or None when it is not one known integer."""
    found = {}
    for v in template.scalars(value, path):
        n = v.value
        if isinstance(n, str) and n.strip().isdigit():
            n = int(n)
        if isinstance(n, bool) or not isinstance(n, int):
            return None
        found.setdefault(n, v)
    if len(found) != 1:
        return None
    (n, v), = found.items()
    return n, v
