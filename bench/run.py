#!/usr/bin/env python3
"""hyperlint benchmark: generated inputs, hyperlint and its baselines side by side.

    python bench/run.py                 # 5 runs of everything, a text table
    python bench/run.py --runs 9        # more runs
    python bench/run.py --quick         # smaller inputs, 2 runs: a smoke test
    python bench/run.py --markdown      # the tables for the README
    python bench/run.py --generate-only # write the inputs and stop

Inputs are generated deterministically (seeded) into ``bench/out/`` (or
``--out DIR``):

- ``stream.yaml``: a Helm-rendered stream of 5,000 documents (~165,000 lines)
  with ``# Source:`` comments: Deployments, Jobs, Kubeflow PyTorchJobs,
  Services and ConfigMaps with HyperPod node selectors, a few with real
  mistakes so that findings are produced;
- ``small.yaml``: one small manifest;
- ``many/``: 2,000 small manifest files;
- ``terraform/``: 25 HyperPod EKS Terraform module folders, 100 ``.tf`` files
  (``terraform_tree``);
- ``stack.yaml``: a 50-resource CloudFormation stack (VPC, subnets, route
  tables, security groups, IAM roles, EKS cluster and add-ons, a node group,
  an ``AWS::SageMaker::Cluster``; short-form intrinsics) that lints clean
  with cfn-lint;
- ``chart/``: a Helm chart of 40 workload templates fed by values (two real
  mistakes), linted by hyperlint and rendered alone (``helm template``, else
  helm-python-sdk) for the comparison.

Every measurement is a whole process (``subprocess``), wall time by
``time.perf_counter``, CPU time and peak RSS from ``os.wait4`` (the largest
single process: for a parallel run, the biggest of the parent and its
workers). The commands are interleaved run by run, after one unmeasured
warm-up each, and the tables show medians. Targets are ratios measured in the
same run: absolute times on a shared machine are noise.

Baselines: ``yamllint`` and ``cfn-lint`` are looked up next to this Python
and on PATH; a missing one is reported (with the ``pip install`` that
provides it) and its rows are skipped. The script installs nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240606

# ---------------------------------------------------------------------------------------------
# Input generation
# ---------------------------------------------------------------------------------------------

FULL = {"stream_docs": 5000, "files": 2000}
QUICK = {"stream_docs": 400, "files": 160}

NAMESPACES = ["ml-training", "ml-serving", "kubeflow", "research", "eval", "data-prep", "platform"]
TEAMS = ["nlp", "vision", "speech", "recsys", "agents", "safety", "infra", "retrieval"]
MODELS = ["llama3-8b", "llama3-70b", "mistral-7b", "mixtral-8x7b", "falcon-40b", "bert-large", "vit-h14",
          "whisper-large", "t5-xxl", "gpt-neox-20b", "stablelm-7b", "qwen2-72b"]
GPU_TYPES = ["ml.p5.48xlarge", "ml.p4d.24xlarge", "ml.g5.12xlarge", "ml.g5.48xlarge", "ml.g6e.12xlarge",
             "ml.trn1.32xlarge", "ml.g5.8xlarge", "ml.p5e.48xlarge"]
CPU_TYPES = ["ml.c5.4xlarge", "ml.m5.2xlarge", "ml.m6i.4xlarge", "ml.c6i.8xlarge"]
REGISTRY = "111122223333.dkr.ecr.us-west-2.amazonaws.com"
GROUPS = ["gpu-workers", "gpu-inference", "cpu-workers", "trainium"]
CHART = "ml-platform"

# Real mistakes, each made by a small share of the workloads (hyperlint rule in the comment).
MISTAKES = {
    "no-ml-prefix": 0.012,  # HP301: instance type without `ml.`
    "health-label-case": 0.008,  # HP303: `schedulable` for a HyperPod health label
    "tolerate-all": 0.008,  # HP304: a bare `operator: Exists` toleration
    "dlami-storage": 0.008,  # HP306: node storage outside /opt/sagemaker
    "host-network": 0.006,  # HP307: hostNetwork on a HyperPod pod
}


class Gen:
    """Realistic Kubernetes documents, drawn from one seeded random stream."""

    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.n = 0

    def mistake(self) -> str | None:
        x = self.r.random()
        for name, share in MISTAKES.items():
            if x < share:
                return name
            x -= share
        return None

    def name(self, kind: str) -> str:
        self.n += 1
        return f"{self.r.choice(TEAMS)}-{self.r.choice(MODELS)}-{kind}-{self.n:05d}"

    def sha(self) -> str:
        return hashlib.sha256(str(self.r.random()).encode()).hexdigest()

    def labels(self, name: str, component: str, indent: str) -> list[str]:
        return [
            f"{indent}app.kubernetes.io/name: {name}",
            f"{indent}app.kubernetes.io/instance: {CHART}",
            f"{indent}app.kubernetes.io/managed-by: Helm",
            f"{indent}helm.sh/chart: {CHART}-1.{self.r.randint(0, 9)}.{self.r.randint(0, 20)}",
        ]

    def selection(self, indent: str, gpu: bool, mistake: str | None) -> list[str]:
        """nodeSelector or node affinity that targets HyperPod nodes (or plain EKS nodes)."""
        itype = self.r.choice(GPU_TYPES if gpu else CPU_TYPES)
        if mistake == "no-ml-prefix":
            itype = itype[3:]
        health = "schedulable" if mistake == "health-label-case" else "Schedulable"
        style = self.r.random()
        if style < 0.55:
            out = [f"{indent}nodeSelector:", f"{indent}  node.kubernetes.io/instance-type: {itype}"]
            if self.r.random() < 0.6 or mistake == "health-label-case":
                out.append(f"{indent}  sagemaker.amazonaws.com/node-health-status: {health}")
            return out
        if style < 0.9:
            out = [
                f"{indent}affinity:",
                f"{indent}  nodeAffinity:",
                f"{indent}    requiredDuringSchedulingIgnoredDuringExecution:",
                f"{indent}      nodeSelectorTerms:",
                f"{indent}        - matchExpressions:",
                f"{indent}            - key: node.kubernetes.io/instance-type",
                f"{indent}              operator: In",
                f"{indent}              values:",
                f"{indent}                - {itype}",
            ]
            if self.r.random() < 0.5:
                out.append(f"{indent}                - {self.r.choice(GPU_TYPES if gpu else CPU_TYPES)}")
            out += [
                f"{indent}            - key: sagemaker.amazonaws.com/node-health-status",
                f"{indent}              operator: In",
                f"{indent}              values: [{health}]",
            ]
            return out
        return [f"{indent}nodeSelector:",
                f"{indent}  sagemaker.amazonaws.com/instance-group-name: {self.r.choice(GROUPS)}"]

    def container(self, indent: str, name: str, gpu: bool, ports: bool, mistake: str | None) -> list[str]:
        model = self.r.choice(MODELS)
        tag = f"{self.r.randint(1, 4)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}"
        out = [
            f"{indent}- name: {name}",
            f'{indent}  image: "{REGISTRY}/{model}:{tag}"',
            f"{indent}  imagePullPolicy: IfNotPresent",
        ]
        if self.r.random() < 0.3:
            out += [f"{indent}  command: [\"torchrun\", \"--nproc-per-node=8\", \"/workspace/train.py\"]"]
        if ports:
            out += [
                f"{indent}  ports:",
                f"{indent}    - name: http",
                f"{indent}      containerPort: {self.r.choice([8000, 8080, 9000])}",
                f"{indent}      protocol: TCP",
            ]
        out.append(f"{indent}  env:")
        for _ in range(self.r.randint(1, 3)):
            key = self.r.choice(["NCCL_DEBUG", "FI_PROVIDER", "MODEL_ID", "HF_HOME", "LOG_LEVEL", "OMP_NUM_THREADS",
                                 "FI_EFA_USE_DEVICE_RDMA", "TORCH_DISTRIBUTED_DEBUG", "S3_BUCKET", "WANDB_MODE"])
            value = self.r.choice(["INFO", "efa", model, "/opt/sagemaker/cache", "1", "offline", "DETAIL",
                                   f"s3://{self.r.choice(TEAMS)}-datasets/{model}"])
            out += [f"{indent}    - name: {key}", f'{indent}      value: "{value}"']
        gpus = self.r.choice([1, 4, 8]) if gpu else 0
        cpu = self.r.choice(["2", "4", "8", "16", "500m"])
        mem = self.r.choice(["8Gi", "16Gi", "32Gi", "64Gi"])
        out += [f"{indent}  resources:", f"{indent}    limits:"]
        if gpus:
            out.append(f"{indent}      nvidia.com/gpu: {gpus}")
            if self.r.random() < 0.4:
                out.append(f"{indent}      vpc.amazonaws.com/efa: {self.r.choice([1, 4, 32])}")
        out += [f"{indent}      memory: {mem}", f"{indent}    requests:", f'{indent}      cpu: "{cpu}"',
                f"{indent}      memory: {mem}"]
        storage = "/opt/dlami/nvme" if mistake == "dlami-storage" else "/opt/sagemaker"
        out += [
            f"{indent}  volumeMounts:",
            f"{indent}    - name: scratch",
            f"{indent}      mountPath: /scratch",
        ]
        self._storage = storage
        return out

    def pod_spec(self, indent: str, gpu: bool, ports: bool, mistake: str | None, restart: str | None) -> list[str]:
        out = [f"{indent}serviceAccountName: {self.r.choice(TEAMS)}-runner"]
        if restart:
            out.append(f"{indent}restartPolicy: {restart}")
        if mistake == "host-network":
            out.append(f"{indent}hostNetwork: true")
        out += self.selection(indent, gpu, mistake)
        if mistake == "tolerate-all":
            out += [f"{indent}tolerations:", f"{indent}  - operator: Exists"]
        elif gpu and self.r.random() < 0.5:
            out += [f"{indent}tolerations:", f"{indent}  - key: nvidia.com/gpu", f"{indent}    operator: Exists",
                    f"{indent}    effect: NoSchedule"]
        out.append(f"{indent}containers:")
        out += self.container(indent + "  ", "main", gpu, ports, mistake)
        out += [
            f"{indent}volumes:",
            f"{indent}  - name: scratch",
            f"{indent}    hostPath:",
            f"{indent}      path: {self._storage}/scratch",
            f"{indent}      type: DirectoryOrCreate",
        ]
        return out

    # -- documents --------------------------------------------------------------------------
    def deployment(self) -> tuple[str, list[str]]:
        name = self.name("server")
        m = self.mistake()
        out = [
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            f"  name: {name}",
            f"  namespace: {self.r.choice(NAMESPACES)}",
            "  labels:",
            *self.labels(name, "inference", "    "),
            "spec:",
            f"  replicas: {self.r.randint(1, 6)}",
            "  selector:",
            "    matchLabels:",
            f"      app.kubernetes.io/name: {name}",
            "  template:",
            "    metadata:",
            "      labels:",
            f"        app.kubernetes.io/name: {name}",
            "      annotations:",
            f"        checksum/config: {self.sha()}",
            "    spec:",
            *self.pod_spec("      ", self.r.random() < 0.7, True, m, None),
        ]
        return "deployment.yaml", out

    def job(self) -> tuple[str, list[str]]:
        name = self.name("eval")
        m = self.mistake()
        out = [
            "apiVersion: batch/v1",
            "kind: Job",
            "metadata:",
            f"  name: {name}",
            f"  namespace: {self.r.choice(NAMESPACES)}",
            "  labels:",
            *self.labels(name, "evaluation", "    "),
            "spec:",
            f"  backoffLimit: {self.r.randint(0, 6)}",
            f"  parallelism: {self.r.randint(1, 4)}",
            "  template:",
            "    spec:",
            *self.pod_spec("      ", self.r.random() < 0.6, False, m, "Never"),
        ]
        return "job.yaml", out

    def pytorchjob(self) -> tuple[str, list[str]]:
        name = self.name("pretrain")
        m = self.mistake()
        out = [
            "apiVersion: kubeflow.org/v1",
            "kind: PyTorchJob",
            "metadata:",
            f"  name: {name}",
            f"  namespace: {self.r.choice(['kubeflow', 'ml-training', 'research'])}",
            "  labels:",
            *self.labels(name, "training", "    "),
            "spec:",
            "  elasticPolicy:",
            "    rdzvBackend: c10d",
            f"    minReplicas: {self.r.randint(1, 4)}",
            f"    maxReplicas: {self.r.randint(4, 16)}",
            "  pytorchReplicaSpecs:",
        ]
        for role, replicas in (("Master", 1), ("Worker", self.r.randint(2, 32))):
            out += [
                f"    {role}:",
                f"      replicas: {replicas}",
                "      restartPolicy: OnFailure",
                "      template:",
                "        spec:",
                *self.pod_spec("          ", True, False, m if role == "Worker" else None, None),
            ]
        return "pytorchjob.yaml", out

    def service(self) -> tuple[str, list[str]]:
        name = self.name("svc")
        return "service.yaml", [
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            f"  name: {name}",
            f"  namespace: {self.r.choice(NAMESPACES)}",
            "  labels:",
            *self.labels(name, "inference", "    "),
            "spec:",
            f"  type: {self.r.choice(['ClusterIP', 'ClusterIP', 'NodePort'])}",
            "  selector:",
            f"    app.kubernetes.io/name: {name}",
            "  ports:",
            "    - name: http",
            f"      port: {self.r.choice([80, 8080, 443])}",
            "      targetPort: http",
            "      protocol: TCP",
        ]

    def configmap(self) -> tuple[str, list[str]]:
        name = self.name("config")
        out = [
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            f"  name: {name}",
            f"  namespace: {self.r.choice(NAMESPACES)}",
            "  labels:",
            *self.labels(name, "config", "    "),
            "data:",
            f'  LOG_LEVEL: "{self.r.choice(["info", "debug", "warning"])}"',
            f'  BATCH_SIZE: "{self.r.choice([8, 16, 32, 64])}"',
            "  train.yaml: |",
            f"    model: {self.r.choice(MODELS)}",
            f"    learning_rate: {self.r.choice(['1.0e-4', '3.0e-5', '2.0e-4'])}",
            f"    warmup_steps: {self.r.randint(100, 2000)}",
            f"    checkpoint_dir: /opt/sagemaker/checkpoints/{name}",
        ]
        return "configmap.yaml", out

    def serviceaccount(self) -> tuple[str, list[str]]:
        name = self.name("runner")
        return "serviceaccount.yaml", [
            "apiVersion: v1",
            "kind: ServiceAccount",
            "metadata:",
            f"  name: {name}",
            f"  namespace: {self.r.choice(NAMESPACES)}",
            "  annotations:",
            f"    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/{name}",
        ]

    KINDS = (("deployment", 0.16), ("job", 0.10), ("pytorchjob", 0.07), ("service", 0.23), ("configmap", 0.23),
             ("serviceaccount", 0.21))

    def document(self) -> tuple[str, list[str]]:
        x = self.r.random()
        for kind, share in self.KINDS:
            if x < share:
                return getattr(self, kind)()
            x -= share
        return self.configmap()


def stream_text(docs: int, seed: int = SEED) -> str:
    """`helm template` output: `---`, `# Source:` comment, document, for each document."""
    g = Gen(seed)
    parts = []
    for i in range(docs):
        template, lines = g.document()
        component = g.r.choice(TEAMS)
        parts.append(f"---\n# Source: {CHART}/charts/{component}/templates/{template}\n" + "\n".join(lines) + "\n")
    return "".join(parts)


def small_text(seed: int = SEED) -> str:
    g = Gen(seed + 1)
    _, lines = g.pytorchjob()
    return "\n".join(lines) + "\n"


def many_files(out: Path, count: int, seed: int = SEED) -> None:
    g = Gen(seed + 2)
    for i in range(count):
        folder = out / f"team-{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        docs = [g.document() for _ in range(1 + (g.r.random() < 0.5))]
        text = "---\n".join("\n".join(lines) + "\n" for _, lines in docs)
        (folder / f"app-{i:04d}.yaml").write_text(text, encoding="utf-8")


def stack_text() -> str:
    """A 50-resource HyperPod-on-EKS stack that lints clean with cfn-lint."""
    resources: list[str] = []

    def res(name: str, body: str) -> None:
        resources.append(f"  {name}:\n" + "\n".join("    " + l if l else l for l in body.strip("\n").split("\n")))

    res("Vpc", """
