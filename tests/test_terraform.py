"""Terraform: module folders (.tf/.tfvars) and plan JSON give the findings CloudFormation gives."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES
from expectations import compare, expected_in

from hyperlint.config import Config
from hyperlint.discover import discover
from hyperlint.engine import lint

TF = FIXTURES / "terraform"
DONE_WHEN = TF / "done_when"
RULES = ["HP101", "HP103", "HP104", "HP201", "HP204", "HP209", "HP210", "HP001"]


def _lint(*paths, select=RULES, **options):
    found = discover([str(p) for p in paths])
    config = Config(select=select, **options)
    return lint(found.inputs, config), found


def _expectations(found):
    return [e for i in found.inputs for e in expected_in(Path(i.path))]


def test_module_gives_the_findings_of_the_equivalent_stack_at_the_tf_lines():
    module, found = _lint(DONE_WHEN / "module")
    assert not module.errors, module.errors
    assert not compare(module.findings, _expectations(found)), compare(module.findings, _expectations(found))
    stack, found_stack = _lint(DONE_WHEN / "stack.yaml")
    assert not compare(stack.findings, _expectations(found_stack))
    assert Counter(f.rule for f in module.findings) == Counter(f.rule for f in stack.findings)
    assert len(module.findings) == 7


def test_plan_gives_the_same_findings():
    plan, found = _lint(DONE_WHEN / "plan.json")
    assert not plan.errors, plan.errors
    problems = compare(plan.findings, _expectations(found))
    assert not problems, problems
    module, _ = _lint(DONE_WHEN / "module")
    assert Counter(f.rule for f in plan.findings) == Counter(f.rule for f in module.findings)


def test_positions_are_the_values_in_the_tf_file():
    result, _ = _lint(DONE_WHEN / "module", select=["HP201"])
    (f,) = result.findings
    line = (DONE_WHEN / "module" / "main.tf").read_text().splitlines()[f.loc.line - 1]
    assert line[f.loc.column - 1:f.loc.end_column - 1] == '"p5.48xlarge"'
    assert f.loc.object == ("awscc_sagemaker_cluster", None, "hyperpod")


def test_variables_defaults_tfvars_and_unset():
    """A default and each -var-file value are judged; a variable nobody sets gives no finding
    (no HP103 for `authentication_mode = var.authentication_mode`); an always-loaded tfvars
    hides the default."""
    result, found = _lint(TF / "variables")
    assert not result.errors, result.errors
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems
    (tfvars,) = [f for f in result.findings if f.loc.file.endswith("staging.tfvars")]
    assert "variable kubernetes_version, set in a .tfvars file" in tfvars.message
    (variable,) = tfvars.related
    assert variable.file.endswith("variables.tf") and variable.line == 5


def test_node_groups_access_entries_security_groups():
    """HP205 (node group role as execution role), HP206 (its trust), HP108 (an access policy
    association on a HYPERPOD_LINUX entry, at the association), HP214 (inline rules)."""
    result, found = _lint(TF / "more", select=["HP108", "HP205", "HP206", "HP214"])
    assert not result.errors, result.errors
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems


def test_heredoc_trust_policy_and_managed_policy_arns():
    result, found = _lint(TF / "heredoc", select=["HP001", "HP206"])
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems


def test_policy_documents_merged_from_elsewhere_are_unknown(tmp_path):
    """A trust policy whose statements come partly from other documents is not judged."""
    (tmp_path / "main.tf").write_text('''data "aws_iam_policy_document" "trust" {
  source_policy_documents = [var.extra_trust]
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}
resource "aws_iam_role" "execution" {
  name                = "x"
  assume_role_policy  = data.aws_iam_policy_document.trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy"]
}
resource "awscc_sagemaker_cluster" "h" {
  instance_groups = [{ instance_group_name = "g", instance_type = "ml.p5.48xlarge", instance_count = 1,
                       execution_role = aws_iam_role.execution.arn }]
}
''')
    result, _ = _lint(tmp_path, select=["HP206"])
    assert result.findings == []
    text = (tmp_path / "main.tf").read_text().replace("  source_policy_documents = [var.extra_trust]\n", "")
    (tmp_path / "main.tf").write_text(text)
    result, _ = _lint(tmp_path, select=["HP206"])
    assert [(f.rule, f.severity) for f in result.findings] == [("HP206", "error")]


@pytest.mark.parametrize("text", ["x = " + "[" * 50_000 + "]" * 50_000 + "\n",
                                  "x = \"" + "a" * 2_000_000 + "\"\n",
                                  "/*" + " " * 1_000_000 + "\n",
                                  "locals {\n" + "  a = b\n" * 100_000 + "}\n"])
def test_hostile_hcl_is_a_finding_or_nothing_never_a_crash(text, tmp_path):
    import time

    (tmp_path / "main.tf").write_text(text)
    start = time.perf_counter()
    result, _ = _lint(tmp_path, select=None)
    assert time.perf_counter() - start < 20
    assert not result.errors, result.errors
    assert {f.rule for f in result.findings} <= {"HP001"}


def test_local_child_modules_get_their_values_from_the_calls():
    """A value passed by a `module` block (literal, or through the caller's variables and
    tfvars) is judged where it is written; a child default every call overrides is not."""
    result, found = _lint(TF / "child_modules", select=None)
    assert not result.errors, result.errors
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems
    (hp201,) = [f for f in result.findings if f.rule == "HP201"]
    assert [Path(r.file).name for r in hp201.related] == ["variables.tf"]
    assert "modules/hyperpod" in hp201.related[0].file
    alone, _ = _lint(TF / "child_modules" / "modules" / "hyperpod", select=None)
    assert alone.findings == []  # without the call, its variables are unknown


def test_for_expressions_merge_and_conditions_over_known_values():
    """The AWS reference modules build instance groups with `for`, `merge` and conditions over
    a list of objects from tfvars: each group is read, each value judged where it is written."""
    result, found = _lint(TF / "for_expressions", select=None)
    assert not result.errors, result.errors
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems


@pytest.mark.parametrize(("expr", "value"), [
    ("true || var.unknown", True), ("false && var.unknown", False), ("1 + 2 * 3", 7), ("4 / 0", None),
    ('"a" == "a"', True), ("null != null", False), ('{ a = 1 } != null', True), ("!false", True),
    ("length([1, 2]) > 1", True), ("var.unknown == 1", None), ('distinct(["a", "a"])', ["a"]),
    ('concat(["a"], true ? ["b"] : [])', ["a", "b"]), ("[for x in [1, 2, 3] : x * 2 if x > 1]", [4, 6]),
    ('{for k, v in { a = 1, b = 2 } : k => v + 1}', {"A": 2, "B": 3}),  # keys renamed as properties
    ('merge({ a = 1 }, false ? { b = 2 } : {}, { c = null })', {"A": 1}),
])
def test_known_values_are_evaluated_and_unknown_ones_stay_unknown(expr, value):
    from hyperlint.terraform.module import Module
    from hyperlint.terraform.view import AUTO, TerraformView

    module = Module("m")
    module.add("main.tf", f"locals {{\n  x = {expr}\n}}\n")
    view = TerraformView(module)
    got, _, _ = view.tr(module.locals["x"].node.expr, 0, AUTO)
    if value is None:
        assert isinstance(got, dict) and list(got) == ["Ref"], got
    else:
        assert got == value


def test_json_tfvars_are_read_like_tfvars(tmp_path):
    """`terraform.tfvars.json` is always loaded: it hides the default, and its value is judged
    at its line in the JSON file."""
    (tmp_path / "main.tf").write_text('''variable "kubernetes_version" {
  default = "1.27"
}
resource "aws_eks_cluster" "main" {
  name    = "x"
  version = var.kubernetes_version
  access_config { authentication_mode = "API" }
}
''')
    (tmp_path / "terraform.tfvars.json").write_text('{\n  "kubernetes_version": "1.26"\n}\n')
    result, _ = _lint(tmp_path, select=["HP001", "HP101"])
    assert [(Path(f.loc.file).name, f.loc.line, f.loc.column, f.rule) for f in result.findings] == [
        ("terraform.tfvars.json", 2, 25, "HP101")]
    (tmp_path / "terraform.tfvars.json").write_text('{"kubernetes_version": ')
    result, _ = _lint(tmp_path, select=["HP001", "HP101"])
    assert sorted((Path(f.loc.file).name, f.rule) for f in result.findings) == [
        ("main.tf", "HP101"), ("terraform.tfvars.json", "HP001")]


def test_cluster_settings_through_the_property_mapping():
    """IPv6 (HP107), taints with deep health checks (HP207), reserved label keys (HP208), EBS
    volumes (HP211), autoscaling prerequisites (HP212): awscc attribute names map to the template's."""
    result, found = _lint(TF / "cluster_settings", select=["HP107", "HP207", "HP208", "HP211", "HP212"])
    assert not result.errors, result.errors
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems


