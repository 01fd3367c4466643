"""Autofix: golden files per case, layout kept byte for byte, idempotent.

Regenerate the golden files with HYPERLINT_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import FIXTURES
from hyperlint.config import Config
from hyperlint.discover import Input
from hyperlint.engine import lint
from hyperlint.fix import fix_bytes, unified_diff

FIX = FIXTURES / "fix"
INPUTS = sorted(p for p in FIX.iterdir() if p.suffix in (".yaml", ".json") and ".fixed" not in p.name
                and ".unsafe" not in p.name)
UPDATE = os.environ.get("HYPERLINT_UPDATE_GOLDEN") == "1"


def fixed(data: bytes, name: str, unsafe: bool = False) -> tuple[bytes, list]:
    result = lint([Input(name, None, data)], Config())
    return fix_bytes(data, result.findings, name.endswith(".json"), unsafe=unsafe)


def golden(path: Path, actual: bytes) -> None:
    if UPDATE:
        path.write_bytes(actual)
    assert path.exists(), f"missing golden file {path.name} (run with HYPERLINT_UPDATE_GOLDEN=1)"
    assert actual == path.read_bytes(), f"{path.name} differs"


# HP103 is an unsafe fix; so is HP313's when it adds the label, and HP301's where the workload only may be meant for HyperPod (a warning)
UNSAFE_CASES = [p for p in INPUTS if p.name.startswith("cfn") or p.name in ("k8s-flow.yaml", "helm-stream.yaml",
                                                                            "k8s-task-governance.yaml", "api-create-cluster.json")]


@pytest.mark.parametrize("case, unsafe", [(p, False) for p in INPUTS] + [(p, True) for p in UNSAFE_CASES],
                         ids=lambda v: v.name if isinstance(v, Path) else ("unsafe" if v else "safe"))
def test_golden(case: Path, unsafe: bool):
    data = case.read_bytes()
    after, done = fixed(data, case.name, unsafe)
    assert done, "every case has something to fix"
    if unsafe:
        assert after != fixed(data, case.name)[0], "an unsafe case must differ from the safe fix"
    kind = ".unsafe" if unsafe else ".fixed"
    golden(case.with_name(case.stem + kind + case.suffix), after)
    golden(case.with_name(case.name + kind + ".diff"), unified_diff(case.name, data, after))


@pytest.mark.parametrize("case", INPUTS, ids=lambda p: p.name)
def test_only_the_values_change(case: Path):
    data = case.read_bytes()
    after, _ = fixed(data, case.name, unsafe=False)
    before_lines, after_lines = data.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(before_lines) == len(after_lines), "a safe fix never adds or removes lines"
    for old, new in zip(before_lines, after_lines):
        if old != new:  # same line ending, same indentation, same comment
            assert old[-2:] == new[-2:] or old[-1:] == new[-1:]
            assert old[: len(old) - len(old.lstrip())] == new[: len(new) - len(new.lstrip())]
            assert old.split(b"#", 1)[1:] == new.split(b"#", 1)[1:]


@pytest.mark.parametrize("case", INPUTS, ids=lambda p: p.name)
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fixing_twice_changes_nothing(case: Path, unsafe: bool):
    once, _ = fixed(case.read_bytes(), case.name, unsafe)
    twice, done = fixed(once, case.name, unsafe)
    assert twice == once and done == []
    remaining = [f for f in lint([Input(case.name, None, once)], Config()).findings]
    assert not [f for f in remaining if f.rule in ("HP301", "HP201") and (unsafe or f.severity == "error")]
    if unsafe:
        assert "HP103" not in {f.rule for f in remaining}


def test_placeholders_and_unknown_types_are_never_touched():
    data = (b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector:\n"
            b"    node.kubernetes.io/instance-type: \"{{ .Values.type }}\"\n"
            b"    beta.kubernetes.io/instance-type: t4g.small\n  containers: [{name: c, image: busybox}]\n")
    assert fixed(data, "p.yaml") == (data, [])


# -- the command line ---------------------------------------------------------------------------

MANIFEST = """\
# Workers on the p5 capacity block.
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: llama   # 70B
  namespace: kubeflow
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: p5.48xlarge   # keep this comment
            sagemaker.amazonaws.com/node-health-status: Schedulable
          affinity:
            nodeAffinity:
              preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 1
                  preference:
                    matchExpressions:
                      - {key: node.kubernetes.io/instance-type, operator: In, values: ['p4d.24xlarge', "p5e.48xlarge"]}
          containers:
            - name: pytorch
              image: my-registry/llama:1.0