Type: AWS::EC2::VPC
Properties:
  CidrBlock: !Ref VpcCidr
  EnableDnsHostnames: true
  EnableDnsSupport: true
  Tags:
    - Key: Name
      Value: !Sub "${ClusterName}-vpc"
""")
    res("InternetGateway", """
Type: AWS::EC2::InternetGateway
Properties:
  Tags:
    - Key: Name
      Value: !Sub "${ClusterName}-igw"
""")
    res("GatewayAttachment", """
Type: AWS::EC2::VPCGatewayAttachment
Properties:
  VpcId: !Ref Vpc
  InternetGatewayId: !Ref InternetGateway
""")
    res("PublicRouteTable", """
Type: AWS::EC2::RouteTable
Properties:
  VpcId: !Ref Vpc
""")
    res("PublicRoute", """
Type: AWS::EC2::Route
DependsOn: GatewayAttachment
Properties:
  RouteTableId: !Ref PublicRouteTable
  DestinationCidrBlock: 0.0.0.0/0
  GatewayId: !Ref InternetGateway
""")
    for az in (1, 2):
        res(f"PublicSubnet{az}", f"""
Type: AWS::EC2::Subnet
Properties:
  VpcId: !Ref Vpc
  AvailabilityZone: !Select [{az - 1}, !GetAZs ""]
  CidrBlock: !Select [{az - 1}, !Cidr [!GetAtt Vpc.CidrBlock, 8, 8]]
  MapPublicIpOnLaunch: true
  Tags:
    - Key: kubernetes.io/role/elb
      Value: "1"