def test_aws_provider_sagemaker_cluster_is_read_like_awscc():
    """`aws_sagemaker_cluster` (the aws provider's HyperPod resource, with blocks) gives the
    findings of the same cluster written with awscc."""
    result, found = _lint(TF / "aws_provider")
    assert not result.errors, result.errors
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems
    assert [c.name for c in result.model.clusters] == ["ml-cluster"]
    assert [g.instance_types for g in result.model.clusters[0].groups] == [["p5.48xlarge"], ["ml.m5.2xlarge"]]


def test_managed_policies_from_every_attachment_resource():
    """HP206 sees the managed policies that for_each attachments, aws_iam_policy_attachment
    (`roles`) and aws_iam_role_policy_attachments_exclusive (`policy_arns`) give a role."""
    result, found = _lint(TF / "attachments", select=["HP206"])
    assert not result.errors, result.errors
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems


def test_cluster_arn_messages_speak_terraform():
    result, found = _lint(TF / "cluster_arn", select=["HP203"])
    problems = compare(result.findings, _expectations(found))
    assert not problems, problems


def test_fix_in_a_variable_default(tmp_path):
    from hyperlint.fix import fix_run

    target = tmp_path / "variables"
    shutil.copytree(TF / "variables", target)
    before = (target / "variables.tf").read_bytes()
    result, found = _lint(target, select=["HP201"])
    assert fix_run(found.inputs, result.findings).count == 1
    assert (target / "variables.tf").read_bytes() == before.replace(b'"p4d.24xlarge"', b'"ml.p4d.24xlarge"')