"""


def test_fix_changes_only_the_values_in_git_diff_and_keeps_the_mode(tmp_path):
    import subprocess

    from clitools import run

    path = tmp_path / "job.yaml"
    path.write_text(MANIFEST)
    path.chmod(0o640)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "job.yaml"], cwd=tmp_path, check=True)
    proc = run("check", "--fix", "job.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert "fixed 3 findings in 1 file" in proc.stderr.decode()
    changed = subprocess.run(["git", "diff", "-U0", "--no-color", "job.yaml"], cwd=tmp_path, capture_output=True,
                             text=True, check=True).stdout
    minus = [line for line in changed.splitlines() if line.startswith("-") and not line.startswith("---")]
    plus = [line for line in changed.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert minus == ["-            node.kubernetes.io/instance-type: p5.48xlarge   # keep this comment",
                     "-                      - {key: node.kubernetes.io/instance-type, operator: In, values: "
                     "['p4d.24xlarge', \"p5e.48xlarge\"]}"]
    assert plus == ["+            node.kubernetes.io/instance-type: ml.p5.48xlarge   # keep this comment",
                    "+                      - {key: node.kubernetes.io/instance-type, operator: In, values: "
                    "['ml.p4d.24xlarge', \"ml.p5e.48xlarge\"]}"]
    assert path.stat().st_mode & 0o777 == 0o640
    again = run("check", "--select", "HP301", "job.yaml", cwd=tmp_path)
    assert again.returncode == 0 and b"HP301" not in again.stdout


def test_diff_writes_nothing_and_stdin_fix_prints_the_stream(tmp_path):
    from clitools import run

    path = tmp_path / "job.yaml"
    path.write_text(MANIFEST)
    proc = run("check", "--diff", "job.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert "+            node.kubernetes.io/instance-type: ml.p5.48xlarge" in proc.stdout.decode()
    assert proc.stdout.decode().startswith("--- a/job.yaml\n+++ b/job.yaml\n")
    assert path.read_text() == MANIFEST
    absolute = run("check", "--diff", str(path), cwd=tmp_path).stdout.decode()
    assert absolute.startswith(f"--- a/{str(path).lstrip('/')}\n+++ b/{str(path).lstrip('/')}\n")  # never a//
    proc = run("check", "--fix", "-", "--stdin-filename", "job.yaml", cwd=tmp_path, stdin=MANIFEST.encode())
    assert proc.stdout.decode() == MANIFEST.replace(": p5.48xlarge", ": ml.p5.48xlarge").replace(
        "'p4d.24xlarge'", "'ml.p4d.24xlarge'").replace('"p5e.48xlarge"', '"ml.p5e.48xlarge"')
    assert proc.returncode == 0 and "fixed 3 findings" in proc.stderr.decode()
    assert path.read_text() == MANIFEST
    assert run("check", "--unsafe-fixes", "job.yaml", cwd=tmp_path).returncode == 2


def test_unsafe_fix_only_with_the_flag(tmp_path):
    from clitools import run

    stack = (FIX / "cfn.yaml").read_text()
    path = tmp_path / "stack.yaml"
    path.write_text(stack)
    run("check", "--fix", "stack.yaml", cwd=tmp_path)
    assert "AccessConfig" not in path.read_text() and "ml.p5.48xlarge" in path.read_text()
    run("check", "--fix", "--unsafe-fixes", "stack.yaml", cwd=tmp_path)
    assert "AuthenticationMode: API_AND_CONFIG_MAP" in path.read_text()
    assert path.read_text() == (FIX / "cfn.unsafe.yaml").read_text()


def test_rule_docs_say_whether_a_fix_exists():
    from clitools import run

    assert "Fix: safe" in run("rule", "HP301").stdout.decode()
    assert "Fix: unsafe" in run("rule", "HP103").stdout.decode()
    assert "Fix: no" in run("rule", "HP306").stdout.decode()


# -- safety: what fuzzing found (issue #17); each test failed before its fix --------------------

POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
       "  nodeSelector: {sagemaker.amazonaws.com/node-health-status: schedulable}\n"
       "  containers: [{name: c, image: busybox}]\n")
FIXED_POD = POD.replace(": schedulable}", ": Schedulable}")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _cli(*args, cwd, stdin: bytes | None = None, subprocess: bool = False):
    """`hyperlint ARGS` (in a subprocess, which cannot hang the suite, if asked): (exit code, stdout, stderr)."""
    from clitools import run

    proc = run(*args, cwd=cwd, stdin=stdin, timeout=30, subprocess=subprocess)
    stderr = proc.stderr.decode()
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return proc.returncode, proc.stdout, stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fix_and_diff_never_open_a_fifo(tmp_path):
    (tmp_path / "a.yaml").write_text(POD)
    os.mkfifo(tmp_path / "pipe.yaml")  # nobody writes: a blocking open would wait forever
    (tmp_path / "z.yaml").write_text(POD)
    code, out, err = _cli("check", "--diff", ".", cwd=tmp_path, subprocess=True)
    assert code == 1 and out.count(b"+  nodeSelector: {sagemaker.amazonaws.com/node-health-status: Schedulable}") == 2
    code, out, err = _cli("check", "--fix", ".", cwd=tmp_path, subprocess=True)
    assert code == 1 and b"pipe.yaml:1:1: HP001" in out and "fixed 2 findings in 2 files" in err
    assert (tmp_path / "a.yaml").read_text() == FIXED_POD == (tmp_path / "z.yaml").read_text()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_file_replaced_by_a_fifo_before_the_fix_is_not_waited_on(tmp_path):
    import signal

    from hyperlint.discover import discover
    from hyperlint.fix import fix_run

    path = tmp_path / "swap.yaml"
    path.write_text(POD)
    found = discover([str(path)])
    result = lint(found.inputs, Config())
    path.unlink()
    os.mkfifo(path)
    signal.alarm(10)  # a blocking open would end the test here instead of hanging the suite
    try:
        outcome = fix_run(found.inputs, result.findings, digests=result.digests)
    finally:
        signal.alarm(0)
    assert outcome.count == 0
    assert outcome.messages == [f"{path}: cannot read it again (not a regular file (FIFO, socket or device); "
                                f"not read); not fixed"]


def test_fix_applies_only_to_the_bytes_linted(tmp_path):
    from hyperlint.discover import discover
    from hyperlint.fix import fix_run

    path = tmp_path / "p.yaml"
    path.write_text(POD)
    found = discover([str(path)])
    result = lint(found.inputs, Config())
    edited = "# a line added while hyperlint ran\n" + POD.replace("schedulable", "unschedulable")
    path.write_text(edited)
    outcome = fix_run(found.inputs, result.findings, digests=result.digests)
    assert outcome.count == 0 and outcome.files == {}
    assert outcome.messages == [f"{path}: changed since it was linted; not fixed (run hyperlint again)"]
    assert path.read_text() == edited


CLUSTER = """\
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig: {SubnetIds: [subnet-1]}
"""


def test_hp103_insertion_checks_its_anchor():
    """Fixes computed for one text and applied to another (an edit mid-run, a
    bug): the insertion lands where the finding's pointer is not, so nothing is
    written, never an AccessConfig in an SQS queue."""
    findings = lint([Input("stack.yaml", None, CLUSTER.encode())], Config()).findings
    assert [f.rule for f in findings if f.rule == "HP103"] == ["HP103"]
    assert b"AccessConfig" in fix_bytes(CLUSTER.encode(), findings, False, unsafe=True)[0]
    other = ("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: jobs\n"
             + CLUSTER.split("\n", 1)[1]).encode()
    assert fix_bytes(other, findings, False, unsafe=True) == (other, [])


def test_fix_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "target.yaml"
    target.write_text(POD)
    (tmp_path / "link.yaml").symlink_to("real/target.yaml")
    code, out, err = _cli("check", "--fix", "link.yaml", cwd=tmp_path)
    assert code == 0 and "fixed 1 finding in 1 file" in err
    assert (tmp_path / "link.yaml").is_symlink() and os.readlink(tmp_path / "link.yaml") == "real/target.yaml"
    assert target.read_text() == FIXED_POD


@pytest.mark.skipif(not IS_ROOT, reason="giving a file another owner needs root")
def test_fix_keeps_owner_group_and_mode(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(POD)
    os.chown(path, 4321, 8765)
    path.chmod(0o640)
    code, _, err = _cli("check", "--fix", "p.yaml", cwd=tmp_path)
    assert code == 0, err
    st = path.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (4321, 8765, 0o640)
    assert path.read_text() == FIXED_POD


def test_fix_refuses_read_only_files(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(POD)
    path.chmod(0o444)
    code, out, err = _cli("check", "--fix", "p.yaml", cwd=tmp_path)
    assert code == 2
    assert "hyperlint: p.yaml: read-only file (mode 0444); not rewritten" in err.splitlines()
    assert b"p.yaml:5:" in out  # the report still prints what remains
    assert path.read_text() == POD and path.stat().st_mode & 0o777 == 0o444


def test_fix_keeps_hard_links(tmp_path):
    """Written in place through the same inode: every name sees the fix (a rename would split them)."""
    (tmp_path / "lint").mkdir()
    path = tmp_path / "lint" / "p.yaml"
    path.write_text(POD)
    other = tmp_path / "elsewhere.yaml"
    os.link(path, other)
    inode = path.stat().st_ino
    also = tmp_path / "lint" / "q.yaml"
    os.link(path, also)  # two names in the folder linted: fixed once, no complaint for the second
    code, _, err = _cli("check", "--fix", "lint", cwd=tmp_path)
    assert code == 0, err
    assert path.stat().st_ino == inode and path.stat().st_nlink == 3
    assert path.read_text() == other.read_text() == also.read_text() == FIXED_POD
    assert not [p.name for p in (tmp_path / "lint").iterdir() if p.name.startswith(".hyperlint")]


@pytest.mark.parametrize("restore_fails", [False, True], ids=["restored", "backup-kept"])
def test_an_in_place_write_that_fails_loses_nothing(restore_fails, tmp_path, monkeypatch):
    """Disk full in the middle of an in-place write: the original is written back, or,
    if even that fails, its bytes stay in the backup copy the message names."""
    from hyperlint import fix

    path = tmp_path / "p.yaml"
    path.write_text(POD)
    os.link(path, tmp_path / "other.yaml")  # two links: written in place
    real_write_all = fix.write._write_all
    calls = []

    def failing(fd, data):
        calls.append(data)
        if data == FIXED_POD.encode() or restore_fails and len(calls) > 2:
            os.write(fd, data[:10])  # part of it reached the file
            raise OSError(28, "No space left on device")
        real_write_all(fd, data)

    monkeypatch.setattr(fix.write, "_write_all", failing)
    with pytest.raises(fix.NotFixed) as refused:
        fix.write_fixed(str(path), POD.encode(), FIXED_POD.encode())
    backups = [p for p in tmp_path.iterdir() if p.name.startswith(".hyperlint-backup-")]
    if restore_fails:
        assert str(refused.value) == f"cannot write (No space left on device); the original bytes are in {backups[0]}"
        assert backups[0].read_text() == POD
    else:
        assert str(refused.value) == "cannot write (No space left on device); left unchanged"
        assert path.read_text() == POD and not backups


def _main(args, capfd) -> tuple[int, str, str]:
    from hyperlint.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(args)
    out, err = capfd.readouterr()
    return exit_.value.code, out, err


def test_write_failures_are_one_line_each_and_the_report_still_prints(tmp_path, monkeypatch, capfd):
    """An unwritable folder (simulated: works as root) during --fix, an unreadable one during --diff."""
    import tempfile

    for name in ("a", "locked", "z"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.yaml").write_text(POD)
    real_mkstemp, real_scandir = tempfile.mkstemp, os.scandir

    def mkstemp(*args, dir=None, **kwargs):
        if str(dir).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kwargs)

    def scandir(path="."):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    code, out, err = _main(["check", "--fix", str(tmp_path)], capfd)
    assert code == 2 and "internal error" not in err
    assert f"hyperlint: {tmp_path}/locked/p.yaml: cannot write a file in its folder (Permission denied)" in err
    assert "fixed 2 findings in 2 files" in err
    assert f"{tmp_path}/locked/p.yaml:5:" in out and "1 problem" in out  # the report of what remains
    assert [(tmp_path / n / "p.yaml").read_text() == FIXED_POD for n in ("a", "locked", "z")] == [True, False, True]

    for name in ("a", "z"):
        (tmp_path / name / "p.yaml").write_text(POD)
    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = _main(["check", "--diff", str(tmp_path)], capfd)
    assert code == 1 and not err, err
    assert out.startswith(f"--- a/{str(tmp_path).lstrip('/')}/a/p.yaml") and "/z/p.yaml" in out and "locked" not in out


@pytest.mark.skipif(IS_ROOT, reason="root may write anywhere (the simulated test above covers it)")
def test_write_failures_for_real(tmp_path):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "p.yaml").write_text(POD)
    (tmp_path / "ok.yaml").write_text(POD)
    os.chmod(tmp_path / "locked", 0o555)
    try:
        code, out, err = _cli("check", "--fix", ".", cwd=tmp_path)
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert code == 2 and "locked/p.yaml: cannot write a file in its folder (Permission denied)" in err
    assert b"locked/p.yaml:5:" in out
    assert (tmp_path / "ok.yaml").read_text() == FIXED_POD and (tmp_path / "locked" / "p.yaml").read_text() == POD


BREAKS = {"lf": "\n", "crlf": "\r\n", "cr": "\r", "nel": "\x85", "ls": "\u2028", "ps": "\u2029"}


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_every_line_break_lints_and_fixes(brk, tmp_path):
    """libyaml counts CR, NEL, U+2028 and U+2029 as line breaks: positions, the
    fix and the error recovery count them too."""
    data, want = POD.replace("\n", brk).encode(), FIXED_POD.replace("\n", brk).encode()
    (f,) = lint([Input("p.yaml", None, data)], Config()).findings
    assert (f.rule, f.line, f.column) == ("HP303", 5, 62)
    assert fixed(data, "p.yaml")[0] == want
    path = tmp_path / "p.yaml"
    path.write_bytes(data)
    code, out, err = _cli("check", "--fix", "p.yaml", cwd=tmp_path)
    assert code == 0 and path.read_bytes() == want
    code, out, err = _cli("check", "--fix", "-", cwd=tmp_path, stdin=data)
    assert code == 0 and out == want
    broken = "a: 1\n---\nb: [\n---\nc: {image: nginx}\n".replace("\n", brk).encode()
    result = lint([Input("b.yaml", None, broken)], Config())
    assert not result.errors and [(f.rule, f.line) for f in result.findings] == [("HP001", 4)]
    code, out, err = _cli("check", "--fix", "-", cwd=tmp_path, stdin=broken)
    assert code == 1 and out == broken and "-:4:1: HP001" in err  # the stream is never lost


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_source_text_counts_lines_as_the_parser(brk):
    """`ctx.raw` (the text as written: `1.20`, not the number 1.2) finds the same line the parser reported."""
    text = ("Resources:\n  C:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Version: 1.20\n"
            "      RoleArn: arn:aws:iam::111122223333:role/eks\n      AccessConfig: {AuthenticationMode: API}\n")
    findings = lint([Input("s.yaml", None, text.replace("\n", brk).encode())], Config()).findings
    assert [(f.rule, f.line, f.message[:35]) for f in findings] == [("HP101", 5, "Version 1.20 is the YAML number 1.2")]


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_suppression_comments_count_lines_as_the_parser(brk):
    text = POD.replace("schedulable}", "schedulable}  # hyperlint: disable=HP303 -- on purpose")
    text = "# hyperlint: disable=HP301\n" + text  # own line: covers the next code line
    findings = lint([Input("p.yaml", None, text.replace("\n", brk).encode())], Config()).findings
    assert [(f.rule, f.line) for f in findings] == [("HP002", 1)]  # HP303 suppressed; HP301 suppresses nothing


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_helm_source_comments_count_lines_as_the_parser(brk):
    text = "---\n# Source: chart/templates/a.yaml\n" + POD + "---\n# Source: chart/templates/b.yaml\n" + POD
    findings = lint([Input("s.yaml", None, text.replace("\n", brk).encode())], Config()).findings
    assert [(f.line, f.loc.source) for f in findings] == [(7, "chart/templates/a.yaml"), (15, "chart/templates/b.yaml")]


def test_the_cr_only_fixture_fixes(tmp_path):
    path = tmp_path / "cr.yaml"
    data = (FIXTURES / "hostile" / "line_endings_cr.yaml").read_bytes()
    path.write_bytes(data)
    code, _, err = _cli("check", "--fix", "cr.yaml", cwd=tmp_path)
    assert code == 0 and "fixed 1 finding" in err
    assert path.read_bytes() == data.replace(b": schedulable}", b": Schedulable}") and b"\n" not in path.read_bytes()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_fix_keeps_the_encoding_of_stdin_and_files(encoding, tmp_path):
    import codecs

    bom = {"utf-8-sig": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding]
    data, want = bom + POD.encode(encoding), bom + FIXED_POD.encode(encoding)
    code, out, err = _cli("check", "--fix", "-", cwd=tmp_path, stdin=data)
    assert (code, out) == (0, want) and "fixed 1 finding" in err and "no problems" in err
    path = tmp_path / "p.yaml"
    path.write_bytes(data)
    assert _cli("check", "--fix", "p.yaml", cwd=tmp_path)[0] == 0 and path.read_bytes() == want
    bad = bom + "kind: [".encode(encoding)  # unfixable: the stream still comes back as it was
    code, out, err = _cli("check", "--fix", "-", cwd=tmp_path, stdin=bad)
    assert (code, out) == (1, bad) and "HP001" in err


def test_one_fix_makes_another_safe_and_one_run_does_both(tmp_path):
    """Without the health label, only the nodeSelector's instance type is a sure fix; once it
    says ml.p5.48xlarge the workload targets HyperPod, and the affinity's types are sure too.
    `--fix` goes on until nothing more is fixed (found by the fuzz test: a second run fixed them)."""
    data = (FIX / "k8s-block.yaml").read_bytes().replace(b"sagemaker.amazonaws.com/node-health-status",
                                                         b"sagemaker.amazoniws.com/node-health-status")
    once, done = fixed(data, "job.yaml")
    assert [f.line for f in done if f.rule == "HP301"] == [14]  # one round alone: the first fix only
    path = tmp_path / "job.yaml"
    path.write_bytes(data)
    code, diff, err = _cli("check", "--diff", "job.yaml", cwd=tmp_path)
    assert code == 1 and diff.count(b"\n+  ") == 3, diff
    code, out, err = _cli("check", "--fix", "--select", "HP301", "job.yaml", cwd=tmp_path)
    assert code == 0 and "fixed 3 findings in 1 file" in err, (out, err)
    assert _cli("check", "--diff", "job.yaml", cwd=tmp_path)[1] == b""


def test_fixing_hp201_fixes_the_default_and_its_allowed_values_together():
    data = (FIXTURES / "rules" / "HP201.yaml").read_bytes()
    once, done = fixed(data, "HP201.yaml")
    assert b"Default: ml.c5.4xlarge" in once and b"AllowedValues: [ml.c5.4xlarge, ml.c5.4xlarge]" in once
    assert fixed(once, "HP201.yaml") == (once, [])
    alone = data.replace(b"AllowedValues: [c5.4xlarge, ml.c5.4xlarge]", b"AllowedValues: [c5.4xlarge, ml.g5.xlarge]")
    once, _ = fixed(alone, "HP201.yaml")  # never a Default outside its AllowedValues
    assert b"Default: ml.c5.4xlarge" in once and b"AllowedValues: [ml.c5.4xlarge, ml.g5.xlarge]" in once


@pytest.mark.parametrize("last", ["\n", ""], ids=["newline", "no-newline-at-end"])
def test_diff_with_u2028_and_without_final_newline_applies(last, tmp_path):
    import shutil
    import subprocess

    text = POD.replace("schedulable}", 'schedulable, note: "a\u2028b\x85c"}').rstrip("\n") + last
    path = tmp_path / "p.yaml"
    path.write_bytes(text.encode())
    code, diff, err = _cli("check", "--diff", "p.yaml", cwd=tmp_path)
    assert code == 1 and diff.count(b"\n+  ") == 1, diff
    want = fixed(text.encode(), "p.yaml")[0]
    assert want != text.encode()
    (tmp_path / "fix.diff").write_bytes(diff)
    if shutil.which("patch"):
        subprocess.run(["patch", "-p1", "-s", "-i", "fix.diff"], cwd=tmp_path, check=True, timeout=30)
        assert path.read_bytes() == want
        path.write_bytes(text.encode())
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, timeout=30)
        subprocess.run(["git", "apply", "fix.diff"], cwd=tmp_path, check=True, timeout=30)
        assert path.read_bytes() == want


# -- property: fixing twice changes nothing -----------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TYPES = st.sampled_from(["p5.48xlarge", "ml.p5.48xlarge", "g5.xlarge", "t4g.small", "{{ .Values.t }}",
                         "p4d.24xlarge", "trn1.32xlarge", "ml.g6.12xlarge", "ml.p5.48xl"])
QUOTES = st.sampled_from(["", "'", '"'])
HEALTH = st.sampled_from(["Schedulable", "schedulable", "SCHEDULABLE", "Healthy"])


def _manifest(values, health, flow, comment, crlf) -> bytes:
    items = [f"{q}{v}{q}" if q or not v.startswith("{") else f'"{v}"' for v, q in values]
    note = "  # pinned" if comment else ""
    if flow:
        values_text = f"values: [{', '.join(items)}]{note}"
    else:
        values_text = "values:\n" + "".join(f"                  - {i}{note}\n" for i in items).rstrip("\n")
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        f"  nodeSelector:\n    sagemaker.amazonaws.com/node-health-status: {health}{note}\n"
        "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "        nodeSelectorTerms:\n          - matchExpressions:\n"
        "              - key: node.kubernetes.io/instance-type\n                operator: In\n"
        f"                {values_text}\n"
        "  containers: [{name: c, image: busybox}]\n"
    )
    return text.replace("\n", "\r\n").encode() if crlf else text.encode()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(values=st.lists(st.tuples(TYPES, QUOTES), min_size=1, max_size=4), health=HEALTH, flow=st.booleans(),
       comment=st.booleans(), crlf=st.booleans())
def test_fixing_twice_changes_nothing_property(values, health, flow, comment, crlf):
    data = _manifest(values, health, flow, comment, crlf)
    once, _ = fixed(data, "p.yaml")
    twice, done = fixed(once, "p.yaml")
    assert twice == once and done == []
    assert once.count(b"\n") == data.count(b"\n") and once.count(b"\r\n") == data.count(b"\r\n")
    remaining = {f.rule for f in lint([Input("p.yaml", None, once)], Config()).findings}
    assert "HP301" not in remaining
    assert ("HP303" in remaining) == (health == "Healthy")