""")
        res(f"PublicSubnet{az}Routes", f"""
Type: AWS::EC2::SubnetRouteTableAssociation
Properties:
  SubnetId: !Ref PublicSubnet{az}
  RouteTableId: !Ref PublicRouteTable
""")
        res(f"NatEip{az}", """
Type: AWS::EC2::EIP
DependsOn: GatewayAttachment
Properties:
  Domain: vpc
""")
        res(f"NatGateway{az}", f"""
Type: AWS::EC2::NatGateway
Properties:
  AllocationId: !GetAtt NatEip{az}.AllocationId
  SubnetId: !Ref PublicSubnet{az}
""")
        res(f"PrivateSubnet{az}", f"""
Type: AWS::EC2::Subnet
Properties:
  VpcId: !Ref Vpc
  AvailabilityZone: !Select [{az - 1}, !GetAZs ""]
  CidrBlock: !Select [{az + 1}, !Cidr [!GetAtt Vpc.CidrBlock, 8, 12]]
  Tags:
    - Key: kubernetes.io/role/internal-elb
      Value: "1"
""")
        res(f"PrivateRouteTable{az}", """
Type: AWS::EC2::RouteTable
Properties:
  VpcId: !Ref Vpc
""")
        res(f"PrivateRoute{az}", f"""
Type: AWS::EC2::Route
Properties:
  RouteTableId: !Ref PrivateRouteTable{az}
  DestinationCidrBlock: 0.0.0.0/0
  NatGatewayId: !Ref NatGateway{az}
""")
        res(f"PrivateSubnet{az}Routes", f"""
Type: AWS::EC2::SubnetRouteTableAssociation
Properties:
  SubnetId: !Ref PrivateSubnet{az}
  RouteTableId: !Ref PrivateRouteTable{az}
""")
    res("HyperPodSubnet", """
Type: AWS::EC2::Subnet
Properties:
  VpcId: !Ref Vpc
  AvailabilityZone: !Select [0, !GetAZs ""]
  CidrBlock: !Select [1, !Cidr [!GetAtt Vpc.CidrBlock, 2, 15]]
""")
    res("HyperPodSubnetRoutes", """
Type: AWS::EC2::SubnetRouteTableAssociation
Properties:
  SubnetId: !Ref HyperPodSubnet
  RouteTableId: !Ref PrivateRouteTable1
""")
    res("S3Endpoint", """
