"""The generic CloudFormation helpers of hyperlint.cfn: strings through Sub/Join, IAM, security groups."""

from __future__ import annotations

from hyperlint.cfn import ResourceRef, Template, Unknown, presence, spell
from hyperlint.cfn_iam import may_allow, role_managed_policies, role_statements, role_trusts
from hyperlint.cfn_network import security_group_refs, security_group_rules

TEMPLATE = {
    "Parameters": {
        "Bucket": {"Type": "String", "Default": "sagemaker-lc"},
        "Free": {"Type": "String"},
        "Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]},
    },
    "Resources": {
        "Eks": {"Type": "AWS::EKS::Cluster", "Properties": {}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": "exec",
            "AssumeRolePolicyDocument": {"Statement": [
                {"Effect": "Allow", "Principal": {"Service": {"Fn::Sub": "hyperpod.sagemaker.${AWS::URLSuffix}"}},
                 "Action": "sts:AssumeRole"}]},
            "ManagedPolicyArns": [
                {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy"},
                {"Ref": "Managed"},
                "arn:aws:iam::111122223333:policy/custom",
            ],
            "Policies": [{"PolicyName": "inline", "PolicyDocument": {"Statement": {
                "Effect": "Allow", "Action": "s3:Get*", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"}}}}],
        }},
        "Managed": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}}},
        "Attached": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": ["exec"], "PolicyDocument":
                     '{"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}'}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "SecurityGroupEgress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}},
        "SelfIn": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]}, "IpProtocol": "-1", "SourceSecurityGroupId": {"Ref": "Sg"}}},
    },
}


def parts(value):
    return [v.value for v in Template(TEMPLATE).text_parts(value, ("here",))]


def test_text_parts_follow_sub_join_and_parameters():
    assert parts({"Fn::Sub": "s3://${Bucket}/lc/"}) == [("s3://sagemaker-lc/lc/",)]
    assert parts({"Fn::Sub": "arn:${AWS::Partition}:eks:${AWS::Region}:1:cluster/${Free}"}) == [
        ("arn:", Unknown("AWS::Partition"), ":eks:", Unknown("AWS::Region"), ":1:cluster/", Unknown("Free"))]
    assert parts({"Fn::Sub": "${Eks.Arn}"}) == [(ResourceRef("Eks", "Arn"),)]
    assert parts({"Fn::Sub": ["${A}-${!Literal}", {"A": {"Fn::ImportValue": "x"}}]}) == [(Unknown("A"), "-${Literal}")]
    assert parts({"Fn::Join": ["/", ["a", {"Ref": "Eks"}, {"Ref": "Env"}]]}) == [
        ("a/", ResourceRef("Eks", None), "/dev"), ("a/", ResourceRef("Eks", None), "/prod")]
    assert parts({"Fn::If": ["C", "x", {"Fn::Sub": "y-${Env}"}]}) == [("x",), ("y-dev",), ("y-prod",)]
    assert parts({"Ref": "Free"}) == []  # unknowable as a whole: nothing
    assert spell(("arn:", Unknown("AWS::Partition"), ":x"), None) == "arn:aws:x"
    assert spell(("a", Unknown("Free")), None) is None


def test_roles_trust_statements_and_managed_policies():
    t = Template(TEMPLATE)
    assert role_trusts(t, "Role", "hyperpod.sagemaker.amazonaws.com") is True
    assert role_trusts(t, "Role", "sagemaker.amazonaws.com") is False  # exact service, not a substring
    assert role_trusts(t, "Eks", "sagemaker.amazonaws.com") is None  # no readable trust policy
    found = {(st.get("Action") if isinstance(st.get("Action"), str) else st["Action"][0]) for st, _ in role_statements(t, "Role")}
    assert found == {"s3:Get*", "ec2:Describe*", "s3:ListBucket"}
    assert [name for name, _ in role_managed_policies(t, "Role")] == ["AmazonSageMakerClusterInstanceRolePolicy", None]


def test_may_allow_matches_iam_wildcards_and_unknown_pieces():
    t = Template(TEMPLATE)
    (inline, _), = [s for s in role_statements(t, "Role") if s[0].get("Action") == "s3:Get*"]
    assert may_allow(t, inline, "s3:GetObject", ("arn:aws:s3:::sagemaker-lc/lc/on_create.sh",)) is True
    assert may_allow(t, inline, "s3:GetObject", ("arn:aws:s3:::other/x",)) is False
    assert may_allow(t, inline, "s3:PutObject", ("arn:aws:s3:::sagemaker-lc/x",)) is False
    assert may_allow(t, inline, "s3:GetObject", ("arn:aws:s3:::", Unknown("Free"), "/x")) is True
    assert may_allow(t, {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, "s3:GetObject", ("x",)) is None
    assert may_allow(t, {"Effect": "Deny", "Action": "*", "Resource": "*"}, "s3:GetObject", ("x",)) is False


def test_security_group_rules_inline_and_separate():
    t = Template(TEMPLATE)
    assert [p for _, p in security_group_rules(t, "Sg", "egress")] == [
        ("Resources", "Sg", "Properties", "SecurityGroupEgress", 0)]
    assert [p for _, p in security_group_rules(t, "Sg", "ingress")] == [("Resources", "SelfIn", "Properties")]
    config = {"SecurityGroupIds": [{"Fn::GetAtt": ["Sg", "GroupId"]}, "sg-0123", {"Ref": "Free"}]}
    assert list(security_group_refs(t, config, ("V",))) == [("Sg", ("V", "SecurityGroupIds", 0))]


def test_presence():
    assert presence(None) is False and presence({"Ref": "AWS::NoValue"}) is False
    assert presence("x") is True and presence({"Ref": "Free"}) is True
    assert presence({"Fn::If": ["C", "x", {"Ref": "AWS::NoValue"}]}) is None
    assert presence({"Fn::If": ["C", "x", "y"]}) is True
