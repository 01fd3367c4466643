"""Property tests: no input makes `hyperlint.engine.lint` raise or report nonsense.

For random YAML and JSON documents (structures generated and serialised, with
anchors, aliases, merge keys, tags, Kubernetes and CloudFormation shapes and
wrong types), random text and bytes, and random mutations of every fixture
under tests/fixtures/ (truncation, byte flips, line shuffles, duplication,
deletion, splicing), linting in memory:

- never raises and reports no internal error (`result.errors` is empty);
- gives findings whose positions are >= 1, in the file that was given;
- renders in every output format to valid UTF-8, one line per finding;
- and `--fix -`/`--diff` on it give the stream back (fixed or as it was), a
  diff that rebuilds the fixed bytes exactly, and a fix that a second run
  would not change (see `check_fix`; `test_fix_and_diff_fuzz` adds every line
  break, encoding and special files).

Example counts are modest and derandomised so the suite stays fast and the
same in CI; `HYPERLINT_FUZZ_EXAMPLES=2000 pytest tests/test_properties.py`
searches harder (and randomly) on a workstation.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import os
import random
import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from hyperlint.config import Config
from hyperlint.data import Data
from hyperlint.discover import Input
from hyperlint.engine import lint
from hyperlint.fix import fix_run
from hyperlint.output import FORMATS, render
from hyperlint.parse import decode, encoding_of

_EXAMPLES = int(os.environ.get("HYPERLINT_FUZZ_EXAMPLES", "0"))
PROFILE = settings(
    max_examples=_EXAMPLES or 40,
    derandomize=not _EXAMPLES,  # deterministic in CI; random when asked to search
    deadline=None,
    database=None,  # nothing written to the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
DATA = Data()

# -- the check -------------------------------------------------------------------------------


def check(name: str, data: bytes, assume_hyperpod: bool = False) -> None:
    from hyperlint.applicability import fixable_line

    config = Config(assume_hyperpod=assume_hyperpod)
    source = Input(name, None, data)
    result = lint([source], config, DATA)
    assert result.errors == [], result.errors
    for f in result.findings:
        assert f.loc.file == name
        assert f.loc.line >= 1 and f.loc.column >= 1, f
        assert f.loc.end_line is None or f.loc.end_line >= 1, f
        assert f.loc.end_column is None or f.loc.end_column >= 1, f
    for fmt in FORMATS:
        out = io.StringIO()
        render(fmt, result, out, sources={name: source})  # the full format shows the generated lines
        text = out.getvalue()
        text.encode("utf-8")  # strict: no lone surrogate reaches the output
        if fmt == "json":
            assert len(json.loads(text)["findings"]) == len(result.findings)
        elif fmt == "sarif":
            assert len(json.loads(text)["runs"][0]["results"]) == len(result.findings)
        elif fmt == "junit":
            assert len(ET.fromstring(text).findall("./testsuite/testcase/failure")) == len(result.findings)
        elif fmt in ("concise", "github"):
            lines = text.splitlines()  # one line per finding (no newline can forge one), plus the summary
            closing = 2 if fmt == "concise" and fixable_line(result.findings) else 1  # and what --fix fixes
            if fmt == "github" and max(Counter(f.severity for f in result.findings).values(), default=0) > 10:
                closing += 1  # past 10 annotations of a level: "N more ..." and plain lines
            assert len(lines) == len(result.findings) + closing
            assert not any(ord(c) < 32 for line in lines for c in line)
        elif fmt in ("text", "full"):
            # a block per finding (headline, code frame, notes), each closed by the only blank lines
            assert text.count("\n\n") == len(result.findings) and "\n\n\n" not in text
            assert not any(ord(c) < 32 for line in text.splitlines() for c in line)
    check_fix(name, data, result, config)


def check_fix(name: str, data: bytes, result, config: Config, unsafe: bool = False) -> bytes:
    """`--fix -` and `--diff` on ``data``, in memory: the stream always comes back
    (as it was, or fixed), the diff rebuilds the fixed bytes exactly, and one fix
    fixes everything: linting the result again leaves nothing a second fix would
    change (a parameter Default and its AllowedValues, two findings on one value ...)."""
    outcome = fix_run([Input(name, None, data)], result.findings, unsafe=unsafe, write=False, digests=result.digests,
                      relint=lambda inputs: lint(inputs, config, DATA))
    assert outcome.messages == [], outcome.messages
    after = outcome.stdin
    assert after is not None
    if not outcome.count:
        assert after == data and outcome.diff == b""
        return after
    assert apply_patch(data, outcome.diff) == after, outcome.diff
    assert decode(after)[1] is None and encoding_of(after) == encoding_of(data)
    if not unsafe:  # a safe fix replaces values: never a line more or less, whatever the line breaks
        assert after.count(b"\n") == data.count(b"\n") and after.count(b"\r") == data.count(b"\r")
    again = lint([Input(name, None, after)], config, DATA)
    assert again.errors == [], again.errors
    second = fix_run([Input(name, None, after)], again.findings, unsafe=unsafe, write=False, digests=again.digests)
    assert (second.count, second.messages, second.stdin) == (0, [], after), \
        f"a second fix would still change: {second.diff[:2000]!r}"
    return after


_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def apply_patch(before: bytes, diff: bytes) -> bytes:
    """``before`` patched with the unified ``diff``, as `patch` reads it: lines end at LF only,
    and `\\ No newline at end of file` takes the LF off the line before it."""
    lines = before.split(b"\n")
    old = [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    body = diff.split(b"\n")
    assert body[0].startswith(b"--- a/") and body[1].startswith(b"+++ b/"), diff[:200]
    out, pos, i = [], 0, 2
    while i < len(body) and body[i]:
        m = _HUNK.match(body[i])
        assert m, body[i]
        start = int(m.group(1)) - (0 if m.group(2) == b"0" else 1)
        out += old[pos:start]
        pos = start
        i += 1
        while i < len(body) and body[i][:1] in (b" ", b"-", b"+", b"\\"):
            tag, text = body[i][:1], body[i][1:] + b"\n"
            if i + 1 < len(body) and body[i + 1].startswith(b"\\ No newline"):
                text = text[:-1]
            if tag == b"\\":
                i += 1
                continue
            if tag in (b" ", b"-"):
                assert old[pos] == text, (old[pos], text)
                pos += 1
            if tag in (b" ", b"+"):
                out.append(text)
            i += 1
    return b"".join(out + old[pos:])


# -- generated structures --------------------------------------------------------------------

K8S_KEYS = [
    "apiVersion", "kind", "metadata", "name", "namespace", "annotations", "labels", "spec", "template",
    "jobTemplate", "containers", "initContainers", "image", "env", "value", "nodeSelector", "affinity",
    "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", "matchExpressions",
    "preferredDuringSchedulingIgnoredDuringExecution", "preference", "key", "operator", "values",
    "tolerations", "effect", "volumes", "hostPath", "path", "local", "hostNetwork", "replicas", "parallelism",
    "pytorchReplicaSpecs", "Worker", "leaderWorkerTemplate", "size", "templates", "container", "items",
    "requirements", "nodeClassRef", "group", "nodeGroups", "instanceType", "data", "cni", "type", "status",
    "hyperlint.io/ignore", "node.kubernetes.io/instance-type", "sagemaker.amazonaws.com/node-health-status",
    "sagemaker.amazonaws.com/deep-health-check-status", "<<",
]
CFN_KEYS = [
    "AWSTemplateFormatVersion", "Parameters", "Mappings", "Conditions", "Resources", "Type", "Properties",
    "Default", "AllowedValues", "Metadata", "hyperlint", "ignore", "ClusterName", "NodeRecovery",
    "InstanceGroups", "RestrictedInstanceGroups", "InstanceGroupName", "InstanceType", "InstanceCount",
    "InstanceRequirements", "InstanceTypes", "KubernetesConfig", "Labels", "Taints", "NodegroupName",
    "ScalingConfig", "DesiredSize", "AddonName", "AddonVersion", "Ref", "Fn::If", "Fn::Join", "Fn::Select",
    "Fn::FindInMap", "Fn::GetAtt", "Fn::Sub", "ClusterArn", "OnStartDeepHealthChecks",
]
WORDS = [
    "", "yes", "no", "on", "off", "true", "null", "~", "1.30", "0755", "0x1F", "0o17", "1_000", ".inf", ".nan",
    "-0", "1e400", "p5.48xlarge", "ml.p5.48xlarge", "ml.g5.xlarge", "Schedulable", "schedulable", "Passed",
    "Exists", "Equal", "In", "NotIn", "NoSchedule", "/opt/dlami/nvme", "/opt/sagemaker/x", "/dev/nvme0n1",
    "/dev/shm", "calico/node:v3.27", "amazon-k8s-cni:v1.16.0", "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.0",
    "flannel/flannel:v0.25", "{{ .Values.x }}", "${VAR}", "HP301", "HP301,HP304", "AWS::SageMaker::Cluster",
    "AWS::EKS::Nodegroup", "AWS::EKS::Addon", "vpc-cni", "v1.16.0-eksbuild.1", "Automatic", "kube-system",
    "aws-node", "a\nb", "\x1b[31m", "\t", "#", "- x", ": y", "\u2028", "\u202e", "caf\u00e9", "\U0001F600",
    "v1", "apps/v1", "batch/v1", "kubeflow.org/v1", "argoproj.io/v1alpha1", "karpenter.sh/v1",
    "eksctl.io/v1alpha5", "leaderworkerset.x-k8s.io/v1", "sagemaker.amazonaws.com/v1",
]
LABEL_KEYS = [
    "node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type", "sagemaker.amazonaws.com/node-health-status",
    "sagemaker.amazonaws.com/deep-health-check-status", "sagemaker.amazonaws.com/instance-group-name",
    "eks.amazonaws.com/nodegroup", "kubernetes.io/arch",
]
LABEL_VALUES = ["p5.48xlarge", "ml.p5.48xlarge", "g5.xlarge", "Schedulable", "schedulable", "Unschedulable",
                "Passed", "passed", "InProgress", "{{ .Values.type }}", "amd64", 5]
KINDS = [
    "Pod", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob", "PyTorchJob", "MPIJob", "TFJob",
    "HyperPodPyTorchJob", "RayCluster", "JobSet", "LeaderWorkerSet", "Workflow", "CronWorkflow", "NodePool",
    "ClusterConfig", "ConfigMap", "PersistentVolume", "Installation", "List", "PodList", "Unknown",
]


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9./_-]*\Z")


class Alias:
    """Where the YAML writer puts an alias to the document's anchor."""