Type: AWS::EC2::VPCEndpoint
Properties:
  VpcId: !Ref Vpc
  ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
  RouteTableIds:
    - !Ref PrivateRouteTable1
    - !Ref PrivateRouteTable2
""")
    res("ControlPlaneSecurityGroup", """
Type: AWS::EC2::SecurityGroup
Properties:
  GroupDescription: EKS control plane
  VpcId: !Ref Vpc
""")
    res("NodeSecurityGroup", """
Type: AWS::EC2::SecurityGroup
Properties:
  GroupDescription: HyperPod and EKS nodes (EFA needs all traffic within the group)
  VpcId: !Ref Vpc
""")
    res("NodeSelfIngress", """
Type: AWS::EC2::SecurityGroupIngress
Properties:
  GroupId: !Ref NodeSecurityGroup
  IpProtocol: "-1"
  SourceSecurityGroupId: !Ref NodeSecurityGroup
""")
    res("NodeSelfEgress", """
Type: AWS::EC2::SecurityGroupEgress
Properties:
  GroupId: !Ref NodeSecurityGroup
  IpProtocol: "-1"
  DestinationSecurityGroupId: !Ref NodeSecurityGroup
""")
    res("ControlPlaneFromNodes", """
Type: AWS::EC2::SecurityGroupIngress
Properties:
  GroupId: !Ref ControlPlaneSecurityGroup
  IpProtocol: tcp
  FromPort: 443
  ToPort: 443
  SourceSecurityGroupId: !Ref NodeSecurityGroup
""")
    res("NodesFromControlPlane", """
Type: AWS::EC2::SecurityGroupIngress
Properties:
  GroupId: !Ref NodeSecurityGroup
  IpProtocol: tcp
  FromPort: 1025
  ToPort: 65535
  SourceSecurityGroupId: !Ref ControlPlaneSecurityGroup
""")
    res("FsxSecurityGroup", """
Type: AWS::EC2::SecurityGroup
Properties:
  GroupDescription: FSx for Lustre
  VpcId: !Ref Vpc
  SecurityGroupIngress:
    - IpProtocol: tcp
      FromPort: 988
      ToPort: 988
      SourceSecurityGroupId: !Ref NodeSecurityGroup
""")
    res("FsxSelfIngress", """
Type: AWS::EC2::SecurityGroupIngress
Properties:
  GroupId: !Ref FsxSecurityGroup
  IpProtocol: tcp
  FromPort: 1018
  ToPort: 1023
  SourceSecurityGroupId: !Ref FsxSecurityGroup
""")
    res("EksClusterRole", """
Type: AWS::IAM::Role
Properties:
  AssumeRolePolicyDocument:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Principal:
          Service: eks.amazonaws.com
        Action: sts:AssumeRole
  ManagedPolicyArns:
    - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonEKSClusterPolicy
""")
    res("EksNodeRole", """
Type: AWS::IAM::Role
Properties:
  AssumeRolePolicyDocument:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Principal:
          Service: ec2.amazonaws.com
        Action: sts:AssumeRole
  ManagedPolicyArns:
    - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy
    - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly
    - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonEKS_CNI_Policy
""")
    res("HyperPodExecutionRole", """
Type: AWS::IAM::Role
Properties:
  AssumeRolePolicyDocument:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Principal:
          Service: sagemaker.amazonaws.com
        Action: sts:AssumeRole
  ManagedPolicyArns:
    - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy
  Policies:
    - PolicyName: hyperpod-eks
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action:
              - ec2:AssignPrivateIpAddresses
              - ec2:CreateNetworkInterface
              - ec2:CreateNetworkInterfacePermission
              - ec2:DeleteNetworkInterface
              - ec2:DeleteNetworkInterfacePermission
              - ec2:DescribeNetworkInterfaces
              - ec2:DescribeInstances
              - ec2:DescribeSecurityGroups
              - ec2:DescribeSubnets
              - ec2:DescribeVpcs
              - ec2:DetachNetworkInterface
              - ec2:ModifyNetworkInterfaceAttribute
              - ec2:UnassignPrivateIpAddresses
              - ecr:BatchCheckLayerAvailability
              - ecr:BatchGetImage
              - ecr:GetAuthorizationToken
              - ecr:GetDownloadUrlForLayer
              - eks-auth:AssumeRoleForPodIdentity
            Resource: "*"
          - Effect: Allow
            Action:
              - s3:ListBucket
              - s3:GetObject
            Resource:
              - !GetAtt LifecycleBucket.Arn
              - !Sub "${LifecycleBucket.Arn}/*"
""")
    res("TrainingJobRole", """
Type: AWS::IAM::Role
Properties:
  AssumeRolePolicyDocument:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Principal:
          Service: pods.eks.amazonaws.com
        Action:
          - sts:AssumeRole
          - sts:TagSession
  Policies:
    - PolicyName: training-data
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action:
              - s3:GetObject
              - s3:PutObject
              - s3:ListBucket
            Resource:
              - !GetAtt DataBucket.Arn
              - !Sub "${DataBucket.Arn}/*"
""")
    res("LifecycleBucket", """
Type: AWS::S3::Bucket
DeletionPolicy: Retain
UpdateReplacePolicy: Retain
Properties:
  BucketEncryption:
    ServerSideEncryptionConfiguration:
      - ServerSideEncryptionByDefault:
          SSEAlgorithm: AES256
  PublicAccessBlockConfiguration:
    BlockPublicAcls: true
    BlockPublicPolicy: true
    IgnorePublicAcls: true
    RestrictPublicBuckets: true
""")
    res("DataBucket", """
Type: AWS::S3::Bucket
DeletionPolicy: Retain
UpdateReplacePolicy: Retain
Properties:
  BucketEncryption:
    ServerSideEncryptionConfiguration:
      - ServerSideEncryptionByDefault:
          SSEAlgorithm: aws:kms
  VersioningConfiguration:
    Status: Enabled
  PublicAccessBlockConfiguration:
    BlockPublicAcls: true
    BlockPublicPolicy: true
    IgnorePublicAcls: true
    RestrictPublicBuckets: true
""")
    res("DataBucketPolicy", """
Type: AWS::S3::BucketPolicy
Properties:
  Bucket: !Ref DataBucket
  PolicyDocument:
    Version: "2012-10-17"
    Statement:
      - Sid: DenyInsecureTransport
        Effect: Deny
        Principal: "*"
        Action: s3:*
        Resource:
          - !GetAtt DataBucket.Arn
          - !Sub "${DataBucket.Arn}/*"
        Condition:
          Bool:
            aws:SecureTransport: "false"
""")
    res("ClusterLogGroup", """
Type: AWS::Logs::LogGroup
DeletionPolicy: Delete
UpdateReplacePolicy: Delete
Properties:
  LogGroupName: !Sub /aws/eks/${ClusterName}/cluster
  RetentionInDays: 30
""")
    res("EKSCluster", """