def test_fix_adds_ml_prefix_byte_preserving(tmp_path):
    from hyperlint.fix import fix_run

    target = tmp_path / "module"
    shutil.copytree(DONE_WHEN / "module", target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    result, found = _lint(target, select=["HP201"])
    outcome = fix_run(found.inputs, result.findings)
    assert outcome.count == 1
    after = (target / "main.tf").read_bytes()
    assert after == before["main.tf"].replace(b'"p5.48xlarge"', b'"ml.p5.48xlarge"')
    assert (target / "iam.tf").read_bytes() == before["iam.tf"]
    again, _ = _lint(target, select=["HP201"])
    assert again.findings == []


def test_fix_never_rewrites_a_plan(tmp_path):
    from hyperlint.fix import fix_run

    plan = tmp_path / "plan.json"
    shutil.copy(DONE_WHEN / "plan.json", plan)
    result, found = _lint(plan, select=["HP201"])
    assert [f.rule for f in result.findings] == ["HP201"]
    assert fix_run(found.inputs, result.findings).count == 0


def test_syntax_error_is_hp001_and_other_files_are_still_read(tmp_path):
    (tmp_path / "broken.tf").write_text('resource "aws_eks_cluster" "x" {\n  version = \n}\n')
    (tmp_path / "main.tf").write_text('resource "aws_eks_cluster" "y" {\n  version = "1.27"\n}\n')
    result, _ = _lint(tmp_path, select=["HP001", "HP101"])
    assert sorted((Path(f.loc.file).name, f.loc.line, f.rule) for f in result.findings) == [
        ("broken.tf", 2, "HP001"), ("main.tf", 2, "HP101")]


def test_suppression_comment_in_tf(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_eks_cluster" "y" {\n  version = "1.27" # hyperlint: disable=HP101 -- legacy\n}\n')
    result, _ = _lint(tmp_path, select=["HP101", "HP002"])
    assert result.findings == []


def test_eks_module_inputs(tmp_path):
    (tmp_path / "main.tf").write_text('''module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  version         = "~> 20.0"
  cluster_version = "1.28"
  cluster_addons = {
    vpc-cni = { addon_version = "v1.15.1-eksbuild.1" }
    coredns = {}
  }
}
''')
    result, _ = _lint(tmp_path, select=["HP101", "HP103", "HP104"])
    assert sorted((f.loc.line, f.loc.column, f.rule) for f in result.findings) == [(4, 21, "HP101"), (6, 33, "HP104")]


def test_eks_module_node_groups_are_non_hyperpod_capacity(tmp_path):
    """A workload pinned to the instance type of the module's managed node group is not a
    HyperPod type without `ml.` (HP301 stays silent, as for eksctl and CloudFormation node groups)."""
    (tmp_path / "main.tf").write_text('''module "eks" {
  source          = "terraform-aws-modules/eks/aws"
  cluster_version = "1.32"
  eks_managed_node_groups = {
    system = { instance_types = ["m5.large"], desired_size = 2, labels = { role = "system" } }
  }
}
''')
    (tmp_path / "job.yaml").write_text("""apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: default}
spec:
  template:
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: m5.large}
      containers: [{name: c, image: busybox}]
      restartPolicy: Never
""")
    result, _ = _lint(tmp_path, select=None)
    assert result.findings == []
    (group,) = result.model.node_groups
    assert (group.name, group.origin, group.instance_types, group.count) == ("system", "terraform", ["m5.large"], 2)
    assert Path(group.loc.file).name == "main.tf" and group.loc.line == 5
    (tmp_path / "main.tf").unlink()
    result, _ = _lint(tmp_path, select=["HP301"])
    assert [f.rule for f in result.findings] == ["HP301"]  # without the node group, it is reported


def test_unknown_values_give_no_finding(tmp_path):
    (tmp_path / "main.tf").write_text('''data "aws_ssm_parameter" "v" { name = "/eks/version" }
resource "aws_eks_cluster" "a" {
  version = data.aws_ssm_parameter.v.value
  access_config { authentication_mode = lookup(var.modes, "x") }
}
resource "awscc_sagemaker_cluster" "h" {
  instance_groups = [for g in var.groups : { instance_type = g.type }]
}
resource "aws_eks_cluster" "b" {
  version = "1.32"
  dynamic "access_config" {
    for_each = var.access
    content { authentication_mode = access_config.value }
  }
}
''')
    result, _ = _lint(tmp_path, select=["HP101", "HP103", "HP201"])
    assert result.findings == []


def test_run_model_relates_terraform_clusters_to_manifests(tmp_path):
    """HP402: a workload in the module's folder targets a type no Terraform instance group has."""
    shutil.copytree(DONE_WHEN / "module", tmp_path / "module")
    (tmp_path / "module" / "job.yaml").write_text('''apiVersion: batch/v1
kind: Job
metadata: {name: train, namespace: kubeflow}
spec:
  template:
    spec:
      nodeSelector: {node.kubernetes.io/instance-type: ml.g5.8xlarge}
      containers: [{name: c, image: busybox}]
      restartPolicy: Never
''')
    result, _ = _lint(tmp_path, select=["HP402"])
    assert [(Path(f.loc.file).name, f.loc.line, f.rule) for f in result.findings] == [("job.yaml", 7, "HP402")]
    (cluster,) = result.model.clusters
    assert cluster.origin == "terraform"
    assert [Path(loc.file).name for g in cluster.groups for loc in g.type_locs] == ["main.tf", "main.tf"]


def test_without_python_hcl2_valid_files_are_read_and_odd_ones_get_a_hint(monkeypatch, tmp_path):
    """The fast reader needs no dependency; text it cannot read is HP001 with the install hint
    when python-hcl2 (the reference parser) is not there to read it."""
    import builtins

    real_import = builtins.__import__

    def no_hcl2(name, *args, **kwargs):
        if name == "hcl2" or name.startswith("hcl2."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_hcl2)
    (tmp_path / "main.tf").write_text('resource "aws_eks_cluster" "y" {\n  version = "1.27"\n}\n')
    (tmp_path / "odd.tf").write_text('locals {\n  x = 1 +\n}\n')
    result, _ = _lint(tmp_path, select=["HP001", "HP101"])
    got = sorted((Path(f.loc.file).name, f.rule) for f in result.findings)
    assert got == [("main.tf", "HP101"), ("odd.tf", "HP001")]
    assert "hyperlint[terraform]" in next(f.message for f in result.findings if f.rule == "HP001")


@pytest.mark.parametrize("folder", ["hyperpod-eks-terraform"])
def test_realistic_compliant_module_is_clean(folder):
    result, found = _lint(FIXTURES / "clean" / folder, select=None)
    assert not result.errors, result.errors
    assert len([i for i in found.inputs if i.path.endswith(".tf")]) >= 4
    assert [f"{f.loc.file}:{f.loc.line} {f.rule} {f.message}" for f in result.findings] == []


def test_fast_reader_reads_as_python_hcl2_does():
    """The fast reader and python-hcl2 (the reference) give the same nodes on every Terraform
    fixture, the syntax fixture included (tricky.tf: heredocs, directives, for expressions,
    operators, splats, comments ...)."""
    pytest.importorskip("hcl2")
    from hcl_compare import first_difference, normal

    from hyperlint.terraform import hcl, reader

    files = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".tf", ".tfvars"))
    assert len(files) >= 10
    for path in files:
        text = path.read_text()
        fast, reference = normal(reader.read(text)), normal(hcl.parse_with_hcl2(text))
        assert fast == reference, (path, first_difference(fast, reference))


