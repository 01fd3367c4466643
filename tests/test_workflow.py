"""The everyday loop (issue 16): readable output, fixes and counts, baselines and diff-base,
suppressions added in bulk, configuration found from the linted files, .gitignore and
--exclude, the small things. Run in-process (tests/inproc.py) to stay fast."""

from __future__ import annotations

import io
import json
import os
import textwrap
from pathlib import Path

import pytest

from clitools import run
from gittools import commit_all, git, new_repo

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
WARN = BAD.replace("p5.48xlarge", "ml.p5.48xlarge").replace("spec:\n", "spec:\n  hostNetwork: true\n", 1)
GOOD = BAD.replace("p5.48xlarge", "ml.p5.48xlarge")


class Outcome:
    def __init__(self, proc) -> None:
        self.code, self.out, self.err = proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def __repr__(self) -> str:
        return f"Outcome(code={self.code}, out={self.out[:2000]!r}, err={self.err[:2000]!r})"


def hyperlint(*args, **kwargs) -> Outcome:
    """`hyperlint ARGS` (in this process: tests/clitools.py) as text."""
    return Outcome(run(*args, **kwargs))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def rules(outcome) -> list[tuple[str, str, int]]:
    assert outcome.code in (0, 1), outcome
    return [(f["rule"], f["file"], f["line"]) for f in json.loads(outcome.out)["findings"]]


# -- 1. trustworthy CI ------------------------------------------------------------------------

def test_a_folder_with_nothing_to_lint_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("nothing\n")
    r = hyperlint("check", "empty", cwd=tmp_path)
    assert r.code == 0
    assert r.err == "hyperlint: warning: no manifests, templates or charts found under empty\n"
    assert r.out == "hyperlint: no files linted\n"
    r = hyperlint("check", "nope.yaml", cwd=tmp_path)
    assert r.code == 2 and "nope.yaml: no such file or directory" in r.err
    assert "no problems" not in r.out and r.out == "hyperlint: no files linted\n"
    write(tmp_path / "full" / "pod.yaml", GOOD)
    r = hyperlint("check", "full", "empty", cwd=tmp_path)
    assert r.code == 0 and "under empty" in r.err and "under full" not in r.err
    assert r.out == "hyperlint: no problems in 1 file\n"
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "package.json").write_text('{"name": "site"}\n')
    r = hyperlint("check", "junk", cwd=tmp_path)
    assert r.err == "hyperlint: warning: no manifests, templates or charts found under junk\n"
    assert r.out == "hyperlint: no files linted; 1 file skipped as not an input (--show-files lists them)\n"


CLUSTER_CONFIG = """\
cluster:
  name: hp
  instance-groups:
    - {name: workers, instance-type: ml.g5.xlarge, count: 1}
"""
HOST_DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      hostNetwork: true
      containers: [{name: a, image: busybox}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ml}
spec:
  replicas: 2
  selector: {matchLabels: {app: w}}
  template:
    metadata: {labels: {app: w}}
    spec:
      hostNetwork: true
      nodeSelector: {sagemaker.amazonaws.com/instance-group-name: workers}
      containers: [{name: w, image: busybox}]