Type: AWS::EKS::Cluster
DependsOn: ClusterLogGroup
Properties:
  Name: !Ref ClusterName
  Version: !Ref KubernetesVersion
  RoleArn: !GetAtt EksClusterRole.Arn
  AccessConfig:
    AuthenticationMode: API_AND_CONFIG_MAP
    BootstrapClusterCreatorAdminPermissions: true
  KubernetesNetworkConfig:
    IpFamily: ipv4
  ResourcesVpcConfig:
    SubnetIds:
      - !Ref PrivateSubnet1
      - !Ref PrivateSubnet2
    SecurityGroupIds:
      - !Ref ControlPlaneSecurityGroup
    EndpointPrivateAccess: true
    EndpointPublicAccess: false
  Logging:
    ClusterLogging:
      EnabledTypes:
        - Type: api
        - Type: audit
        - Type: authenticator
""")
    for addon, version in (("vpc-cni", "v1.19.2-eksbuild.1"), ("kube-proxy", None), ("coredns", None),
                           ("eks-pod-identity-agent", None), ("amazon-cloudwatch-observability", None)):
        logical = "".join(p.capitalize() for p in addon.split("-")) + "Addon"
        pinned = f"\n  AddonVersion: {version}" if version else ""
        res(logical, f"""
Type: AWS::EKS::Addon
Properties:
  ClusterName: !Ref EKSCluster
  AddonName: {addon}{pinned}
  ResolveConflicts: OVERWRITE
""")
    res("TrainingPodIdentity", """
Type: AWS::EKS::PodIdentityAssociation
Properties:
  ClusterName: !Ref EKSCluster
  Namespace: kubeflow
  ServiceAccount: training-runner
  RoleArn: !GetAtt TrainingJobRole.Arn
""")
    res("SystemNodeGroup", """
Type: AWS::EKS::Nodegroup
Properties:
  ClusterName: !Ref EKSCluster
  NodegroupName: system
  NodeRole: !GetAtt EksNodeRole.Arn
  Subnets:
    - !Ref PrivateSubnet1
    - !Ref PrivateSubnet2
  InstanceTypes:
    - m5.xlarge
  ScalingConfig:
    MinSize: 2
    DesiredSize: 2
    MaxSize: 4
  Labels:
    role: system
""")
    res("Scratch", """
Type: AWS::FSx::FileSystem
Properties:
  FileSystemType: LUSTRE
  StorageCapacity: 1200
  SubnetIds:
    - !Ref HyperPodSubnet
  SecurityGroupIds:
    - !Ref FsxSecurityGroup
  LustreConfiguration:
    DeploymentType: PERSISTENT_2
    PerUnitStorageThroughput: 250
    DataCompressionType: LZ4
""")
    res("HyperPodCluster", """
Type: AWS::SageMaker::Cluster
DependsOn:
  - VpcCniAddon
  - SystemNodeGroup
Properties:
  ClusterName: !Sub "${ClusterName}-hp"
  NodeRecovery: Automatic
  Orchestrator:
    Eks:
      ClusterArn: !GetAtt EKSCluster.Arn
  VpcConfig:
    SecurityGroupIds:
      - !Ref NodeSecurityGroup
    Subnets:
      - !Ref HyperPodSubnet
  InstanceGroups:
    - InstanceGroupName: gpu-workers
      InstanceType: !Ref GpuInstanceType
      InstanceCount: !Ref GpuInstanceCount
      ExecutionRole: !GetAtt HyperPodExecutionRole.Arn
      ThreadsPerCore: 1
      OnStartDeepHealthChecks:
        - InstanceStress
        - InstanceConnectivity
      LifeCycleConfig:
        SourceS3Uri: !Sub s3://${LifecycleBucket}/lifecycle/
        OnCreate: on_create.sh
      InstanceStorageConfigs:
        - EbsVolumeConfig:
            VolumeSizeInGB: 500
    - InstanceGroupName: cpu-workers
      InstanceType: ml.m5.2xlarge
      InstanceCount: 2
      ExecutionRole: !GetAtt HyperPodExecutionRole.Arn
      LifeCycleConfig:
        SourceS3Uri: !Sub s3://${LifecycleBucket}/lifecycle/
        OnCreate: on_create.sh
""")
    assert len(resources) == 50, len(resources)
    head = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: >-
  HyperPod on EKS (benchmark input): VPC with NAT in two AZs, private EKS subnets, a HyperPod
  subnet, security groups, IAM roles, EKS cluster with add-ons and a system node group, FSx for
  Lustre, and a HyperPod cluster with a GPU and a CPU instance group.
Parameters:
  ClusterName:
    Type: String
    Default: ml-training
  VpcCidr:
    Type: String
    Default: 10.192.0.0/16
  KubernetesVersion:
    Type: String
    Default: "1.32"
    AllowedValues:
      - "1.30"
      - "1.31"
      - "1.32"
      - "1.33"
  GpuInstanceType:
    Type: String
    Default: ml.p5.48xlarge
    AllowedValues:
      - ml.p5.48xlarge
      - ml.p4d.24xlarge
      - ml.g5.48xlarge
  GpuInstanceCount:
    Type: Number
    Default: 4
    MinValue: 1
Resources:
"""
    tail = """
Outputs:
  EksClusterArn:
    Value: !GetAtt EKSCluster.Arn
  HyperPodClusterArn:
    Value: !GetAtt HyperPodCluster.ClusterArn
  DataBucketName:
    Value: !Ref DataBucket
"""
    return head + "\n".join(resources) + "\n" + tail


TERRAFORM_MODULE = ROOT / "tests" / "fixtures" / "clean" / "hyperpod-eks-terraform"


def terraform_tree(out: Path, modules: int = 25, seed: int = SEED) -> int:
    """``modules`` HyperPod EKS module folders of 4 ``.tf`` files each (the clean fixture
    module, renamed and varied per folder; every fifth one with an unprefixed instance type
    and an old VPC CNI, so findings are produced). Returns the number of .tf files."""
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    sources = sorted(TERRAFORM_MODULE.glob("*.tf"))
    count = 0
    for m in range(modules):
        folder = out / f"cluster-{m:02d}"
        folder.mkdir(parents=True)
        version = rng.choice(["1.30", "1.31", "1.32", "1.33"])
        for src in sources:
            text = src.read_text(encoding="utf-8").replace("hp-eks", f"team-{m:02d}")
            text = text.replace('default = "1.32"', f'default = "{version}"')
            if m % 5 == 4:
                text = text.replace('"ml.g5.xlarge"', '"g5.xlarge"').replace("v1.19.2-eksbuild.1", "v1.16.0-eksbuild.1")
            (folder / src.name).write_text(text, encoding="utf-8")
            count += 1
    return count


@dataclass
class Inputs:
    out: Path
    stream: Path
    small: Path
    many: Path
    stack: Path
    stream_lines: int = 0
    stream_docs: int = 0
    files: int = 0
    terraform: Path | None = None
    terraform_files: int = 0
    chart: Path | None = None