ALIAS = Alias()

_TEXT = st.characters(blacklist_categories=("Cs", "Cc"))  # control characters come from WORDS, escaped
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(WORDS), st.sampled_from(KINDS),
    st.text(_TEXT, max_size=12),
)
keys = st.one_of(st.sampled_from(K8S_KEYS), st.sampled_from(CFN_KEYS), st.text(_TEXT, max_size=8),
                 st.integers(-3, 3), st.none(), st.booleans())


def trees(leaves=scalars, max_leaves=40):
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(keys, children, max_size=5),
        ),
        max_leaves=max_leaves,
    )


def _maybe(strategy, wrong):
    """The right shape most of the time, any tree sometimes (wrong types everywhere)."""
    return st.one_of(strategy, strategy, strategy, wrong)


any_tree = trees(st.one_of(scalars, st.just(ALIAS)), 20)
containers = st.lists(_maybe(st.fixed_dictionaries({"name": st.sampled_from(WORDS), "image": st.sampled_from(WORDS)},
                                                   optional={"env": any_tree}), any_tree), max_size=3)
expressions = st.lists(_maybe(st.fixed_dictionaries(
    {"key": st.sampled_from(LABEL_KEYS + WORDS), "operator": st.sampled_from(["In", "NotIn", "Exists", "Gt", "x"])},
    optional={"values": st.lists(st.sampled_from(LABEL_VALUES + WORDS), max_size=3)}), any_tree), max_size=3)