"""


def test_capacity_reads_the_configuration_and_lists_host_network_pods(tmp_path):
    write(tmp_path / "k8s" / "pods.yaml", HOST_DAEMONSET)
    write(tmp_path / "cluster.yaml", CLUSTER_CONFIG)
    r = hyperlint("capacity", "k8s", cwd=tmp_path)
    assert "no HyperPod cluster" in r.out  # no configuration found: cluster.yaml is not one
    r = hyperlint("capacity", "--config", "cluster.yaml", "k8s", cwd=tmp_path)
    assert r.code == 0, r
    assert "workers" in r.out and "hostNetwork pods (they use the node's address, not a pod slot):" in r.out
    assert "  workers: DaemonSet kube-system/node-agent (one per node)\n" in r.out
    assert "  workers: Deployment ml/web (2 pods)\n" in r.out
    (tmp_path / ".hyperlint.yaml").write_text(CLUSTER_CONFIG)  # found like `check` finds it
    doc = json.loads(hyperlint("capacity", "-f", "json", "k8s", cwd=tmp_path).out)
    (group,) = doc["clusters"][0]["groups"]
    assert group["workload_pods"] == 0 and group["workloads"] == []
    assert [w["workload"] for w in group["host_network"]] == ["DaemonSet kube-system/node-agent", "Deployment ml/web"]


# -- 2. new findings only ------------------------------------------------------------------------

def test_baseline_keeps_old_findings_quiet_and_reports_new_and_stale(tmp_path):
    write(tmp_path / "k8s" / "a.yaml", BAD)
    write(tmp_path / "k8s" / "b.yaml", WARN)
    r = hyperlint("check", "--write-baseline", "hyperlint-baseline.json", "k8s", cwd=tmp_path)
    assert r.code == 0 and r.err == "hyperlint: wrote 2 findings to hyperlint-baseline.json\n"
    doc = json.loads((tmp_path / "hyperlint-baseline.json").read_text())
    assert doc["hyperlint-baseline"] == 1
    assert [(e["rule"], e["file"], e["object"], e["count"]) for e in doc["findings"]] == [
        ("HP301", "k8s/a.yaml", "Pod/ml/trainer", 1), ("HP307", "k8s/b.yaml", "Pod/ml/trainer", 1)]
    assert all("line" not in e for e in doc["findings"])
    r = hyperlint("check", "--baseline", "hyperlint-baseline.json", "k8s", cwd=tmp_path)
    assert r.code == 0 and r.out == "hyperlint: no problems in 2 files\n", r
    # lines move: still the same findings; from a subfolder: still the same
    (tmp_path / "k8s" / "a.yaml").write_text("# a comment\n\n" + BAD)
    assert hyperlint("check", "--baseline", "../hyperlint-baseline.json", ".", cwd=tmp_path / "k8s").code == 0
    # a new problem fails with exactly that finding
    (tmp_path / "k8s" / "c.yaml").write_text(BAD.replace("trainer", "second"))
    r = hyperlint("check", "-f", "json", "--baseline", "hyperlint-baseline.json", "k8s", cwd=tmp_path)
    assert r.code == 1 and rules(r) == [("HP301", "k8s/c.yaml", 6)]
    # a fixed problem is a stale entry: reported, and pruned by rewriting
    (tmp_path / "k8s" / "b.yaml").write_text(GOOD)
    (tmp_path / "k8s" / "c.yaml").unlink()
    r = hyperlint("check", "--baseline", "hyperlint-baseline.json", "k8s", cwd=tmp_path)
    assert r.code == 0 and r.err == (
        "hyperlint: 1 baseline entry no longer matches a finding (fixed); rewrite the baseline with "
        "--write-baseline hyperlint-baseline.json to prune it\n")
    r = hyperlint("check", "--write-baseline", "hyperlint-baseline.json", "k8s", cwd=tmp_path)
    assert r.err == "hyperlint: wrote 1 finding to hyperlint-baseline.json (1 stale entry pruned)\n"


def test_baseline_counts_repeated_identities_and_keeps_other_files(tmp_path):
    write(tmp_path / "a.yaml", BAD)
    write(tmp_path / "b.yaml", WARN)
    assert hyperlint("check", "--write-baseline", "base.json", ".", cwd=tmp_path).code == 0
    # a second finding with the same identity (same object, same pointer in a second document) is new
    (tmp_path / "a.yaml").write_text(BAD + "---\n" + BAD)
    r = hyperlint("check", "-f", "json", "--baseline", "base.json", "a.yaml", cwd=tmp_path)
    assert rules(r) == [("HP301", "a.yaml", 15)]
    # rewriting from one file keeps the other file's entries
    hyperlint("check", "--write-baseline", "base.json", "a.yaml", cwd=tmp_path)
    entries = json.loads((tmp_path / "base.json").read_text())["findings"]
    assert sorted((e["file"], e["count"]) for e in entries) == [("a.yaml", 2), ("b.yaml", 1)]


def test_baseline_errors_are_one_line(tmp_path):
    write(tmp_path / "a.yaml", BAD)
    r = hyperlint("check", "--baseline", "missing.json", "a.yaml", cwd=tmp_path)
    assert r.code == 2 and "missing.json: no such file (write one with --write-baseline missing.json)" in r.err
    (tmp_path / "bad.json").write_text("[1, 2]")
    r = hyperlint("check", "--baseline", "bad.json", "a.yaml", cwd=tmp_path)
    assert r.code == 2 and "not a hyperlint baseline" in r.err and len(r.err.splitlines()) == 1


def test_diff_base_reports_only_what_changed_since_a_commit(tmp_path):
    repo = new_repo(tmp_path / "repo")
    write(repo / "k8s" / "old.yaml", BAD)
    write(repo / "k8s" / "warn.yaml", WARN)
    base = commit_all(repo, "base")
    git("checkout", "-q", "-b", "feature", cwd=repo)
    (repo / "k8s" / "old.yaml").write_text("# moved down\n" + BAD)  # same finding, other line
    write(repo / "k8s" / "new.yaml", BAD.replace("trainer", "added"))
    (repo / "k8s" / "warn.yaml").write_text(WARN + "---\n" + BAD.replace("trainer", "third"))
    commit_all(repo, "change")
    r = hyperlint("check", "-f", "json", "--diff-base", "main", "k8s", cwd=repo)
    assert r.code == 1, r
    assert rules(r) == [("HP301", "k8s/new.yaml", 6), ("HP301", "k8s/warn.yaml", 16)]
    # from a subfolder, with a commit ID: the same
    r = hyperlint("check", "-f", "json", "--diff-base", base, ".", cwd=repo / "k8s")
    assert rules(r) == [("HP301", "new.yaml", 6), ("HP301", "warn.yaml", 16)]
    assert hyperlint("check", "--diff-base", "HEAD", "k8s", cwd=repo).code == 0
    r = hyperlint("check", "--diff-base", "no-such-branch", "k8s", cwd=repo)
    assert r.code == 2 and "unknown git revision 'no-such-branch'" in r.err
    assert git("status", "--porcelain", cwd=repo) == ""  # the work tree is untouched


def test_diff_base_outside_a_repository(tmp_path):
    write(tmp_path / "a.yaml", BAD)
    r = hyperlint("check", "--diff-base", "main", "a.yaml", cwd=tmp_path, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert r.code == 2 and "not inside a git repository" in r.err


# -- 3. output people read -------------------------------------------------------------------------

def test_full_output_shows_source_caret_help_and_the_helm_template_first(tmp_path):
    stream = "---\n# Source: trainer/templates/job.yaml\n" + BAD
    r = hyperlint("check", "-", "--stdin-filename", "rendered.yaml", cwd=tmp_path, stdin=stream.encode())
    assert r.out == (
        "trainer/templates/job.yaml: HP301 [error] [*] instance type 'p5.48xlarge' has no 'ml.' prefix\n"
        "  --> rendered.yaml:8:39 (rendered from it)\n"
        "  |\n"
        "8 |     node.kubernetes.io/instance-type: p5.48xlarge\n"
        "  |                                       ^^^^^^^^^^^\n"
        "  |\n"
        "  = HyperPod nodes are labelled 'ml.p5.48xlarge', so this matches no HyperPod node\n"
        "  = in Pod ml/trainer\n"
        "  = help: use 'ml.p5.48xlarge'\n"
        "\n"
        "hyperlint: 1 problem (1 error) in 1 of 1 file\n"
        "hyperlint: 1 fixable with `--fix`.\n"
    )


def test_colour_follows_force_color_no_color_and_the_option(tmp_path):
    write(tmp_path / "a.yaml", BAD)
    coloured = hyperlint("check", "a.yaml", cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": None})
    assert "\x1b[31;1m[error]\x1b[0m" in coloured.out and "\x1b[31;1m^^^^^^^^^^^\x1b[0m" in coloured.out
    plain = hyperlint("check", "a.yaml", cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b" not in plain.out
    assert "\x1b" not in hyperlint("check", "--no-color", "a.yaml", cwd=tmp_path,
                                   env={"FORCE_COLOR": "1", "NO_COLOR": None}).out
    assert "\x1b" not in hyperlint("check", "a.yaml", cwd=tmp_path, env={"NO_COLOR": None}).out  # not a terminal
    assert "\x1b" not in hyperlint("check", "-f", "concise", "a.yaml", cwd=tmp_path, env={"FORCE_COLOR": "1"}).out


def test_source_lines_are_escaped_and_related_places_shown():
    from hyperlint.engine import Result
    from hyperlint.findings import Finding, Loc
    from hyperlint.model import Model
    from hyperlint.output.text import render

    class Source:
        path, problem = None, None
        stdin = b"a: 1\nb: \x1b[2Jx\n"

    f = Finding("HP306", "warning", "something odd; use another value", Loc("-", 2, 4, 2, 9, "/b"),
                related=(Loc("params.yaml", 3, 5, pointer="/Parameters/X"),))
    out = io.StringIO()
    render(Result([f], Model(), [], 1), out, sources={"-": Source()})
    text = out.getvalue()
    assert "2 | b: \\x1b[2Jx\n" in text and "\x1b" not in text
    assert "  |    ^^^^^^^^\n" in text  # under the escaped text, as wide as it is shown
    assert "  ::: params.yaml:3:5 related (/Parameters/X)\n" in text
    assert "  = help: use another value\n" in text


@pytest.mark.parametrize("message, headline, detail, help_", [
    ("instance type 'p5.48xlarge' has no 'ml.' prefix: HyperPod nodes are labelled 'ml.p5.48xlarge', so this "
     "matches no HyperPod node; use 'ml.p5.48xlarge'",
     "instance type 'p5.48xlarge' has no 'ml.' prefix",
     "HyperPod nodes are labelled 'ml.p5.48xlarge', so this matches no HyperPod node", "use 'ml.p5.48xlarge'"),
    ("short problem; remove it", "short problem", "", "remove it"),
    ("YAML syntax error: while parsing a flow sequence; expected ',' or ']', but got '}'",
     "YAML syntax error: while parsing a flow sequence; expected ',' or ']', but got '}'", "", ""),
    ("'a; b: c' is odd; set it", "'a; b: c' is odd", "", "set it"),
    ("the node's address: not quoted text; use x", "the node's address: not quoted text", "", "use x"),
])
def test_messages_split_into_headline_detail_and_help(message, headline, detail, help_):
    from hyperlint.message import split

    assert split(message) == (headline, detail, help_, "")


def test_data_provenance_is_a_note_of_its_own():
    from hyperlint.message import split

    parts = split("version 1.16 is older than 1.18.3; upgrade to 1.18.3 or later (data: eks.json as of 2026-08-20; "
                  "override with data.vpc-cni-minimum-version in the configuration)")
    assert parts == ("version 1.16 is older than 1.18.3", "", "upgrade to 1.18.3 or later",
                     "data: eks.json as of 2026-08-20; override with data.vpc-cni-minimum-version in the configuration")


def test_long_source_lines_show_the_part_around_the_value(tmp_path):
    write(tmp_path / "a.yaml", BAD.replace("    node.kubernetes.io/instance-type: p5.48xlarge",
                                           "    node.kubernetes.io/instance-type: p5.48xlarge" + " " * 300 + "# x"))
    out = hyperlint("check", "a.yaml", cwd=tmp_path).out
    line = next(x for x in out.splitlines() if x.startswith("6 | "))
    carets = next(x for x in out.splitlines() if "^" in x)
    assert line.endswith("\u2026") and len(line) < 200
    assert line.index("p5.48xlarge") == carets.index("^")
    short = hyperlint("check", "-", cwd=tmp_path, stdin=BAD.encode()).out
    assert "\u2026" not in short


def test_headlines_of_the_example_project_are_short():
    from clitools import ROOT

    r = hyperlint("check", "-f", "json", "examples", cwd=ROOT)
    from hyperlint.message import split

    lengths = [len(split(f["message"]).headline) for f in json.loads(r.out)["findings"]]
    assert lengths and max(lengths) < 100


# -- 4. fixes and counts ---------------------------------------------------------------------------

CFN_UNSAFE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  EKSCluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: c
      Version: "1.31"
      RoleArn: arn:aws:iam::123456789012:role/eks
      ResourcesVpcConfig: {SubnetIds: [subnet-1]}
"""