@pytest.mark.parametrize("text", ["locals {\n  x = 1 +\n}\n", 'resource "a" "b" {\n  x = "unterminated\n}\n',
                                  "locals {\n  x = [1, 2\n}\n", "resource \"a\" {\n", "}\n",
                                  "locals {\n  x = \u00b2\n}\n"])  # a digit (str.isdigit) that is no number
def test_both_readers_reject_bad_syntax(text):
    pytest.importorskip("hcl2")
    from hyperlint.terraform import hcl, reader

    with pytest.raises(reader.ReaderError):
        reader.read(text)
    with pytest.raises(hcl.HclError):
        hcl.parse_with_hcl2(text)


TERRAFORM_DOCS = [r for r in __import__("hyperlint.rules", fromlist=["all_rules"]).all_rules().values()
                  if "## Terraform" in r.doc]


@pytest.mark.parametrize("rule", TERRAFORM_DOCS, ids=lambda r: r.id)
def test_terraform_doc_examples_report_their_rule(rule, tmp_path):
    import re

    block = re.search(r"## Terraform\n.*?```hcl\n(.*?)```", rule.doc, re.DOTALL).group(1)
    (tmp_path / "main.tf").write_text(block)
    result, _ = _lint(tmp_path, select=None)
    assert not result.errors, result.errors
    assert rule.id in {f.rule for f in result.findings}, (rule.id, [f.rule for f in result.findings])