pod_specs = st.fixed_dictionaries(
    {"containers": _maybe(containers, any_tree)},
    optional={
        "nodeSelector": _maybe(st.dictionaries(st.sampled_from(LABEL_KEYS + K8S_KEYS), st.sampled_from(LABEL_VALUES + WORDS),
                                               max_size=3), any_tree),
        "tolerations": _maybe(st.lists(_maybe(st.fixed_dictionaries({}, optional={
            "key": st.sampled_from(LABEL_KEYS + WORDS), "operator": st.sampled_from(["Exists", "Equal", "x"]),
            "value": st.sampled_from(LABEL_VALUES + WORDS), "effect": st.sampled_from(["NoSchedule", ""])}), any_tree),
            max_size=3), any_tree),
        "affinity": _maybe(st.fixed_dictionaries({"nodeAffinity": st.fixed_dictionaries({}, optional={
            "requiredDuringSchedulingIgnoredDuringExecution": st.fixed_dictionaries(
                {"nodeSelectorTerms": st.lists(st.fixed_dictionaries({"matchExpressions": expressions}), max_size=2)}),
            "preferredDuringSchedulingIgnoredDuringExecution": st.lists(st.fixed_dictionaries(
                {"preference": st.fixed_dictionaries({"matchExpressions": expressions})}), max_size=2),
        })}), any_tree),
        "volumes": _maybe(st.lists(st.fixed_dictionaries({"name": st.just("v"), "hostPath": st.fixed_dictionaries(
            {"path": st.sampled_from(WORDS)})}), max_size=2), any_tree),
        "hostNetwork": _maybe(st.booleans(), any_tree),
        "initContainers": _maybe(containers, any_tree),
    },
)