def test_fixable_markers_counts_json_and_sarif(tmp_path):
    write(tmp_path / "a.yaml", BAD)
    write(tmp_path / "w.yaml", WARN)
    write(tmp_path / "stack.yaml", CFN_UNSAFE)
    r = hyperlint("check", ".", cwd=tmp_path)
    assert "a.yaml:6:39: HP301 [error] [*] instance type" in r.out
    assert "w.yaml:5:16: HP307 [warning] hostNetwork" in r.out  # no fix, no marker
    assert "(an unsafe fix: `--fix --unsafe-fixes`)" in r.out
    assert r.out.endswith("hyperlint: 1 fixable with `--fix` (1 more with `--unsafe-fixes`).\n")
    doc = json.loads(hyperlint("check", "-f", "json", ".", cwd=tmp_path).out)
    assert {(f["rule"], f["fix"]) for f in doc["findings"]} == {("HP301", "safe"), ("HP307", "none"),
                                                               ("HP103", "unsafe")}
    assert all(f["url"].startswith("https://docs.aws.amazon.com/") for f in doc["findings"])
    sarif = json.loads(hyperlint("check", "-f", "sarif", ".", cwd=tmp_path).out)
    props = {x["ruleId"]: x["properties"] for x in sarif["runs"][0]["results"]}
    assert props["HP301"]["fix"] == "safe" and props["HP307"]["fix"] == "none" and props["HP103"]["fix"] == "unsafe"
    assert props["HP301"]["url"].startswith("https://docs.aws.amazon.com/")


