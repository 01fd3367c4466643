"""hyperlint.recognise: what a walked file is, decided from its name and a cheap look at its text."""

from __future__ import annotations

import pytest

from hyperlint.recognise import by_content, by_name, chart_above, meant_as_input


@pytest.mark.parametrize("name, what", [
    ("package.json", "npm package manifest"), ("tsconfig.json", "TypeScript"), ("tsconfig.build.json", "TypeScript"),
    ("docker-compose.yml", "Docker Compose"), ("compose.yaml", "Docker Compose"), ("mkdocs.yml", "MkDocs"),
    ("buildspec.yml", "CodeBuild"), ("Chart.lock", "Helm lock"),
])
def test_known_names_are_not_inputs(name, what):
    assert what in by_name(name)


@pytest.mark.parametrize("name", ["job.yaml", "values.yaml", "cluster.json", "settings.json", "launch.json",
                                  "kustomization.yaml", "stack.template.json"])
def test_other_names_are_looked_at(name):
    assert by_name(name) is None


@pytest.mark.parametrize("text", [
    b"apiVersion: v1\nkind: Pod\nmetadata: {name: p\n",
    b"- apiVersion: v1\n  kind: Pod\n",
    b'{"apiVersion": "v1", "kind": "Pod", }',
    b"AWSTemplateFormatVersion: 2010-09-09\nResources: [",
    b"Resources:\n  Cluster:\n    Type: AWS::SageMaker::Cluster\n  x: [\n",
    b'{"Resources": {"C": {"Type": "AWS::EKS::Cluster"}},}',
    b'{"ClusterName": "c", "InstanceGroups": [],}',
    b"apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: [\n",
])
def test_text_meant_as_input(text):
    assert meant_as_input(text)


@pytest.mark.parametrize("text", [
    b'{\n  // comment\n  "compilerOptions": {}\n}\n',
    b"run:\n  name: {model}-{size} x\n",
    b"kind: of a config\nname: x: y\n",  # kind without apiVersion
    b"Resources:\n  cpu: [\n",  # Resources without an AWS type
])
def test_text_not_meant_as_input(text):
    assert not meant_as_input(text)


def test_by_content():
    assert by_content("a.yaml", b"apiVersion: v1\nkind: Pod\n", None, 1) is None
    assert "empty file" in by_content("a.json", b"  \n", 0, 0)
    assert "no Kubernetes object" in by_content("values.yaml", b"image: x\n", None, 0)
    assert "does not parse" in by_content("conf/hydra.yaml", b"a: {b}-{c} d\n", 0, 0)
    assert by_content("job.yaml", b"apiVersion: v1\nkind: Pod\nmetadata: {name: [\n", 2, 0) is None  # HP001
    # unrendered template text at the error: template source, with or without parsed objects
    text = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}-x y\n"
    assert "template source" in by_content("job.yaml", text, 3, 0)
    text = b"apiVersion: v1\nkind: ConfigMap\n---\nvalues:\n${INSTANCE_TYPES}\n"
    assert "line 5" in by_content("nodepool.yaml", text, 4, 1)
    # named as a template; a `templates/` folder alone counts only when nothing parsed
    broken = b"apiVersion: v1\nkind: Service\nmetadata:\n  annotations:NLB\nspec: {}\n"
    assert "template source" in by_content("ui/service-template.yaml", broken, 3, 1)
    assert "template source" in by_content("templates/service.yaml", broken, 3, 0)
    assert by_content("templates/service.yaml", broken, 3, 1) is None


def test_chart_above(tmp_path):
    chart = tmp_path / "repo" / "deploy" / "chart"
    (chart / "templates" / "sub").mkdir(parents=True)
    (chart / "config").mkdir()
    (chart / "Chart.yaml").write_text("name: c\n")
    repo = tmp_path / "repo"
    assert chart_above(str(chart / "config"), stop=str(repo)) == str(chart)
    assert chart_above(str(chart / "config"), stop=str(chart / "config")) is None  # above the walk's root
    assert chart_above(str(chart / "templates" / "sub")) == str(chart)  # a chart's templates: at any height
    assert chart_above(str(repo)) is None


def test_a_skipped_template_joins_no_cross_document_rule(tmp_path, monkeypatch):
    """A file named as a template whose later document breaks is skipped whole: the
    objects of its first documents reach neither the rules nor the run model."""
    from hyperlint.config import Config
    from hyperlint.discover import discover
    from hyperlint.engine import lint

    (tmp_path / "ui").mkdir()
    (tmp_path / "ui" / "job-template.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  nodeSelector: {node.kubernetes.io/instance-type: ml.p5.48xlarge}\n"
        "  containers: [{name: c, image: x}]\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: MODEL_TAG-nlb\n  annotations:NLB_ANNOTATIONS\nspec: {}\n")
    monkeypatch.chdir(tmp_path)
    result = lint(discover(["."]).inputs, Config())
    assert result.findings == [] and result.model.workloads == [] and not result.model.manifests_seen
    assert [f for f, _ in result.skipped] == ["ui/job-template.yaml"]


def test_template_actions_anywhere_make_a_broken_file_template_source():
    text = b"{{- if .Values.enabled }}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  x y: [\n"
    assert "line 1" in by_content("job.yaml", text, 5, 0)
    jinja = b"{% for g in groups %}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  x y: [\n"
    assert "template source" in by_content("job.yaml", jinja, 5, 0)
    # a CloudFormation dynamic reference is not template text: a broken template is HP001
    cfn = b"AWSTemplateFormatVersion: 2010-09-09\nResources:\n  S:\n    Type: AWS::S3::Bucket\n" \
          b"    Properties: {BucketName: '{{resolve:ssm:name}}'}\n  x: [\n"
    assert by_content("stack.yaml", cfn, 5, 0) is None
    sub = b"AWSTemplateFormatVersion: 2010-09-09\nResources:\n  S:\n    Type: AWS::S3::Bucket\n" \
          b"    Properties: {BucketName: !Sub '${AWS::StackName}-${Env}'}\n  x: [\n"
    assert by_content("stack.yaml", sub, 5, 0) is None  # Fn::Sub's ${Env}, not envsubst