def test_terraform_doc_examples_exist():
    assert {r.id for r in TERRAFORM_DOCS} >= {"HP101", "HP103", "HP104", "HP201", "HP204", "HP209"}


def test_real_world_patterns_give_no_finding():
    result, _ = _lint(TF / "realworld", select=None)
    assert not result.errors, result.errors
    assert [f"{f.loc.line} {f.rule} {f.message}" for f in result.findings] == []


def test_bench_terraform_tree_lints_with_its_planted_findings(tmp_path):
    import importlib.util
    import sys

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("hyperlint_bench_tf", ROOT / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    assert bench.terraform_tree(tmp_path / "tf") == 100
    result, found = _lint(tmp_path / "tf", select=None)
    assert not result.errors, result.errors
    assert len(found.inputs) == 100
    assert Counter(f.rule for f in result.findings) == {"HP201": 5, "HP104": 5}


def test_every_terraform_finding_points_at_a_value_or_a_name():
    """Each finding's span in a .tf/.tfvars file is a whole value (it reads as an HCL expression)
    or the name of an attribute or block (where a missing property belongs)."""
    import re

    from hyperlint.terraform import reader

    folders = [p for p in TF.iterdir() if p.is_dir() and p.name != "syntax"] + [DONE_WHEN / "module"]
    checked = 0
    for folder in folders:
        result, _ = _lint(folder, select=None)
        for f in result.findings:
            if not f.loc.file.endswith((".tf", ".tfvars")) or f.rule == "HP001":
                continue
            line = Path(f.loc.file).read_text().splitlines()[f.loc.line - 1]
            assert f.loc.end_line == f.loc.line, f
            span = line[f.loc.column - 1:f.loc.end_column - 1]
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", span) and re.match(
                    rf"{re.escape(span)}\s*(=|{{|\"|[A-Za-z_])", line[f.loc.column - 1:]):
                checked += 1
                continue
            reader.read(f"x = {span}\n")  # a whole value
            checked += 1
    assert checked >= 20