def test_statistics_exit_zero_quiet_and_show_fixes(tmp_path):
    write(tmp_path / "a.yaml", BAD + "---\n" + BAD.replace("trainer", "two"))
    write(tmp_path / "w.yaml", WARN)
    r = hyperlint("check", "--statistics", ".", cwd=tmp_path)
    assert r.code == 1
    assert r.out == ("2  HP301  [*] instance-type-without-ml-prefix\n"
                     "1  HP307      host-network-on-hyperpod\n"
                     "hyperlint: 3 problems (2 errors, 1 warning) in 2 of 2 files\n")
    stats = json.loads(hyperlint("check", "--statistics", "-f", "json", ".", cwd=tmp_path).out)
    assert stats[0] == {"code": "HP301", "name": "instance-type-without-ml-prefix", "count": 2, "fixable": True}
    assert hyperlint("check", "--exit-zero", ".", cwd=tmp_path).code == 0
    assert hyperlint("check", "--exit-zero", "missing.yaml", cwd=tmp_path).code == 2
    quiet = hyperlint("check", "-q", "-f", "concise", ".", cwd=tmp_path)
    assert quiet.code == 1 and len(quiet.out.splitlines()) == 3 and "hyperlint:" not in quiet.out
    shown = hyperlint("check", "--show-fixes", "a.yaml", cwd=tmp_path).out
    assert shown.count("  = fix (safe): replace 'p5.48xlarge' with 'ml.p5.48xlarge'\n") == 2
    assert "= fix" not in hyperlint("check", "a.yaml", cwd=tmp_path).out
    r = hyperlint("check", "--fix", "--show-fixes", ".", cwd=tmp_path)
    assert "hyperlint: fixed 2 findings:\n  a.yaml:\n    2 \u00d7 HP301 (instance-type-without-ml-prefix)\n" in r.err
    assert "HP301" not in r.out and "HP307" in r.out