def generate(out: Path, quick: bool = False) -> Inputs:
    """Write every input into ``out`` (deterministic: same bytes on every call)."""
    size = QUICK if quick else FULL
    out.mkdir(parents=True, exist_ok=True)
    inputs = Inputs(out, out / "stream.yaml", out / "small.yaml", out / "many", out / "stack.yaml")
    text = stream_text(size["stream_docs"])
    inputs.stream.write_text(text, encoding="utf-8")
    inputs.stream_lines = text.count("\n")
    inputs.stream_docs = size["stream_docs"]
    inputs.small.write_text(small_text(), encoding="utf-8")
    shutil.rmtree(inputs.many, ignore_errors=True)
    many_files(inputs.many, size["files"])
    inputs.files = size["files"]
    inputs.stack.write_text(stack_text(), encoding="utf-8")
    inputs.terraform = out / "terraform"
    inputs.terraform_files = terraform_tree(inputs.terraform)
    inputs.chart = chart_files(out / "chart")
    return inputs


# ---------------------------------------------------------------------------------------------
# The Helm chart case: linting a chart (render, lint, map findings back) against rendering it alone
# ---------------------------------------------------------------------------------------------

CHART_TEMPLATES = 40

# Rendering alone when there is no helm binary: what hyperlint's renderer does, nothing else.
RENDER_ALONE = r"""
import sys
import helm_python
with helm_python.Chart.load(sys.argv[1]) as chart:
    sys.stdout.write("".join(chart.render(name="release-name", namespace="default").values()))
"""


def chart_files(folder: Path, templates: int = CHART_TEMPLATES, seed: int = SEED) -> Path:
    """A chart of ``templates`` workloads (Deployments, Jobs, PyTorchJobs) whose node
    selectors, images and resources come from values through a helper, with two
    real mistakes: a literal `hostNetwork: true` (HP307, at the template line) and
    an instance type without `ml.` (HP301, at the values line)."""
    rnd = random.Random(seed)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "templates").mkdir(parents=True)
    (folder / "Chart.yaml").write_text(f"apiVersion: v2\nname: {CHART}\nversion: 1.0.0\n", encoding="utf-8")
    (folder / "templates" / "_helpers.tpl").write_text(
        '{{- define "chart.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\n'
        'app.kubernetes.io/instance: {{ .Release.Name }}\n{{- end }}\n', encoding="utf-8")
    values = ["workloads:"]
    for i in range(templates):
        name = f"w{i:02d}"
        itype = "p5.48xlarge" if i == 7 else rnd.choice(GPU_TYPES)
        values += [f"  {name}:", f"    image: {REGISTRY}/{rnd.choice(MODELS)}:1.{i}", f"    replicas: {rnd.randint(1, 4)}",
                   "    nodeSelector:", f"      node.kubernetes.io/instance-type: {itype}",
                   "      sagemaker.amazonaws.com/node-health-status: Schedulable",
                   f"    gpus: {rnd.choice([1, 4, 8])}"]
        host = "      hostNetwork: true\n" if i == 3 else ""
        (folder / "templates" / f"{name}.yaml").write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            f"  name: {{{{ .Release.Name }}}}-{name}\n  namespace: {rnd.choice(NAMESPACES)}\n  labels:\n"
            '    {{- include "chart.labels" . | nindent 4 }}\n'
            f"spec:\n  replicas: {{{{ .Values.workloads.{name}.replicas }}}}\n"
            f"  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n"
            f"      labels: {{app: {name}}}\n    spec:\n{host}"
            f"      {{{{- with .Values.workloads.{name}.nodeSelector }}}}\n      nodeSelector:\n"
            "        {{- toYaml . | nindent 8 }}\n      {{- end }}\n"
            f"      containers:\n        - name: main\n          image: {{{{ .Values.workloads.{name}.image }}}}\n"
            "          resources:\n            limits:\n"
            f"              nvidia.com/gpu: {{{{ .Values.workloads.{name}.gpus }}}}\n", encoding="utf-8")
    (folder / "values.yaml").write_text("\n".join(values) + "\n", encoding="utf-8")
    return folder


def chart_jobs(chart: Path, hl: list[str]) -> tuple[list, list[str]]:
    """hyperlint on the chart, and rendering it alone (`helm template`, else helm-python-sdk)."""
    helm = find_tool("helm")
    if helm:
        alone = Job("chart.render", "chart", "helm template (render alone)", [helm, "template", str(chart)], (0,))
    else:
        try:
            import importlib.util

            if importlib.util.find_spec("helm_python") is None:
                return [], ["no helm binary and no helm-python-sdk: chart rows skipped (pip install 'hyperlint[helm]')"]
        except (ImportError, ValueError):
            return [], ["helm-python-sdk cannot be found: chart rows skipped"]
        alone = Job("chart.render", "chart", "helm-python-sdk render (render alone)",
                    [sys.executable, "-c", RENDER_ALONE, str(chart)], (0,))
    return [Job("chart.hyperlint", "chart", "hyperlint check", hl + [str(chart)]), alone], []


# ---------------------------------------------------------------------------------------------
# Measurement
# ---------------------------------------------------------------------------------------------

# The floor: what it costs just to read the same YAML with the C event parser that hyperlint uses.
FLOOR = r"""
import os, sys
from ruamel.yaml import CParser
from ruamel.yaml.events import StreamEndEvent
paths = []
for arg in sys.argv[1:]:
    if os.path.isdir(arg):
        for d, dirs, files in os.walk(arg):
            dirs.sort()
            paths += [os.path.join(d, f) for f in sorted(files) if f.endswith(('.yaml', '.yml'))]
    else:
        paths.append(arg)
events = 0
for path in paths:
    with open(path, 'rb') as fh:
        get = CParser(fh.read()).get_event
    while get().__class__ is not StreamEndEvent:
        events += 1
"""

# A spare-core check, run interleaved with everything else: the same busy loop twice, one
# after the other or in two processes at once. On an idle 2-CPU machine the second takes half
# the time; when other processes hold a CPU, no parallel program can do better than this.
PROBE = r"""
import os, sys
def spin():
    n = 0
    for i in range(5_000_000):
        n += i
if sys.argv[1] == "parallel":
    pid = os.fork()
    spin()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
else:
    spin(); spin()
"""

HYPERLINT = "from hyperlint.__main__ import run; run()"  # what the console script does


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_kib: int
    rc: int


@dataclass
class Job:
    key: str
    input: str
    label: str
    cmd: list[str]
    ok_codes: tuple = (0, 1)
    runs: int = 0
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    def median(self, attr: str) -> float:
        return statistics.median(getattr(s, attr) for s in self.samples)

    def low(self) -> float:
        return min(s.wall for s in self.samples)

    def peak_mib(self) -> float:
        return max(s.rss_kib for s in self.samples) / 1024