@st.composite
def k8s_objects(draw):
    spec = draw(pod_specs)
    for _ in range(draw(st.integers(0, 4))):  # bury the pod spec in workload-like wrappers
        wrapper = draw(st.sampled_from(["template", "spec", "jobTemplate", "Worker", "pytorchReplicaSpecs",
                                        "leaderWorkerTemplate", "workerTemplate", "items"]))
        spec = {wrapper: spec, **draw(st.dictionaries(st.sampled_from(["replicas", "parallelism", "size", "name"]),
                                                      scalars, max_size=2))}
    obj = {
        "apiVersion": draw(st.sampled_from(WORDS[-9:])),
        "kind": draw(st.sampled_from(KINDS)),
        "metadata": draw(_maybe(st.fixed_dictionaries({"name": st.sampled_from(WORDS)}, optional={
            "namespace": st.sampled_from(WORDS),
            "annotations": st.dictionaries(st.sampled_from(["hyperlint.io/ignore", "a"]), st.sampled_from(WORDS),
                                           max_size=2)}), any_tree)),
        "spec": draw(_maybe(st.just(spec), any_tree)),
    }
    if draw(st.booleans()):
        obj["x-extra"] = draw(any_tree)
    if obj["kind"] in ("List", "PodList"):
        obj["items"] = draw(st.lists(st.just(dict(obj, kind="Pod")), max_size=2))
    return obj


intrinsics = st.recursive(
    st.one_of(st.sampled_from(WORDS), st.integers(0, 3)),
    lambda inner: st.one_of(
        st.builds(lambda n: {"Ref": n}, st.sampled_from(["P", "Q", "Cluster", "AWS::Region", "Missing"])),
        st.builds(lambda a, b: {"Fn::If": ["C", a, b]}, inner, inner),
        st.builds(lambda a: {"Fn::FindInMap": ["M", {"Ref": "P"}, a]}, inner),
        st.builds(lambda i, xs: {"Fn::Select": [i, xs]}, inner, st.lists(inner, max_size=3)),
        st.builds(lambda xs: {"Fn::Join": [",", xs]}, st.lists(inner, max_size=3)),
        st.builds(lambda a: {"Fn::GetAtt": a}, inner),
        st.lists(inner, max_size=3),
    ),
    max_leaves=8,
)


