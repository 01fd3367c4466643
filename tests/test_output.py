"""Output formats: SARIF (validated against the official schema), GitHub annotations, JUnit, Markdown, --output."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from clitools import ROOT, run
from conftest import FIXTURES
from hyperlint.engine import Result
from hyperlint.findings import Finding, Loc
from hyperlint.model import Model
from hyperlint.output import FORMATS, render
from hyperlint.output.github import escape_data, escape_property
from hyperlint.rules import all_rules

SARIF_SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())
HELM_FIXTURE = FIXTURES / "rules" / "HP001.yaml"  # Helm `# Source:` comments, HP001 and HP301

BAD = """\
apiVersion: v1
kind: Pod
metadata: {name: trainer, namespace: ml}
spec:
  nodeSelector:
    node.kubernetes.io/instance-type: p5.48xlarge
    sagemaker.amazonaws.com/node-health-status: Schedulable
  containers: [{name: c, image: busybox}]
"""


def sarif_validator():
    # This copy of the schema keeps the constraints of the log itself in
    # definitions/Root, with nothing at the top level: validating against the
    # bare document would accept anything (test_the_validator_is_real guards it).
    schema = SARIF_SCHEMA if "properties" in SARIF_SCHEMA else {**SARIF_SCHEMA, "$ref": "#/definitions/Root"}
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid_sarif(doc) -> None:
    errors = sorted(sarif_validator().iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def sarif(*args, cwd=ROOT) -> dict:
    proc = run("check", "--format", "sarif", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return json.loads(proc.stdout)


def result_of(findings, errors=(), files=1) -> Result:
    return Result(list(findings), Model(), list(errors), files)


def finding(rule="HP301", severity="error", message="m", file="k8s/a.yaml", **loc) -> Finding:
    place = {"line": 3, "column": 5, "end_line": 3, "end_column": 9, "pointer": "/spec", "object": ("Pod", "ns", "p")}
    place.update(loc)
    return Finding(rule, severity, message, Loc(file, **place))


# -- SARIF -------------------------------------------------------------------------------

def test_the_validator_is_real():
    doc = sarif("examples")
    broken = json.loads(json.dumps(doc))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    broken["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri"
    broken["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    broken["runs"][0]["results"][2]["colour"] = "red"
    messages = " ".join(e.message for e in sarif_validator().iter_errors(broken))
    assert "'fatal' is not one of" in messages
    assert "is not a 'uri'" in messages
    assert "0 is less than the minimum of 1" in messages
    assert "'colour' was unexpected" in messages


@pytest.mark.parametrize("target", ["examples/", str(HELM_FIXTURE.relative_to(ROOT))])
def test_sarif_is_valid_and_complete(target):
    doc = sarif(target)
    assert_valid_sarif(doc)
    assert doc["version"] == "2.1.0"
    (sarif_run,) = doc["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "hyperlint" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == list(all_rules())
    for descriptor, rule in zip(rules, all_rules().values()):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] and descriptor["fullDescription"]["text"] != rule.summary
        assert "## Why is this bad?" in descriptor["help"]["markdown"] and rule.summary in descriptor["help"]["text"]
        assert descriptor["helpUri"] == rule.url
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
    results = sarif_run["results"]
    assert results
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["level"] in ("error", "warning", "note")
        (location,) = r["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        uri = artifact["uri"]
        assert uri and not uri.startswith("/") and ":" not in uri and (ROOT / uri).is_file(), uri
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert r["partialFingerprints"]["hyperlint/v1"]


def test_sarif_details_of_a_helm_stream():
    doc = sarif(str(HELM_FIXTURE.relative_to(ROOT)))
    results = doc["runs"][0]["results"]
    assert sorted({r["ruleId"] for r in results}) == ["HP001", "HP301"]
    hp301 = [r for r in results if r["ruleId"] == "HP301"]
    first = hp301[0]
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 14, "startColumn": 43, "endLine": 14, "endColumn": 55}
    objects, element = first["locations"][0]["logicalLocations"]
    assert objects["properties"] == {"kind": "Job", "namespace": None, "name": "before"}
    assert element["fullyQualifiedName"] == "/spec/template/spec/nodeSelector/node.kubernetes.io~1instance-type"
    assert element["name"] == "node.kubernetes.io/instance-type"
    (related,) = first["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "trainer/templates/job.yaml"
    assert "Helm template" in related["message"]["text"]
    for r in results:
        if r["ruleId"] == "HP001":
            assert "relatedLocations" not in r and r["locations"][0]["physicalLocation"]["region"]["startLine"] > 1


def _fingerprints(doc) -> dict:
    out = {}
    for r in doc["runs"][0]["results"]:
        fp = r["partialFingerprints"]["hyperlint/v1"]
        assert fp not in out, "fingerprints must be unique in a run"
        out[fp] = (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
    return out


def test_fingerprints_survive_lines_inserted_above(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy(HELM_FIXTURE, tmp_path / "rendered.yaml")
    before = _fingerprints(sarif("examples", "rendered.yaml", cwd=tmp_path))
    for path in [*(tmp_path / "examples").rglob("*.yaml"), tmp_path / "rendered.yaml"]:
        path.write_text("\n\n\n" + path.read_text())
    after = _fingerprints(sarif("examples", "rendered.yaml", cwd=tmp_path))
    assert len(before) >= 12 and set(before) == set(after)
    for fp, (rule, line) in before.items():
        assert after[fp] == (rule, line + 3)
    # while a different finding gets a different fingerprint
    target = tmp_path / "examples" / "k8s" / "training-job.yaml"
    target.write_text(target.read_text().replace("name: llama3-70b-pretrain", "name: llama3-8b", 1))
    changed = _fingerprints(sarif("examples", "rendered.yaml", cwd=tmp_path))
    assert len(set(changed) - set(before)) == 2  # HP301 and HP306 of the renamed PyTorchJob


def test_empty_run_has_an_empty_results_array(tmp_path):
    (tmp_path / "good.yaml").write_text(BAD.replace("p5.48xlarge", "ml.p5.48xlarge"))
    doc = sarif("good.yaml", cwd=tmp_path)
    assert_valid_sarif(doc)
    assert doc["runs"][0]["results"] == []
    assert doc["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_absolute_and_odd_paths_become_relative_uris(tmp_path):
    odd = tmp_path / "dir with space" / "a,b:c#.yaml"
    odd.parent.mkdir()
    odd.write_text(BAD)
    doc = sarif(str(odd), cwd=tmp_path)
    assert_valid_sarif(doc)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir%20with%20space/a%2Cb%3Ac%23.yaml"


def test_internal_errors_are_notifications_and_related_locations():
    other = Loc("cfn/stack.yaml", 7, 3, 7, 12, "/Parameters/Version")
    f = finding(message="version 1.29 (see line 7)").with_(related=(other,))
    out = io.StringIO()
    render("sarif", result_of([f], errors=["internal error in HP301 on a.yaml: KeyError: 'x'"]), out)
    doc = json.loads(out.getvalue())
    assert_valid_sarif(doc)
    (invocation,) = doc["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("internal error in HP301")
    (related,) = doc["runs"][0]["results"][0]["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 12}
    # a line number in a message does not change the fingerprint
    from hyperlint.output.sarif import fingerprint

    assert fingerprint(f) == fingerprint(f.with_(message="version 1.29 (see line 9)"))
    assert fingerprint(f) != fingerprint(f.with_(message="version 1.28 (see line 7)"))


# -- GitHub annotations -------------------------------------------------------------------

def test_github_annotation_format(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD)
    proc = run("check", "--format", "github", "bad.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.decode().splitlines()
    assert lines == [
        "::error file=bad.yaml,line=6,col=39,endLine=6,endColumn=50,title=HP301 instance-type-without-ml-prefix::"
        "instance type 'p5.48xlarge' has no 'ml.' prefix: HyperPod nodes are labelled 'ml.p5.48xlarge', so this "
        "matches no HyperPod node; use 'ml.p5.48xlarge' (Pod ml/trainer)",
        "hyperlint: 1 problem (1 error) in 1 of 1 file",
    ]


def test_github_paths_are_relative_to_the_workspace(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "bad.yaml").write_text(BAD)
    env = {"GITHUB_WORKSPACE": str(tmp_path)}
    proc = run("check", "-f", "github", "bad.yaml", cwd=tmp_path / "sub", env=env)
    assert proc.stdout.startswith(b"::error file=sub/bad.yaml,line=6,")
    proc = run("check", "-f", "github", str(tmp_path / "sub" / "bad.yaml"), cwd=tmp_path, env=env)
    assert proc.stdout.startswith(b"::error file=sub/bad.yaml,line=6,")
    # outside the workspace: as reported
    proc = run("check", "-f", "github", "bad.yaml", cwd=tmp_path / "sub", env={"GITHUB_WORKSPACE": str(tmp_path / "w")})
    assert proc.stdout.startswith(b"::error file=bad.yaml,line=6,")


def test_github_severity_mapping_and_escaping(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    findings = [
        finding("HP301", "error", "100% wrong\r\nnext", file="a,b:c.yaml"),
        finding("HP306", "warning", "w", end_line=None, end_column=None),
        finding("HP002", "info", "i"),
    ]
    out = io.StringIO()
    render("github", result_of(findings), out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ("::error file=a%2Cb%3Ac.yaml,line=3,col=5,endLine=3,endColumn=9,"
                        "title=HP301 instance-type-without-ml-prefix::100%25 wrong%0D%0Anext (Pod ns/p)")
    assert lines[1] == "::warning file=k8s/a.yaml,line=3,col=5,title=HP306 node-storage-outside-opt-sagemaker::w (Pod ns/p)"
    assert lines[2].startswith("::notice file=k8s/a.yaml,") and "title=HP002 unused-suppression::" in lines[2]
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert escape_data("a:b,c%d\r") == "a:b,c%25d%0D"


def test_github_format_is_automatic_under_github_actions(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD)
    env = {"GITHUB_ACTIONS": "true"}
    assert run("check", "bad.yaml", cwd=tmp_path, env=env).stdout.startswith(b"::error file=bad.yaml,")
    # an explicit --format wins, and a report written to a file stays text
    assert run("check", "-f", "text", "bad.yaml", cwd=tmp_path, env=env).stdout.startswith(b"bad.yaml:6:39: HP301")
    assert run("check", "-o", "r.txt", "bad.yaml", cwd=tmp_path, env=env).returncode == 1
    assert (tmp_path / "r.txt").read_text().startswith("bad.yaml:6:39: HP301")
    # outside GitHub Actions: text
    assert run("check", "bad.yaml", cwd=tmp_path).stdout.startswith(b"bad.yaml:6:39: HP301")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_text_on_a_terminal_even_under_github_actions(tmp_path):
    import pty

    (tmp_path / "bad.yaml").write_text(BAD)
    parent, child = pty.openpty()
    try:
        proc = run("check", "bad.yaml", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"}, stdout=child, stderr=child)
        os.close(child)
        child = None
        data = b""
        while True:
            try:
                chunk = os.read(parent, 4096)
            except OSError:  # EIO: the terminal was closed
                break
            if not chunk:
                break
            data += chunk
    finally:
        if child is not None:
            os.close(child)
        os.close(parent)
    assert proc.returncode == 1
    assert data.startswith(b"bad.yaml:6:39: HP301"), data[:200]


# -- JUnit and Markdown -----------------------------------------------------------------------

def test_junit_groups_findings_by_file():
    proc = run("check", "--format", "junit", "examples", cwd=ROOT)
    assert proc.returncode == 1
    root = ET.fromstring(proc.stdout)
    suites = root.findall("testsuite")
    findings = json.loads(run("check", "--format", "json", "examples", cwd=ROOT).stdout)["findings"]
    assert [s.get("name") for s in suites] == sorted({f["file"] for f in findings})
    assert "examples/k8s/training-job.yaml" in [s.get("name") for s in suites]
    cases = root.findall("./testsuite/testcase")
    assert root.get("tests") == root.get("failures") == str(len(cases)) == str(len(findings))
    hp301 = [c for c in cases if c.get("name").startswith("HP301")][0]
    assert hp301.get("file") == "examples/k8s/training-job.yaml" and hp301.get("line") == "21"
    failure = hp301.find("failure")
    assert failure.get("type") == "error" and "ml.p5.48xlarge" in failure.get("message")
    assert failure.text.startswith("examples/k8s/training-job.yaml:21:47: HP301 [error]")


def test_junit_is_valid_xml_for_any_text_and_clean_runs():
    out = io.StringIO()
    render("junit", result_of([finding(message="bell \x07 <&> \"quoted\" \ud7ff")], errors=["boom"]), out)
    root = ET.fromstring(out.getvalue().encode("utf-8"))
    assert root.get("tests") == "2" and root.get("errors") == "1"
    assert "bell \ufffd <&> \"quoted\"" in root.find("./testsuite/testcase/failure").get("message")
    out = io.StringIO()
    render("junit", result_of([], files=3), out)
    root = ET.fromstring(out.getvalue())
    (case,) = root.findall("./testsuite/testcase")
    assert root.get("failures") == "0" and case.find("failure") is None and "3 files" in case.get("name")


def test_markdown_table():
    findings = [finding(message="a | b <c>"), finding("HP306", "warning", "w", line=9)]
    out = io.StringIO()
    render("markdown", result_of(findings, files=2), out)
    text = out.getvalue()
    assert text.startswith("## hyperlint\n\n2 problems (1 error, 1 warning) in 1 of 2 files.\n")
    assert "| severity | rule | location | message |" in text
    assert "a \\| b &lt;c&gt; (Pod ns/p)" in text
    assert f"[HP301 instance-type-without-ml-prefix]({all_rules()['HP301'].url})" in text
    assert "k8s/a.yaml:9:5" in text
    out = io.StringIO()
    render("markdown", result_of([], files=2), out)
    assert "No problems in 2 files." in out.getvalue()


# -- --output and the format list ---------------------------------------------------------------

def test_output_file(tmp_path):
    (tmp_path / "bad.yaml").write_text(BAD)
    proc = run("check", "--format", "sarif", "--output", "report.sarif", "bad.yaml", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == b""
    assert_valid_sarif(json.loads((tmp_path / "report.sarif").read_text()))
    proc = run("check", "--output", "missing/dir/r.txt", "bad.yaml", cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "--output: cannot write missing/dir/r.txt" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_a_clean_run(fmt, tmp_path):
    (tmp_path / "good.yaml").write_text(BAD.replace("p5.48xlarge", "ml.p5.48xlarge"))
    proc = run("check", "--format", fmt, "good.yaml", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout and not proc.stderr, proc.stderr