# Every command is started by this small helper process, not by the benchmark itself: on Linux a
# process's peak RSS includes the memory of the process it was forked from (the high-water mark
# survives exec), so forking from a large parent would inflate every peak-memory figure.
SPAWNER = r"""
import json, os, sys, time
dev_null = os.open(os.devnull, os.O_RDWR)
for line in sys.stdin:
    err, argv = json.loads(line)
    fd = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(dev_null, 0); os.dup2(dev_null, 1); os.dup2(fd, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(fd)
    print(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, os.waitstatus_to_exitcode(status), flush=True)
"""


class Spawner:
    """A minimal Python process that forks, execs and waits for each measured command."""

    def __init__(self, env: dict, scratch: Path):
        self.err = str(scratch / "stderr.txt")
        self.proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", SPAWNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, env=env, cwd=ROOT, text=True)

    def run(self, cmd: list[str]) -> tuple[Sample, str]:
        self.proc.stdin.write(json.dumps([self.err, cmd]) + "\n")
        self.proc.stdin.flush()
        wall, cpu, rss, rc = self.proc.stdout.readline().split()
        with open(self.err, encoding="utf-8", errors="replace") as fh:
            message = fh.read(4000)
        # ru_maxrss is KiB on Linux, bytes on macOS
        rss_kib = int(rss) // 1024 if sys.platform == "darwin" else int(rss)
        return Sample(float(wall), float(cpu), rss_kib, int(rc)), message

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def find_tool(name: str) -> str | None:
    here = Path(sys.executable).parent / name
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which(name)


def environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    return env


def plan(inputs: Inputs, only: set[str] | None, baselines: bool = True) -> tuple[list[Job], list[str]]:
    py = sys.executable
    yamllint = find_tool("yamllint") if baselines else None
    cfnlint = find_tool("cfn-lint") if baselines else None
    notes = []
    if not baselines:
        notes.append("--no-baselines: yamllint and cfn-lint rows skipped")
    else:
        if yamllint is None:
            notes.append("yamllint not found: its rows are skipped (pip install yamllint)")
        if cfnlint is None:
            notes.append("cfn-lint not found: its rows are skipped (pip install cfn-lint)")
    hl = [py, "-c", HYPERLINT, "check"]
    floor = [py, "-c", FLOOR]
    small, stream, many, stack = map(str, (inputs.small, inputs.stream, inputs.many, inputs.stack))
    jobs = [
        Job("small.hyperlint", "small", "hyperlint check", hl + [small]),
        Job("small.floor", "small", "C event parse (floor)", floor + [small], (0,)),
        Job("small.yamllint", "small", "yamllint -d relaxed", [yamllint or "", "-d", "relaxed", small]),
        Job("stream.hyperlint", "stream", "hyperlint check", hl + [stream]),
        Job("stream.floor", "stream", "C event parse (floor)", floor + [stream], (0,)),
        Job("stream.yamllint", "stream", "yamllint -d relaxed", [yamllint or "", "-d", "relaxed", stream]),
        Job("stack.hyperlint", "stack", "hyperlint check", hl + [stack]),
        Job("stack.floor", "stack", "C event parse (floor)", floor + [stack], (0,)),
        Job("stack.cfnlint", "stack", "cfn-lint", [cfnlint or "", stack], (0,)),
        Job("stack.plugin", "stack", "cfn-lint + hyperlint plugin",
            [cfnlint or "", "--append-rules=hyperlint.cfnlint_rules", stack], (0,)),
        # the spare-core check runs right before the parallel run it explains
        Job("probe.serial", "probe", "busy loop x2, one after the other", [py, "-c", PROBE, "serial"], (0,)),
        Job("probe.parallel", "probe", "busy loop x2, in 2 processes", [py, "-c", PROBE, "parallel"], (0,)),
        Job("many.hyperlint", "many", "hyperlint check (default jobs)", hl + [many]),
        Job("many.jobs1", "many", "hyperlint check --jobs 1", hl + ["--jobs", "1", many]),
        Job("many.floor", "many", "C event parse (floor, 1 process)", floor + [many], (0,)),
        Job("many.yamllint", "many", "yamllint -d relaxed", [yamllint or "", "-d", "relaxed", many]),
        Job("terraform.hyperlint", "terraform", "hyperlint check", hl + [str(inputs.terraform)], (0, 1)),
    ]
    if inputs.chart is not None:
        more, why = chart_jobs(inputs.chart, hl)
        jobs += more
        notes += why
    keep = []
    for job in jobs:
        if only and job.input not in only and not (job.input == "probe" and "many" in only):
            continue
        if not job.cmd[0]:
            continue
        keep.append(job)
    return keep, notes


def measure(jobs: list[Job], runs: int, slow_runs: int, spawner: Spawner, progress) -> None:
    """One unmeasured warm-up each, then the jobs interleaved run by run."""
    for job in jobs:
        job.runs = runs
        if job.key == "stream.yamllint":  # ~50 s a run: fewer runs unless asked
            job.runs = min(runs, slow_runs)
    for job in jobs:
        if job.key == "stream.yamllint":
            continue  # a warm-up of 50 s buys nothing: the page cache is warm from the others
        sample, message = spawner.run(job.cmd)
        if sample.rc not in job.ok_codes:
            job.error = f"exit code {sample.rc}: {message.strip().splitlines()[-1] if message.strip() else ''}"
    for i in range(max(j.runs for j in jobs)):
        for job in jobs:
            if job.error or i >= job.runs:
                continue
            progress(f"run {i + 1}/{job.runs}: {job.input:6} {job.label}")
            sample, message = spawner.run(job.cmd)
            if sample.rc not in job.ok_codes:
                job.error = f"exit code {sample.rc}: {message.strip()[-300:]}"
                continue
            job.samples.append(sample)
    progress("")


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

@dataclass
class Target:
    what: str
    ratio: float | None
    limit: float
    higher_is_better: bool = False
    note: str = ""

    @property
    def result(self) -> str:
        if self.ratio is None:
            return "SKIP"
        ok = self.ratio >= self.limit if self.higher_is_better else self.ratio <= self.limit
        return "PASS" if ok else "FAIL"


