"""HyperPod cluster in a public subnet.

## What it does
For every subnet that an `AWS::SageMaker::Cluster` uses (`VpcConfig.Subnets`
and each group's `OverrideVpcConfig.Subnets`) and that the template defines,
reports the subnet when it is public: `MapPublicIpOnLaunch: true`, or its
route table sends `0.0.0.0/0` (or `::/0`) to an internet gateway. Public
subnets the HyperPod cluster does not use, such as the ones hosting NAT
gateways, are never reported. Subnets from parameters or other stacks cannot
be judged offline and are not reported.

## Why is this bad?
The HyperPod EKS prerequisites page requires private subnets for HyperPod.
Its nodes reach AWS services through NAT or VPC endpoints; observation: nodes
in a public subnet are needlessly reachable from the internet.

## Example
```yaml
Resources:
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0a1b2c3d
      CidrBlock: 10.1.0.0/20
      MapPublicIpOnLaunch: true
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig:
        SecurityGroupIds: [sg-0a1b2c3d]
        Subnets: [!Ref PublicSubnet]
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
Resources:
  PrivateSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-0a1b2c3d
      CidrBlock: 10.1.16.0/20
      MapPublicIpOnLaunch: false
  HyperPodCluster:
    Type: AWS::SageMaker::Cluster
    Properties:
      Orchestrator:
        Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
      VpcConfig:
        SecurityGroupIds: [sg-0a1b2c3d]
        Subnets: [!Ref PrivateSubnet]
      InstanceGroups:
        - InstanceGroupName: workers
          InstanceType: ml.g5.8xlarge
          InstanceCount: 2
          ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Terraform
An `aws_subnet` of the module named in `vpc_config.subnets` (or an
`override_vpc_config`) of an `awscc_sagemaker_cluster`, with
`map_public_ip_on_launch = true` or a route table (`aws_route`, inline `route`
blocks) sending `0.0.0.0/0` to an `aws_internet_gateway`:
```hcl
resource "aws_subnet" "private" {
  vpc_id                  = "vpc-0a1b2c3d"
  cidr_block              = "10.1.0.0/16"
  map_public_ip_on_launch = true
}

resource "awscc_sagemaker_cluster" "hyperpod" {
  cluster_name = "ml-cluster"
  instance_groups = [{
    instance_group_name = "accelerated"
    instance_type       = "ml.p5.48xlarge"
    instance_count      = 2
    execution_role      = "arn:aws:iam::111122223333:role/hyperpod-execution"
    life_cycle_config = {
      on_create     = "on_create.sh"
      source_s3_uri = "s3://sagemaker-lifecycle-111122223333/"
    }
  }]
  orchestrator = { eks = { cluster_arn = "arn:aws:eks:us-west-2:111122223333:cluster/hyperpod-eks" } }
  vpc_config = {
    security_group_ids = ["sg-0a1b2c3d"]
    subnets            = [aws_subnet.private.id]
  }
}
```

## References
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-prerequisites.html
  (HyperPod subnets must be private)
- https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites.html
  (VPC setup with NAT or VPC endpoints)
"""

from __future__ import annotations

from hyperlint.cfn import ResourceRef
from hyperlint.findings import Hit

ID = "HP204"
NAME = "public-subnet"
SEVERITY = "error"
TIER = "core"

_DEFAULT_ROUTES = ("0.0.0.0/0", "::/0")


def check_cfn(template, ctx):
    for _, props, base in template.resources_of_type("AWS::SageMaker::Cluster"):
        for subnet, ref_path in template.subnet_refs(props, base):
            why = _public(template, subnet)
            if why:
                reason, evidence = why
                yield Hit(ref_path, f"HyperPod subnet {subnet} is public ({reason}); HyperPod needs private subnets "
                                    f"(route 0.0.0.0/0 through a NAT gateway instead)", related=(evidence,))


def _public(template, subnet: str):
    props = template.properties(subnet)
    path = ("Resources", subnet, "Properties", "MapPublicIpOnLaunch")
    if any(v.value is True or str(v.value).lower() == "true"
           for v in template.scalars(props.get("MapPublicIpOnLaunch"), path)):
        return "MapPublicIpOnLaunch: true", path
    for _, assoc in template.referencing("AWS::EC2::SubnetRouteTableAssociation", "SubnetId", subnet):
        table = template.ref_target(assoc.get("RouteTableId"))
        if table is None:
            continue
        for route, rprops in template.referencing("AWS::EC2::Route", "RouteTableId", table):
            dest = rprops.get("DestinationCidrBlock", rprops.get("DestinationIpv6CidrBlock"))
            if dest in _DEFAULT_ROUTES and _internet_gateway(template, rprops.get("GatewayId")):
                return (f"its route table {table} sends {dest} to an internet gateway",
                        ("Resources", route, "Properties", "GatewayId"))
    return None


def _internet_gateway(template, value) -> bool:
    for v in template.values(value, ()):
        if isinstance(v.value, ResourceRef):
            if template.resource_type(v.value.name) == "AWS::EC2::InternetGateway":
                return True
        elif isinstance(v.value, str) and v.value.startswith("igw-"):
            return True
    return False
