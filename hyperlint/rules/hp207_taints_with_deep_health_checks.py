"""Custom taints on an instance group that runs deep health checks.

## What it does
Reports an instance group that sets both `OnStartDeepHealthChecks` and
`KubernetesConfig.Taints`.

## Why is this bad?
The HyperPod EKS prerequisites page says custom taints cannot be added to
nodes of instance groups with deep health checks turned on; HyperPod taints
those nodes itself during the checks and removes the taint when they pass
(the node-labels page). The page does not say how the conflict shows (a
rejected request, or taints that do not stay), and the later
`KubernetesConfig` feature does not repeat the restriction, so it is kept
here as the documented rule: use labels, or turn the checks off for that
group.

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
        - InstanceGroupName: gpu
          InstanceType: ml.p5.48xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
          OnStartDeepHealthChecks: [InstanceStress, InstanceConnectivity]
          KubernetesConfig:
            Taints:
              - {Key: team, Value: research, Effect: NoSchedule}
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
        - InstanceGroupName: gpu
          InstanceType: ml.p5.48xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
          OnStartDeepHealthChecks: [InstanceStress, InstanceConnectivity]
          KubernetesConfig:
            Labels: {team: research}
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (custom taints cannot be added to instance groups with deep health checks)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-resiliency-node-labels.html
  (HyperPod taints a node during deep health checks)
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterKubernetesConfig.html
  (`Taints`)
"""

from __future__ import annotations

from hyperlint.findings import Hit

ID = "HP207"
NAME = "taints-with-deep-health-checks"
SEVERITY = "error"
TIER = "core"


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for group, path in template.instance_groups(props, base):
            config = group.get("KubernetesConfig")
            taints = config.get("Taints") if isinstance(config, dict) else None
            if group.get("OnStartDeepHealthChecks") and isinstance(taints, list) and taints:
                name = template.group_label(group, path)
                yield Hit(path + ("KubernetesConfig", "Taints"),
                          f"instance group {name} runs deep health checks and sets custom taints; HyperPod does not "
                          f"allow custom taints on instance groups with OnStartDeepHealthChecks (use labels, or a "
                          f"separate group without deep health checks)", key=True,
                          related=(path + ("OnStartDeepHealthChecks",),))