def test_add_suppressions_is_byte_preserving_and_makes_the_run_clean(tmp_path):
    original = ("apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: p}\r\nspec:\r\n  hostNetwork: true\r\n"
                "  nodeSelector:\r\n    node.kubernetes.io/instance-type: p5.48xlarge  # pinned\r\n"
                "  containers: [{name: c, image: busybox}]\r\n")
    (tmp_path / "crlf.yaml").write_bytes(original.encode())
    write(tmp_path / "merge.yaml", WARN.replace("hostNetwork: true", "hostNetwork: true  # hyperlint: disable=HP306"))
    (tmp_path / "stack.json").write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "C": {"Type": "AWS::SageMaker::Cluster", "Properties": {"InstanceGroups": [
            {"InstanceGroupName": "g", "InstanceType": "p5.48xlarge", "InstanceCount": 1}]}}}}, indent=2))
    before = hyperlint("check", "-f", "json", ".", cwd=tmp_path)
    assert {f["file"] for f in json.loads(before.out)["findings"]} == {"crlf.yaml", "merge.yaml", "stack.json"}
    r = hyperlint("check", "--add-suppressions", ".", cwd=tmp_path)
    assert "hyperlint: added 2 suppressions in 2 files; " in r.err and "could not take a comment" in r.err
    assert (tmp_path / "crlf.yaml").read_bytes() == original.replace(
        "p5.48xlarge  # pinned\r\n", "p5.48xlarge  # pinned  # hyperlint: disable=HP301 -- TODO\r\n").encode()
    assert "hostNetwork: true  # hyperlint: disable=HP306,HP307\n" in (tmp_path / "merge.yaml").read_text()
    after = hyperlint("check", "-f", "json", ".", cwd=tmp_path)
    # what remains: the JSON template (no comments in JSON), and the stale HP306 the merged line already had
    assert {(f["rule"], f["file"]) for f in json.loads(after.out)["findings"]} == {("HP201", "stack.json"),
                                                                                  ("HP002", "merge.yaml")}


