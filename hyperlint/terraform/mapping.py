"""Terraform names -> CloudFormation names: the tables ``TerraformView`` translates with.

Each resource type hyperlint reads (``RESOURCE_TYPES``: the SageMaker HyperPod
cluster; the EKS cluster, add-ons, node groups, access entries and pod identity
associations; IAM roles; subnets, route tables, gateways and security groups)
becomes the CloudFormation type the HP1xx/HP2xx rules read, its attributes and
blocks renamed (snake_case to PascalCase, with the exceptions of ``KEYS`` and
the per-type renames); ``FREE`` values keep their keys as written.
"""

from __future__ import annotations

import re

NOVALUE = {"Ref": "AWS::NoValue"}
DIALECT = "Terraform"

AUTO = "auto"  # rename keys snake_case -> PascalCase, recursively
FREE = "free"  # keep keys as written (labels, tags, policy documents)

# free-form maps and JSON documents: their keys are data, never renamed
FREE_KEYS = {"labels", "tags", "tags_all", "assume_role_policy", "policy", "configuration_values", "environment"}
# snake_case names whose CloudFormation spelling is not plain PascalCase
KEYS = {
    "volume_size_in_gb": "VolumeSizeInGB",
    "size_in_gi_b": "SizeInGiB",
    "fsx_lustre_config": "FSxLustreConfig",
    "ipv6_cidr_block": "Ipv6CidrBlock",
    "ipv6_native": "Ipv6Native",
    "ipv6_ipam_pool_id": "Ipv6IpamPoolId",
}
META_ARGUMENTS = {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}


def pascal(key: str) -> str:
    if key in KEYS:
        return KEYS[key]
    return "".join(part[:1].upper() + part[1:] for part in key.split("_"))


def rename(shape, key: str):
    """(CloudFormation key, shape of its value) of ``key`` in a mapping of ``shape``."""
    if shape == FREE:
        return key, FREE
    if isinstance(shape, dict) and key in shape:
        return shape[key]
    if key in FREE_KEYS:
        return pascal(key), FREE
    return pascal(key), AUTO


_SG_RULE = {"protocol": ("IpProtocol", AUTO), "ip_protocol": ("IpProtocol", AUTO), "cidr_ipv4": ("CidrIp", AUTO),
            "security_group_id": ("GroupId", AUTO)}

# inline rules of aws_security_group and aws_security_group_rule (see _security_group_rule)
_SG_INLINE = {"protocol": ("IpProtocol", AUTO), "cidr_blocks": ("CidrBlocks", AUTO),
              "security_groups": ("SecurityGroups", AUTO), "source_security_group_id": ("PeerGroupId", AUTO)}

# the aws provider's HyperPod cluster: blocks, one per instance group / storage config
_SM_GROUP = {"lifecycle_config": ("LifeCycleConfig", AUTO), "instance_storage_config": ("InstanceStorageConfigs", AUTO),
             "on_start_deep_healthchecks": ("OnStartDeepHealthChecks", AUTO)}

# Terraform type -> (CloudFormation type, renames of its top-level keys)
RESOURCE_TYPES = {
    "awscc_sagemaker_cluster": ("AWS::SageMaker::Cluster", {}),
    "aws_sagemaker_cluster": ("AWS::SageMaker::Cluster", {"instance_group": ("InstanceGroups", _SM_GROUP)}),
    "aws_eks_cluster": ("AWS::EKS::Cluster", {"vpc_config": ("ResourcesVpcConfig", AUTO)}),
    "awscc_eks_cluster": ("AWS::EKS::Cluster", {}),
    "aws_eks_addon": ("AWS::EKS::Addon", {"pod_identity_association": ("PodIdentityAssociations", AUTO)}),
    "awscc_eks_addon": ("AWS::EKS::Addon", {}),
    "aws_eks_pod_identity_association": ("AWS::EKS::PodIdentityAssociation", {}),
    "awscc_eks_pod_identity_association": ("AWS::EKS::PodIdentityAssociation", {}),
    "aws_eks_access_entry": ("AWS::EKS::AccessEntry", {}),
    "awscc_eks_access_entry": ("AWS::EKS::AccessEntry", {}),
    "aws_eks_node_group": ("AWS::EKS::Nodegroup", {"node_role_arn": ("NodeRole", AUTO),
                                                   "node_group_name": ("NodegroupName", AUTO),
                                                   "taint": ("Taints", AUTO)}),
    "aws_iam_role": ("AWS::IAM::Role", {"name": ("RoleName", AUTO),
                                        "assume_role_policy": ("AssumeRolePolicyDocument", FREE)}),
    "awscc_iam_role": ("AWS::IAM::Role", {"assume_role_policy_document": ("AssumeRolePolicyDocument", FREE)}),
    "aws_subnet": ("AWS::EC2::Subnet", {}),
    "aws_route_table": ("AWS::EC2::RouteTable", {"route": ("Routes", AUTO)}),
    "aws_route": ("AWS::EC2::Route", {}),
    "aws_route_table_association": ("AWS::EC2::SubnetRouteTableAssociation", {}),
    "aws_internet_gateway": ("AWS::EC2::InternetGateway", {}),
    "aws_nat_gateway": ("AWS::EC2::NatGateway", {}),
    "aws_security_group": ("AWS::EC2::SecurityGroup", {"ingress": ("SecurityGroupIngress", _SG_INLINE),
                                                       "egress": ("SecurityGroupEgress", _SG_INLINE)}),
    "aws_security_group_rule": ("AWS::EC2::SecurityGroupIngress", dict(_SG_INLINE, security_group_id=("GroupId", AUTO))),
    "aws_vpc_security_group_ingress_rule": ("AWS::EC2::SecurityGroupIngress",
                                            dict(_SG_RULE, referenced_security_group_id=("SourceSecurityGroupId", AUTO))),
    "aws_vpc_security_group_egress_rule": ("AWS::EC2::SecurityGroupEgress",
                                           dict(_SG_RULE, referenced_security_group_id=("DestinationSecurityGroupId", AUTO))),
}
# resources that attach managed policies to roles: type -> (role attribute, policy attribute)
ATTACHMENTS = {"aws_iam_role_policy_attachment": ("role", "policy_arn"),
               "aws_iam_policy_attachment": ("roles", "policy_arn"),
               "aws_iam_role_policy_attachments_exclusive": ("role_name", "policy_arns")}
# blocks that are lists even when written once
LIST_BLOCKS = {"taint", "route", "ingress", "egress", "statement", "principals", "condition",
               "pod_identity_association", "instance_group", "instance_storage_config"}
# `.name` of these is what CloudFormation's Ref gives
REF_IS_NAME = {"aws_iam_role", "aws_eks_cluster", "awscc_eks_cluster", "aws_eks_addon"}
EKS_MODULE = re.compile(r"(^|/)terraform-aws-modules/eks/aws$|^git::.*terraform-aws-eks(\.git)?(\?ref=[^/]*)?$")