@st.composite
def cfn_templates(draw):
    group = draw(st.fixed_dictionaries({}, optional={k: _maybe(intrinsics, any_tree) for k in (
        "InstanceGroupName", "InstanceType", "InstanceCount", "OnStartDeepHealthChecks")} | {
        "KubernetesConfig": st.fixed_dictionaries({}, optional={"Labels": any_tree, "Taints": any_tree})}))
    resource_type = st.sampled_from(["AWS::SageMaker::Cluster", "AWS::EKS::Nodegroup", "AWS::EKS::Addon",
                                     "AWS::EKS::Cluster", "Custom::X"])
    props = st.fixed_dictionaries({}, optional={
        "ClusterName": intrinsics, "NodeRecovery": intrinsics, "InstanceGroups": _maybe(st.just([group]), any_tree),
        "InstanceTypes": _maybe(intrinsics, any_tree), "AddonName": st.sampled_from(WORDS),
        "AddonVersion": intrinsics, "Labels": any_tree, "ScalingConfig": any_tree,
    })
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": draw(_maybe(st.fixed_dictionaries({"P": st.fixed_dictionaries({"Type": st.just("String")}, optional={
            "Default": scalars, "AllowedValues": st.lists(scalars, max_size=3)})}), any_tree)),
        "Mappings": draw(_maybe(st.fixed_dictionaries({"M": st.dictionaries(st.sampled_from(WORDS), st.dictionaries(
            st.sampled_from(WORDS), intrinsics, max_size=3), max_size=3)}), any_tree)),
        "Resources": draw(_maybe(st.dictionaries(st.sampled_from(["Cluster", "Nodes", "Addon", "X"]),
                                                 st.fixed_dictionaries({"Type": resource_type, "Properties": props},
                                                                       optional={"Metadata": any_tree}),
                                                 max_size=3), any_tree)),
    }


documents = st.one_of(k8s_objects(), cfn_templates(), trees(st.one_of(scalars, st.just(ALIAS))))

# -- writers ------------------------------------------------------------------------------------