def test_add_suppressions_goes_above_a_plain_scalar_that_continues():
    from hyperlint.addsuppress import suppress_file
    from hyperlint.findings import Finding, Loc

    raw = b"a:\n  b: first\n    second\n  c: 1\n"
    f = Finding("HP306", "warning", "m", Loc("x.yaml", 2, 6))
    new, done, left = suppress_file(raw, [f])
    assert (done, left) == (1, 0)
    assert new == b"a:\n  # hyperlint: disable=HP306 -- TODO\n  b: first\n    second\n  c: 1\n"


# -- 5. predictable configuration ---------------------------------------------------------------------

def test_configuration_is_found_from_the_linted_files(tmp_path):
    repo = new_repo(tmp_path / "repo")
    write(repo / "k8s" / "pod.yaml", BAD)
    write(repo / "k8s" / "legacy" / "old.yaml", BAD)
    write(repo / ".hyperlint.yaml", "per-file-ignores:\n  'k8s/legacy/*': [HP301]\n")
    write(tmp_path / ".hyperlint.yaml", "select: [HP999]\n")  # above the repository: never read
    expected = [("HP301", "k8s/pod.yaml", 6)]
    assert rules(hyperlint("check", "-f", "json", "k8s", cwd=repo)) == expected
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert [r[0] for r in rules(hyperlint("check", "-f", "json", repo / "k8s", cwd=elsewhere))] == ["HP301"]
    inside = rules(hyperlint("check", "-f", "json", ".", cwd=repo / "k8s"))
    assert inside == [("HP301", "pod.yaml", 6)]
    # the nearest file wins
    write(repo / "k8s" / ".hyperlint.yaml", "ignore: [HP301]\n")
    assert rules(hyperlint("check", "-f", "json", "k8s", cwd=repo)) == []
    settings = hyperlint("check", "--show-settings", "k8s", cwd=repo)
    assert settings.code == 0
    assert settings.out.splitlines()[0] == f"# configuration file: {os.path.realpath(repo / 'k8s' / '.hyperlint.yaml')}"
    assert 'ignore: ["HP301"]' in settings.out and 'fail-on: "warning"' in settings.out


