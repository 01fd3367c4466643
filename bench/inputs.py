"""Benchmark inputs: generated deterministically (seeded), as ``bench/run.py`` describes."""

from __future__ import annotations

import hashlib
import random
import shutil
from dataclasses import dataclass
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