def to_json(value, ascii: bool = True) -> str:
    def plain(v):
        if isinstance(v, Alias):
            return None
        if isinstance(v, dict):
            return {json.dumps(k) if not isinstance(k, str) else k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v
    return json.dumps(plain(value), allow_nan=True, ensure_ascii=ascii)


def _yaml_scalar(v, rnd: random.Random) -> str:
    if isinstance(v, Alias):
        return "*shared"
    if v is None or isinstance(v, (bool, int, float)):
        return rnd.choice([json.dumps(v), str(v)])
    if v and rnd.random() < 0.5 and (_PLAIN.match(v) or rnd.random() < 0.05) and v.isprintable():
        return v  # plain: YAML 1.1 may read it as something else, or (rarely) fail to parse
    return json.dumps(v, ensure_ascii=False)  # (YAML has no surrogate-pair escapes)


def to_yaml(value, rnd: random.Random) -> str:
    """Block style with flow bits, tags and merge keys mixed in at random."""
    out: list[str] = []

    def emit(v, indent: int, prefix: str):
        pad = " " * indent
        if isinstance(v, dict) and v and rnd.random() < 0.85:
            first = True
            for k, x in v.items():
                key = "<<" if k == "<<" else _yaml_scalar(k, rnd)
                lead = prefix if first else pad
                first = False
                if isinstance(x, (dict, list)) and x:
                    out.append(f"{lead}{key}:")
                    emit(x, indent + 2, " " * (indent + 2))
                else:
                    out.append(f"{lead}{key}: {_flow(x)}")
        elif isinstance(v, list) and v and rnd.random() < 0.85:
            first = True
            for x in v:
                lead = prefix if first else pad
                first = False
                if isinstance(x, (dict, list)) and x:
                    emit(x, indent + 2, lead + "- ")
                else:
                    out.append(f"{lead}- {_flow(x)}")
        else:
            out.append(prefix + _flow(v))

    def _flow(v) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{_yaml_scalar(k, rnd)}: {_flow(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(_flow(x) for x in v) + "]"
        text = _yaml_scalar(v, rnd)
        if isinstance(v, Alias):
            return text  # an alias cannot carry a tag
        tag = rnd.choice(["", "", "", "", "", "", "!!str ", "!Ref ", "!!int ", "!custom "])
        return tag + (text if text else '""')

    emit(value, 0, "")
    return "\n".join(out) + "\n"


@st.composite
def yaml_streams(draw):
    rnd = draw(st.randoms(use_true_random=False))
    parts = []
    for i in range(draw(st.integers(1, 4))):
        doc = draw(documents)
        shared = draw(any_tree)
        text = to_yaml(doc, rnd)
        if "*shared" in text:  # define the anchor first in the same document
            if isinstance(doc, dict) and doc:
                text = "x-shared: &shared " + to_json(shared, ascii=False) + "\n" + text
            else:
                text = text.replace("*shared", "null")
        header = rnd.choice(["", f"# Source: chart/templates/t{i}.yaml\n", "# hyperlint: disable=HP301\n", "--- !custom\n"])
        parts.append(header + text)
    return "---\n".join(parts).encode("utf-8", "surrogatepass")


# -- the properties ------------------------------------------------------------------------------


@PROFILE
@given(doc=documents, assume=st.booleans())
def test_generated_documents_as_json(doc, assume):
    check("generated.json", to_json(doc).encode("utf-8", "surrogatepass"), assume)


@PROFILE
@given(stream=yaml_streams(), assume=st.booleans())
def test_generated_yaml_streams(stream, assume):
    check("generated.yaml", stream, assume)


@PROFILE
@given(text=st.text(max_size=400), name=st.sampled_from(["t.yaml", "t.json"]))
def test_random_text(text, name):
    check(name, text.encode("utf-8"))


@PROFILE
@given(data=st.binary(max_size=600), name=st.sampled_from(["b.yaml", "b.json"]))
def test_random_bytes(data, name):
    check(name, data)


_MAX_FIXTURE = 30_000  # bytes: bigger fixtures are slow to mutate and add nothing
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".json")
                       and p.is_file() and p.stat().st_size <= _MAX_FIXTURE)


def _mutate(data: bytes, op: str, rnd: random.Random, other: bytes) -> bytes:
    n = len(data)
    lines = data.split(b"\n")
    if op == "truncate":
        return data[:rnd.randint(0, n)]
    if op == "flip" and n:
        i = rnd.randrange(n)
        return data[:i] + bytes([data[i] ^ (1 << rnd.randrange(8))]) + data[i + 1:]
    if op == "byte" and n:
        i = rnd.randrange(n)
        return data[:i] + bytes([rnd.choice(b"\x00\t\r\n\"'&*!%@`|>-:#[]{},?\\\xff\xc3")]) + data[i + 1:]
    if op == "shuffle":
        rnd.shuffle(lines)
        return b"\n".join(lines)
    if op == "duplicate":
        i = rnd.randrange(len(lines))
        return b"\n".join(lines[:i + 1] + lines[i:i + rnd.randint(1, 5)] + lines[i + 1:])
    if op == "delete":
        i = rnd.randrange(len(lines))
        return b"\n".join(lines[:i] + lines[i + rnd.randint(1, 3):])
    if op == "indent":
        i = rnd.randrange(len(lines))
        lines[i] = b" " * rnd.randint(1, 4) + lines[i]
        return b"\n".join(lines)
    if op == "splice":
        return data[:rnd.randint(0, n)] + other[rnd.randint(0, len(other)):]
    return data


@PROFILE
@given(
    index=st.integers(0, len(FIXTURE_FILES) - 1),
    other=st.integers(0, len(FIXTURE_FILES) - 1),
    ops=st.lists(st.sampled_from(["truncate", "flip", "byte", "shuffle", "duplicate", "delete", "indent", "splice"]),
                 min_size=1, max_size=3),
    rnd=st.randoms(use_true_random=False),
    as_json=st.booleans(),
)
def test_mutated_fixtures(index, other, ops, rnd, as_json):
    path = FIXTURE_FILES[index]
    data = path.read_bytes()
    for op in ops:
        data = _mutate(data, op, rnd, FIXTURE_FILES[other].read_bytes())
    check(path.stem + (".json" if as_json else path.suffix), data)


def test_fixtures_unmutated():
    """The starting points themselves (every fixture, whatever its size)."""
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            check(str(path.relative_to(FIXTURES)), path.read_bytes())


# -- fix and diff: mutated fixable files, every line break, every encoding, special files ---------

FIX_SEEDS = sorted(p for p in (FIXTURES / "fix").iterdir() if p.suffix in (".yaml", ".json")
                   and ".fixed" not in p.name and ".unsafe" not in p.name) + [
    FIXTURES / "rules" / f"{rule}.yaml" for rule in ("HP103", "HP201", "HP301", "HP303")] + [
    FIXTURES / "hostile" / "line_endings_cr.yaml"]
LINE_BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029", "mixed"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
_BOM = {"utf-8": b"", "utf-8-sig": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff",
        "utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff"}


def _restyle(data: bytes, brk: str, encoding: str, rnd: random.Random) -> bytes:
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    if brk == "mixed":
        data = b"".join(line + rnd.choice(LINE_BREAKS[:-1]).encode() for line in lines[:-1]) + lines[-1]
    else:
        data = brk.encode().join(lines)
    try:
        return _BOM[encoding] + data.decode("utf-8").encode(encoding)
    except UnicodeError:  # a mutation left invalid UTF-8: it stays UTF-8
        return data


@settings(PROFILE, max_examples=_EXAMPLES or 30)
@given(
    index=st.integers(0, len(FIX_SEEDS) - 1),
    ops=st.lists(st.sampled_from(["truncate", "flip", "byte", "shuffle", "duplicate", "delete", "indent", "splice"]),
                 max_size=2),
    brk=st.sampled_from(LINE_BREAKS),
    encoding=st.sampled_from(ENCODINGS),
    unsafe=st.booleans(),
    rnd=st.randoms(use_true_random=False),
)
def test_fix_and_diff_fuzz(index, ops, brk, encoding, unsafe, rnd):
    path = FIX_SEEDS[index]
    data = path.read_bytes()
    for op in ops:
        data = _mutate(data, op, rnd, FIX_SEEDS[(index + 1) % len(FIX_SEEDS)].read_bytes())
    data = _restyle(data, brk, encoding, rnd)
    config = Config()
    result = lint([Input(path.name, None, data)], config, DATA)
    assert result.errors == [], result.errors
    check_fix(path.name, data, result, config, unsafe=unsafe)


def test_fix_and_diff_with_special_files(tmp_path):
    """Special files among fixable ones, found by a walk or swapped in after it: never
    opened (a FIFO would block: the alarm ends the test instead), never a message for
    what was not meant to be fixed, every fixable file fixed."""
    import signal

    from hyperlint.discover import discover

    pod = (FIXTURES / "rules" / "HP303.yaml").read_bytes()
    for name in ("a.yaml", "swapped.yaml", "z.yaml"):
        (tmp_path / name).write_bytes(pod)
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "null.yaml").symlink_to("/dev/null")
    (tmp_path / "broken.yaml").symlink_to("missing.yaml")
    found = discover([str(tmp_path)])
    result = lint(found.inputs, Config(), DATA)
    assert not result.errors
    (tmp_path / "swapped.yaml").unlink()
    os.mkfifo(tmp_path / "swapped.yaml")
    signal.alarm(20)
    try:
        diff = fix_run(found.inputs, result.findings, write=False, digests=result.digests)
        fixed = fix_run(found.inputs, result.findings, digests=result.digests)
    finally:
        signal.alarm(0)
    swapped = [f"{tmp_path}/swapped.yaml: cannot read it again (not a regular file (FIFO, socket or device); "
               + "not read); not fixed"]
    assert diff.messages == swapped == fixed.messages
    assert sorted(diff.files) == sorted(fixed.files) == [f"{tmp_path}/a.yaml", f"{tmp_path}/z.yaml"]
    first = diff.diff[:diff.diff.index(b"--- a/", 1)]  # the diff of a.yaml, then that of z.yaml
    assert apply_patch(pod, first) == fixed.files[f"{tmp_path}/a.yaml"]
    assert (tmp_path / "a.yaml").read_bytes() == fixed.files[f"{tmp_path}/a.yaml"] != pod