def test_gitignore_is_respected_and_exclude_options(tmp_path):
    repo = new_repo(tmp_path / "repo")
    write(repo / ".gitignore", "build/\n*.generated.yaml\n!keep.generated.yaml\n")
    write(repo / "sub" / ".gitignore", "/local.yaml\n")
    for name in ("build/out.yaml", "x.generated.yaml", "keep.generated.yaml", "sub/local.yaml", "sub/deep/local.yaml",
                 "vendor/v.yaml", "app.yaml"):
        write(repo / name, BAD)

    def files(*args, cwd=repo):
        return sorted({f for _, f, _ in rules(hyperlint("check", "-f", "json", *args, cwd=cwd))})

    assert files(".") == ["app.yaml", "keep.generated.yaml", "sub/deep/local.yaml", "vendor/v.yaml"]
    assert files("sub") == ["sub/deep/local.yaml"]  # the root's rules apply to a walk of a subfolder
    assert len(files("--no-respect-gitignore", ".")) == 7
    assert files("--exclude", "vendor", ".") == ["app.yaml", "keep.generated.yaml", "sub/deep/local.yaml"]
    write(repo / ".hyperlint.yaml", "exclude: [vendor]\n")
    assert "vendor/v.yaml" not in files(".")
    assert files("--extend-exclude", "app.yaml", ".") == ["keep.generated.yaml", "sub/deep/local.yaml"]
    assert "vendor/v.yaml" in files("--exclude", "nothing", ".")  # --exclude replaces the configuration's
    assert files("build/out.yaml") == ["build/out.yaml"]  # a file named on the command line is linted


def test_gitignore_patterns():
    from hyperlint.ignore import parse_gitignore

    def ignored(pattern, path, is_dir=False):
        decision = False
        for rule in parse_gitignore(pattern):
            if (not rule.dir_only or is_dir) and rule.regex.match(path):
                decision = not rule.negate
        return decision

    assert ignored("*.yaml", "a/b.yaml") and not ignored("/*.yaml", "a/b.yaml") and ignored("/*.yaml", "b.yaml")
    assert ignored("a/**/c.yaml", "a/x/y/c.yaml") and ignored("a/**/c.yaml", "a/c.yaml")
    assert ignored("build/", "x/build", is_dir=True) and not ignored("build/", "x/build")
    assert not ignored("*.yaml\n!keep.yaml", "keep.yaml") and ignored("# c\n\\#x", "#x")
    assert ignored("doc/*.yaml", "doc/a.yaml") and not ignored("doc/*.yaml", "doc/x/a.yaml")


# -- 7. annotation budget ------------------------------------------------------------------------------

def test_github_annotations_are_capped_per_level_by_severity():
    from hyperlint.engine import Result
    from hyperlint.findings import Finding, Loc
    from hyperlint.model import Model
    from hyperlint.output.github import render

    findings = [Finding("HP307", "warning", f"w{i}", Loc(f"w{i:02}.yaml", 1, 1)) for i in range(12)]
    findings += [Finding("HP301", "error", f"e{i}", Loc(f"e{i:02}.yaml", 1, 1)) for i in range(11)]
    out = io.StringIO()
    render(Result(findings, Model(), [], 23), out, budget=10)
    lines = out.getvalue().splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert [a.split()[0] for a in annotations] == ["::error"] * 10 + ["::warning"] * 10
    assert annotations[0].startswith("::error file=e00.yaml")
    assert "hyperlint: 3 more in the job summary and code scanning (GitHub shows 10 annotations of each level):" in lines
    assert "e10.yaml:1:1: HP301 [error] e10" in lines and "w11.yaml:1:1: HP307 [warning] w11" in lines


# -- 8. small things --------------------------------------------------------------------------------