def targets(by: dict[str, Job], files: int) -> list[Target]:
    def t(key, attr="wall"):
        job = by.get(key)
        if job is None or not job.samples:
            return None
        return job.peak_mib() if attr == "rss" else job.median(attr)

    def ratio(a, b):
        return a / b if a is not None and b else None

    hl_small, yl_small = t("small.hyperlint"), t("small.yamllint")
    return [
        Target("small manifest: hyperlint / yamllint (wall)", ratio(hl_small, yl_small), 1.0),
        Target("stream: hyperlint / C event parse (wall)", ratio(t("stream.hyperlint"), t("stream.floor")), 3.0),
        Target("stream: hyperlint / yamllint (peak RSS)",
               ratio(t("stream.hyperlint", "rss"), t("stream.yamllint", "rss")), 1.0),
        Target("stack: hyperlint / cfn-lint (wall)", ratio(t("stack.hyperlint"), t("stack.cfnlint")), 0.5),
        Target("stack: cfn-lint + plugin / cfn-lint (wall)", ratio(t("stack.plugin"), t("stack.cfnlint")), 1.10),
        Target(f"{files:,} files: --jobs 1 / default (wall)", ratio(t("many.jobs1"), t("many.hyperlint")), 1.6,
               higher_is_better=True),
        Target("Terraform tree (100 .tf files): hyperlint wall seconds", t("terraform.hyperlint"), 1.0),
        Target("chart: hyperlint / render alone (wall)", ratio(t("chart.hyperlint"), t("chart.render")), 1.5),
    ]


def render(inputs: Inputs, jobs: list[Job], notes: list[str], markdown: bool) -> str:
    by = {j.key: j for j in jobs}
    floors = {j.input: j for j in jobs if j.key.endswith(".floor")}
    names = {
        "small": f"one manifest ({inputs.small.read_text().count(chr(10))} lines)",
        "stream": f"Helm stream ({inputs.stream_docs:,} docs, {inputs.stream_lines:,} lines)",
        "many": f"{inputs.files:,} files",
        "stack": "50-resource CFN stack",
        "terraform": f"Terraform tree ({inputs.terraform_files} .tf files)",
        "probe": "spare-core check",
        "chart": f"Helm chart ({CHART_TEMPLATES} templates)",
    }
    head = ["input", "command", "runs", "median s", "min s", "CPU s", "peak RSS MiB", "x floor"]
    rows = []
    for job in jobs:
        if job.error:
            rows.append([names[job.input], job.label, "0", "error", "", "", "", ""])
            notes.append(f"{job.input} / {job.label}: {job.error}")
            continue
        if not job.samples:
            continue
        floor = floors.get(job.input)
        vs = (f"{job.median('wall') / floor.median('wall'):.2f}"
              if floor is not None and floor.samples and floor is not job else "")
        rows.append([names[job.input], job.label, str(len(job.samples)), f"{job.median('wall'):.3f}",
                     f"{job.low():.3f}", f"{job.median('cpu'):.2f}", f"{job.peak_mib():.0f}", vs])
    thead = ["target", "measured", "limit", "result"]
    trows = []
    for tg in targets(by, inputs.files):
        limit = f"{'>=' if tg.higher_is_better else '<='} {tg.limit:g}"
        trows.append([tg.what, "n/a" if tg.ratio is None else f"{tg.ratio:.2f}", limit, tg.result])
    out = [table(head, rows, markdown), "", table(thead, trows, markdown)]
    serial, parallel = by.get("probe.serial"), by.get("probe.parallel")
    if serial and parallel and serial.samples and parallel.samples:
        out += ["", f"spare-core check: two busy loops ran {serial.median('wall') / parallel.median('wall'):.2f}x "
                    "faster in two processes than in one (about 2 on an idle 2-CPU machine): no parallel "
                    "run could beat that ratio in this run"]
    if notes:
        out += [""] + [f"note: {n}" for n in notes]
    return "\n".join(out)


def table(head: list[str], rows: list[list[str]], markdown: bool) -> str:
    numeric = [i for i, h in enumerate(head) if i >= 2 and h not in ("result", "limit")]
    if markdown:
        align = ["---:" if i in numeric else "---" for i in range(len(head))]
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]

    def fmt(r):
        return "  ".join(str(x).rjust(w) if i in numeric else str(x).ljust(w) for i, (x, w) in enumerate(zip(r, widths)))

    return "\n".join([fmt(head), "  ".join("-" * w for w in widths)] + [fmt(r) for r in rows])


def machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((l.split(":", 1)[1].strip() for l in fh if l.startswith("model name")), "")
    except OSError:
        pass
    return (f"{platform.system()} {platform.machine()}, {cpus} CPUs available{' (' + model + ')' if model else ''}, "
            f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "n/a"


def versions(env: dict) -> str:
    code = ("import importlib.metadata as m\n"
            "for p in ('hyperlint', 'ruamel.yaml', 'ruamel.yaml.clib', 'typer', 'yamllint', 'cfn-lint'):\n"
            "    try: print(f'{p} {m.version(p)}', end=', ')\n"
            "    except Exception: pass\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return out.stdout.strip().rstrip(",")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=None, help="measured runs of each command (default 5; --quick: 2)")
    ap.add_argument("--slow-runs", type=int, default=3,
                    help="at most this many runs of yamllint on the stream (~50 s each; default 3)")
    ap.add_argument("--quick", action="store_true", help="smaller inputs and fewer runs: a smoke test")
    ap.add_argument("--markdown", action="store_true", help="print Markdown tables (for the README)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="scratch folder (default bench/out)")
    ap.add_argument("--only", default="", help="comma-separated inputs to run: small, stream, stack, many, "
                                               "terraform, chart")
    ap.add_argument("--no-baselines", action="store_true", help="skip the yamllint and cfn-lint rows")
    ap.add_argument("--generate-only", action="store_true", help="write the inputs and stop")
    args = ap.parse_args(argv)
    runs = args.runs if args.runs is not None else (2 if args.quick else 5)
    if runs < 1:
        ap.error("--runs must be at least 1")

    inputs = generate(args.out, quick=args.quick)
    print(f"inputs in {inputs.out}: stream {inputs.stream_docs:,} documents / {inputs.stream_lines:,} lines, "
          f"{inputs.files:,} files, 50-resource stack", file=sys.stderr)
    if args.generate_only:
        return 0

    env = environment()
    only = {s.strip() for s in args.only.split(",") if s.strip()} or None
    if only and only - {"small", "stream", "stack", "many", "terraform", "chart"}:
        ap.error(f"--only takes small, stream, stack, many, terraform, chart (got {', '.join(sorted(only))})")
    jobs, notes = plan(inputs, only, baselines=not args.no_baselines)
    interactive = sys.stderr.isatty()

    def progress(text: str) -> None:
        if interactive:
            sys.stderr.write("\r\033[K" + text)
            sys.stderr.flush()

    spawner = Spawner(env, inputs.out)
    load_before = _load()
    try:
        measure(jobs, runs, args.slow_runs, spawner, progress)
    finally:
        spawner.close()
    print(f"{machine()}; {versions(env)}")
    print(f"load average (1 min) before / after: {load_before} / {_load()} (other processes compete for the CPUs)")
    slow = (f" (yamllint on the stream: {min(runs, args.slow_runs)})"
            if any(j.key == "stream.yamllint" for j in jobs) else "")
    print(f"{runs} measured runs per command{slow}, medians; "
          "peak RSS is the largest single process")
    print()
    print(render(inputs, jobs, notes, args.markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