def test_did_you_mean_case_and_rule_names(tmp_path):
    write(tmp_path / "a.yaml", WARN + "---\n" + BAD)
    r = hyperlint("check", "--fail-on", "warn", "a.yaml", cwd=tmp_path)
    assert r.code == 2 and r.err.strip().endswith("did you mean 'warning'?")
    r = hyperlint("check", "--select", "HP3007", "a.yaml", cwd=tmp_path)
    assert r.code == 2 and "did you mean" in r.err
    r = hyperlint("check", "--select", "host-netwrk-on-hyperpod", "a.yaml", cwd=tmp_path)
    assert r.code == 2 and "did you mean 'host-network-on-hyperpod'?" in r.err
    assert [x[0] for x in rules(hyperlint("check", "--format", "JSON", "--select", "host-network-on-hyperpod",
                                          "a.yaml", cwd=tmp_path))] == ["HP307"]
    assert [x[0] for x in rules(hyperlint("check", "-f", "Json", "--ignore", "instance-type-without-ml-prefix",
                                          "a.yaml", cwd=tmp_path))] == ["HP307"]
    write(tmp_path / ".hyperlint.yaml", "select: [host-network-on-hyperpod]\nseverity: {host-network-on-hyperpod: error}\n")
    found = json.loads(hyperlint("check", "-f", "json", "a.yaml", cwd=tmp_path).out)["findings"]
    assert [(f["rule"], f["severity"]) for f in found] == [("HP307", "error")]
    assert hyperlint("rule", "host-network-on-hyperpod").out == hyperlint("rule", "HP307").out
    r = hyperlint("rule", "HP3077")
    assert r.code == 2 and "did you mean" in r.err


def test_stdin_without_a_path_says_what_it_lints(tmp_path):
    write(tmp_path / "a.yaml", GOOD)
    proc = run("check", cwd=tmp_path, stdin=BAD.encode(), subprocess=True)  # a real pipe
    assert proc.returncode == 0
    assert "hyperlint: no path given: linting the current folder (pass '-' to read stdin)" in proc.stderr.decode()


def test_readme_quick_start_works_without_a_checkout(tmp_path):
    import re

    from clitools import ROOT

    quick = (ROOT / "README.md").read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, re.S).group(1)
    assert block.startswith("pip install 'git+https://") and "examples/" not in block  # nothing from a clone
    manifest = re.search(r"cat > job.yaml <<'YAML'\n(.*?)YAML\n", block, re.S).group(1)
    (tmp_path / "job.yaml").write_text(manifest)
    commands = [line.split("#")[0].split() for line in block.splitlines() if line.startswith("hyperlint ")]
    assert commands[0] == ["hyperlint", "check", "job.yaml"]
    first = hyperlint(*commands[0][1:], cwd=tmp_path)
    assert first.code == 1 and "HP301 [error] [*]" in first.out
    assert hyperlint(*commands[1][1:], cwd=tmp_path).code == 0  # --fix
    assert hyperlint(*commands[2][1:], cwd=tmp_path).code == 0


def test_a_nearer_configuration_decides_for_the_files_under_it(tmp_path):
    repo = new_repo(tmp_path / "repo")
    write(repo / ".hyperlint.yaml", "ignore: [HP307]\n")
    write(repo / "k8s" / "a.yaml", WARN + "---\n" + BAD)
    write(repo / "legacy" / ".hyperlint.yaml", "ignore: [HP301]\nseverity: {HP307: error}\n")
    write(repo / "legacy" / "old.yaml", WARN + "---\n" + BAD)
    expected = [("HP301", "k8s/a.yaml", 16), ("HP307", "legacy/old.yaml", 5)]
    assert rules(hyperlint("check", "-f", "json", ".", cwd=repo)) == expected
    doc = json.loads(hyperlint("check", "-f", "json", ".", cwd=repo).out)
    assert [f["severity"] for f in doc["findings"]] == ["error", "error"]
    # the same from inside the subproject, and from anywhere else
    assert rules(hyperlint("check", "-f", "json", ".", cwd=repo / "legacy")) == [("HP307", "old.yaml", 5)]
    assert [r[0] for r in rules(hyperlint("check", "-f", "json", repo, cwd=tmp_path))] == ["HP301", "HP307"]
    # the command line's selection applies to every file; --config reads only that file
    assert rules(hyperlint("check", "-f", "json", "--select", "HP301", ".", cwd=repo)) == [
        ("HP301", "k8s/a.yaml", 16), ("HP301", "legacy/old.yaml", 16)]
    assert [r[0] for r in rules(hyperlint("check", "-f", "json", "--config", ".hyperlint.yaml", ".", cwd=repo))] == [
        "HP301", "HP301"]
