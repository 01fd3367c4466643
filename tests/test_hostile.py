"""Hostile and broken input: whatever a pull request contains, hyperlint survives it.

The contract checked here, for every input of tests/fixtures/hostile/ and for
the big or special ones made below (a 100 MB stream, FIFOs, devices, symlink
loops, unreadable and vanishing files, odd file names):

- `hyperlint check` exits 0 (nothing to report), 1 (findings: a file that
  cannot be read or parsed is an HP001 finding) or 2 (usage, configuration,
  internal error), never with a traceback; every stderr line starts with
  `hyperlint: `; stdout is valid UTF-8: per finding a headline and its code
  frame (source line, carets, notes), with no control character even when the
  source line has them;
- within 10 s and 500 MB of address space (the long streams: no time limit
  but a hang guard; their memory is what is checked), run
  through the real command line in a subprocess that also refuses any
  network socket;
- the other documents and files are still linted, and inputs are only read.

Findings of the YAML fixtures are stated by their `# expect:` markers (see
tests/expectations.py) and compared both ways.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import shutil
import stat
import subprocess
import sys
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import pytest

from clitools import ROOT
from conftest import FIXTURES
from expectations import compare, expected_in
from hyperlint import discover as discover_module, engine, lintfile
from hyperlint.config import Config
from hyperlint.data import Data
from hyperlint.discover import Input, discover
from hyperlint.engine import lint
from hyperlint.parse import parse_source

HOSTILE = FIXTURES / "hostile"
TIME_LIMIT = 10.0  # seconds, per input, through the real command line
MEMORY_CAP = 500 * 2**20  # bytes of address space (RLIMIT_AS)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
DATA = Data()

# -- running the real command line, capped -----------------------------------------------

# The child runs hyperlint's own entry point after refusing every network socket
# (any attempt is logged, so a test fails even if hyperlint swallowed the error)
# and reports its peak resident memory when it exits.
_BOOT = r"""
import atexit, os, resource, socket, sys
report = os.environ["HYPERLINT_TEST_REPORT"]
def _refuse(*args, **kwargs):
    with open(report + ".network", "a") as fh:
        fh.write(repr(args)[:200] + "\n")
    raise OSError("network access is disabled in tests")
class _Socket(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        if family != socket.AF_UNIX:
            _refuse(family)
        super().__init__(family, *args, **kwargs)
socket.socket = _Socket
socket.create_connection = socket.getaddrinfo = _refuse
def _peak():
    with open(report, "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
atexit.register(_peak)
sys.argv[0] = "hyperlint"
from hyperlint.cli import main
main()
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes
    network: str  # logged connection attempts

    def __str__(self):
        return (f"exit {self.code} in {self.seconds:.1f}s, peak RSS {self.peak_rss / 2**20:.0f} MB\n"
                f"--- stdout\n{self.stdout[:3000]}\n--- stderr\n{self.stderr[:3000]}")


def run_capped(*args, cwd, timeout: float = TIME_LIMIT, memory: int = MEMORY_CAP,
               stdin: bytes | None = None, tmp: Path) -> Run:
    """`hyperlint ARGS` in a subprocess limited to ``memory`` bytes of address space."""
    reports = tmp.parent / (tmp.name + "-reports")  # outside the folder under test
    reports.mkdir(exist_ok=True)
    report = reports / f"report-{time.monotonic_ns()}"
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["HYPERLINT_TEST_REPORT"] = str(report)
    env.pop("GITHUB_ACTIONS", None)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _BOOT, *map(str, args)], cwd=cwd, env=env, capture_output=True,
        input=stdin if stdin is not None else b"", timeout=timeout, preexec_fn=limit,
    )
    seconds = time.monotonic() - start
    peak = int(report.read_text()) if report.exists() else -1
    network = (report.parent / (report.name + ".network"))
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"), seconds, peak,
               network.read_text() if network.exists() else "")


def assert_contract(run: Run, codes=(0, 1, 2)) -> None:
    """Exit code, no traceback, one-line messages, one line per finding, no network."""
    assert run.code in codes, str(run)
    assert "Traceback" not in run.stderr, str(run)
    for line in run.stderr.splitlines():
        assert line.startswith("hyperlint: "), str(run)
    if run.stdout.startswith("{"):
        json.loads(run.stdout)
    else:
        import re

        frame = re.compile(r"^(\s*(\d+ )?\|.*|\s+(=|-->|:::) .*|)$")  # source line, carets, notes, blank
        for line in run.stdout.splitlines():
            assert line.startswith("hyperlint: ") or " HP" in line or frame.match(line), str(run)
            assert not any(ord(c) < 32 for c in line), f"control character in output: {line!r}"
    assert not run.network, f"network access attempted: {run.network}"
    assert 0 < run.peak_rss < MEMORY_CAP, str(run)


def snapshot(folder: Path) -> dict:
    """Every file under ``folder`` with its bytes' hash and mode (inputs must stay untouched)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        try:
            st = path.lstat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and os.access(path, os.R_OK):
            out[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mode, st.st_mtime_ns)
        else:
            out[str(path)] = (None, st.st_mode, st.st_mtime_ns)
    return out


# -- the committed fixtures --------------------------------------------------------------

FIXTURE_FILES = sorted(p for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json"))

# Fixtures that cannot hold `# expect:` markers (JSON, other encodings): (line, rule) of every finding.
FINDINGS = {
    "cfn_resources_list.json": [],
    "control_characters.json": [(1, "HP303")],
    "deep_array.json": [],
    "deep_eksctl.json": [],
    "deep_object.json": [],
    "deep_pod.json": [(2, "HP303"), (3, "HP303")],
    "duplicate_keys.json": [(4, "HP001"), (5, "HP001")],
    "empty.json": [(1, "HP001")],
    "invalid_utf8.json": [(1, "HP001")],
    "invalid_utf8_only.yaml": [(1, "HP001")],
    "json_errors.json": [(1, "HP001")],
    "json_trailing.json": [(1, "HP001")],
    "lone_surrogate_key.json": [(1, "HP303")],
    "numbers.json": [],
    "nul_in_middle.yaml": [(3, "HP001")],
    "utf16_be_bom.yaml": [(7, "HP303")],
    "utf16_le_bom.yaml": [(7, "HP303")],
    "utf16_no_bom.yaml": [(1, "HP001")],
    "utf16_truncated.yaml": [(1, "HP001")],
    "utf32_le_bom.json": [(1, "HP303")],
    "utf8_bom.yaml": [(7, "HP303")],
    "whitespace_only.yaml": [(3, "HP001")],  # libyaml refuses a line holding only a tab
    "line_endings_cr.yaml": [(5, "HP303")],
}


def expected_findings(path: Path) -> list[tuple]:
    if path.name in FINDINGS:
        return [(str(path), line, rule, None, None, None) for line, rule in FINDINGS[path.name]]
    return expected_in(path)


def test_every_fixture_has_expectations():
    for path in FIXTURE_FILES:
        if path.name in FINDINGS:
            continue
        # a fixture without a FINDINGS entry states its findings with `# expect:` markers
        assert path.suffix == ".yaml" and b"\x00" not in path.read_bytes(), f"{path.name}: add it to FINDINGS"


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_findings_both_ways(path: Path):
    """In process: exactly the expected findings, no internal error, positions >= 1."""
    found = discover([str(path)])
    result = lint(found.inputs, Config(), DATA)
    assert not result.errors, result.errors
    problems = compare(result.findings, expected_findings(path))
    assert not problems, "\n".join(problems)
    for f in result.findings:
        assert f.line >= 1 and f.column >= 1


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_through_the_cli_is_bounded(path: Path, tmp_path: Path):
    before = snapshot(HOSTILE)
    run = run_capped("check", path.name, cwd=HOSTILE, tmp=tmp_path)
    assert_contract(run, codes=(1,) if expected_findings(path) else (0,))
    assert run.seconds < TIME_LIMIT
    assert snapshot(HOSTILE) == before, "an input file was changed"
    assert not list(HOSTILE.glob("PWNED*")) and not list(tmp_path.glob("PWNED*")), "input was executed"


def test_all_fixtures_at_once_in_json_and_in_parallel(tmp_path: Path):
    """One run over the whole folder (JSON output), then the same with worker
    processes: results that cannot be pickled (labels nested 10,000 deep) are
    linted again in the parent, and both runs agree."""
    project = tmp_path / "project"
    shutil.copytree(HOSTILE, project, ignore=shutil.ignore_patterns("*.py"))
    for i in range(70 - len(FIXTURE_FILES)):  # enough files for the parallel path
        (project / f"filler-{i:02}.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\n")
    serial = run_capped("check", "--format", "json", "--jobs", "1", ".", cwd=project, tmp=tmp_path, timeout=60)
    parallel = run_capped("check", "--format", "json", "--jobs", "2", ".", cwd=project, tmp=tmp_path, timeout=60)
    for run in (serial, parallel):
        assert_contract(run, codes=(1,))
        doc = json.loads(run.stdout)
        # the walk lints inputs and skips what recognise says is not one (empty, binary, no object)
        assert doc["summary"]["files"] + doc["summary"]["skipped"] == 70 and doc["summary"]["skipped"] > 0
        for f in doc["findings"]:
            assert f["line"] >= 1 and f["column"] >= 1
            assert f["end_line"] is None or f["end_line"] >= 1
    assert serial.stdout == parallel.stdout


# -- inputs made at test time -----------------------------------------------------------------


def _pod(name: str, status: str = "schedulable") -> str:
    return (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n"
            f"  nodeSelector: {{sagemaker.amazonaws.com/node-health-status: {status}}}\n"
            f"  containers: [{{name: c, image: busybox}}]\n")


GENERATED = {
    # name: (bytes maker, expected exit code, text that must be in stdout)
    "binary_random.yaml": (lambda: random.Random(7).randbytes(200_000).replace(b"\x00", b"\x01"), 1, "HP001"),
    "binary_nul.json": (lambda: b"\x7fELF\x02\x01\x01\x00" + random.Random(8).randbytes(50_000), 1, "binary file"),
    "deep_block_mapping.yaml": (  # 10,000 levels need 50 MB of indentation
        lambda: b"".join(b" " * i + b"a:\n" for i in range(10_000)) + b" " * 10_000 + b"leaf\n",
        1, "nesting deeper than 1,000 levels"),
    "long_line.yaml": (  # a 20 MB line, then a document with a finding
        lambda: (b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: " + b"x" * 20_000_000
                 + b"\n---\n" + _pod("after").encode()), 1, "after"),
    "long_value_message.yaml": (lambda: _pod("long", "x" * 1_000_000).encode(), 1, "xxx...' is not a value"),
    "long_source_line.yaml": (lambda: b"# Source: a" + b" " * 2_000_000 + b"b\n" + _pod("src").encode(), 1, "HP303"),
    "long_directive_line.yaml": (
        lambda: _pod("dir").replace("schedulable}", "schedulable}  # hyperlint: disable=HP303 -- a"
                                    + " " * 2_000_000 + "b").encode(), 0, "no problems"),
    "placeholder_shaped_values.yaml": (  # `{{.*?}}` / `<%.*?%>` searches were quadratic on these
        lambda: (_pod("braces", '"' + "{" * 1_000_000 + '"') + "---\n" + _pod("tags", '"' + "<%" * 500_000 + '"')
                 + "---\n" + _pod("lines", '"' + "{{\\n" * 200_000 + '}}"')).encode(), 1, "3 problems (3 errors)"),
    "many_keys.yaml": (  # a million keys in one mapping
        lambda: b"".join(b"k%d: %d\n" % (i, i) for i in range(1_000_000)), 0, "no problems"),
    "many_documents.yaml": (lambda: b"".join(b"---\na: %d\n" % i for i in range(200_000)), 0, "no problems"),
    "many_broken_documents.yaml": (
        lambda: b"".join(b"---\na: [%d\n" % i for i in range(30_000)) + b"---\n" + _pod("last").encode(),
        1, "30001 problems"),
    "too_many_values.json": (lambda: b"[" + b"0," * 1_000_001 + b"0]", 1, "document too large"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_input_is_bounded(name: str, tmp_path: Path):
    make, code, needle = GENERATED[name]
    (tmp_path / name).write_bytes(make())
    limit = 60 if name.startswith(("many_", "too_many")) else TIME_LIMIT  # no quadratic blow-up
    run = run_capped("check", name, cwd=tmp_path, tmp=tmp_path, timeout=limit)
    assert_contract(run, codes=(code,))
    assert needle in run.stdout, str(run)
    for line in run.stdout.splitlines():
        assert len(line) < 6000, "a message was not shortened"


def test_file_larger_than_the_limit_is_not_read(tmp_path: Path):
    big = tmp_path / "huge.yaml"
    with open(big, "wb") as fh:  # sparse: nothing is written to disk
        fh.truncate(discover_module.MAX_FILE_BYTES + 1)
    run = run_capped("check", big.name, cwd=tmp_path, tmp=tmp_path)
    assert_contract(run, codes=(1,))
    assert "HP001 [error] file too large to lint" in run.stdout


# -- the 100 MB rendered stream ------------------------------------------------------------------

_STREAM_DOCS = (
    """---
# Source: trainer/templates/job.yaml
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: job-{i}
  namespace: team-{m}
  labels: {{app: trainer, index: "{i}"}}
spec:
  pytorchReplicaSpecs:
    Worker:
      replicas: 4
      template:
        metadata:
          annotations: {{sidecar.istio.io/inject: "false"}}
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: {itype}
          tolerations:
          - {{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}}
          containers:
          - name: pytorch
            image: my-registry/llama:{i}
            args: ["--epochs", "10", "--lr", "0.0001"]
            resources:
              limits: {{nvidia.com/gpu: 8, vpc.amazonaws.com/efa: 32}}
            env:
            - {{name: NCCL_DEBUG, value: INFO}}
            - {{name: FI_PROVIDER, value: efa}}
            volumeMounts:
            - {{name: data, mountPath: /data}}
          volumes:
          - name: data
            hostPath: {{path: /opt/sagemaker/data}}
""",
    """---
# Source: trainer/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-{i}
  namespace: team-{m}
data:
  config.json: |
    {{"a": {i}, "b": [1, 2, 3], "c": "some text to pad the document out a little"}}
  other: "value-{i}"
""",
    """---
# Source: trainer/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
spec:
  selector: {{app: trainer}}
  ports:
  - {{port: 80, targetPort: 8080, protocol: TCP}}
""",
)
_BROKEN_DOC = "---\n# Source: trainer/templates/broken.yaml\napiVersion: v1\nkind: ConfigMap\ndata: {{a: [1, {i}}}\n"


def write_stream(path: Path, size: int) -> tuple[int, int]:
    """A Helm-rendered stream of about ``size`` bytes: (HP301 findings, HP001 findings) it holds."""
    hp301 = hp001 = 0
    written = i = 0
    with open(path, "w") as fh:
        fh.write("# hyperlint: disable=HP304 -- an own-line directive: HP002, it suppresses nothing\n")
        while written < size:
            if i % 5000 == 4999:
                text = _BROKEN_DOC.format(i=i)
                hp001 += 1
            else:
                wrong = i % 3 == 0 and i % 999 == 0
                hp301 += wrong
                text = _STREAM_DOCS[i % 3].format(i=i, m=i % 7, itype="p5.48xlarge" if wrong else "ml.p5.48xlarge")
            fh.write(text)
            written += len(text)
            i += 1
    return hp301, hp001


def _lint_stream(tmp_path: Path, megabytes: int):
    """Lint a rendered stream of ``megabytes`` MB through the real command line: (run, HP301, HP001 written).
    The timeout only stops a hang: how long it takes depends on the machine, and is not asserted."""
    stream = tmp_path / f"rendered-{megabytes}.yaml"
    hp301, hp001 = write_stream(stream, megabytes * 10**6)
    run = run_capped("check", "--format", "json", stream.name, cwd=tmp_path, tmp=tmp_path, timeout=3600)
    stream.unlink()
    assert_contract(run, codes=(1,))
    findings = json.loads(run.stdout)["findings"]
    assert sum(f["rule"] == "HP301" for f in findings) == hp301
    assert sum(f["rule"] == "HP001" for f in findings) == hp001
    assert [f["line"] for f in findings if f["rule"] == "HP002"] == [1]
    assert all(f["source"] == "trainer/templates/job.yaml" for f in findings if f["rule"] == "HP301")
    print(f"\n{megabytes} MB stream: {run.seconds:.1f} s, peak RSS {run.peak_rss / 2**20:.0f} MB")
    return run


def test_stream_memory_grows_with_the_file_not_with_its_documents(tmp_path: Path):
    """Documents are processed as they come: from a 3 MB to a 9 MB stream the
    peak grows by the 6 MB of file held in memory and by a few hundred bytes of
    run model per workload (about 2,700 training jobs per 10 MB), measured at 3 to 3.3
    bytes per byte of stream (allowed: 5); a tree kept per document would be 10 or more.
    (Small sizes keep the default suite fast; the 100 MB run below is the slow one.)"""
    small = _lint_stream(tmp_path, 3)
    large = _lint_stream(tmp_path, 9)
    growth = large.peak_rss - small.peak_rss
    assert growth < 5 * 6 * 10**6, f"peak RSS {small.peak_rss / 2**20:.0f} MB -> {large.peak_rss / 2**20:.0f} MB"


def test_100_mb_stream_is_linted_in_bounded_memory(tmp_path: Path):
    """The full size (marked slow in conftest.py: `pytest -m slow`, which CI runs): the peak stays far below the 500 MB
    cap (the file itself is 100 MB of it), whatever the number of documents."""
    run = _lint_stream(tmp_path, 100)
    # the file itself, one document's tree, and per workload and finding a few hundred bytes of run
    # model (67,000 training jobs here): never a copy per line or a tree per document
    assert run.peak_rss < 500 * 2**20


def test_stream_keeps_no_document_alive():
    """In process: parse_source and lint_file drop each tree before the next."""
    text = "".join(_STREAM_DOCS[i % 3].format(i=i, m=0, itype="p5.48xlarge") for i in range(300)).encode()
    refs = []
    for item in parse_source(text):
        refs.append(weakref.ref(item))
        del item
        assert sum(r() is not None for r in refs) <= 1
    assert len(refs) == 300

    seen = []
    original = lintfile._lint_document

    def spy(doc, *args):
        seen.append(weakref.ref(doc))
        original(doc, *args)
        assert sum(r() is not None for r in seen) <= 2  # this one, and the parser's next one at most

    try:
        lintfile._lint_document = spy
        result = lint([Input("stream.yaml", None, text)], Config(), DATA)
    finally:
        lintfile._lint_document = original
    assert len(seen) == 300 and len(result.findings) == 100


# -- paths: special files, links, permissions, names -----------------------------------------


def test_devices_given_as_paths_are_refused_not_read(tmp_path: Path):
    for device in ("/dev/zero", "/dev/null", "/dev/urandom"):
        if not os.path.exists(device):
            continue
        run = run_capped("check", device, cwd=tmp_path, tmp=tmp_path)
        assert_contract(run, codes=(2,))
        assert f"hyperlint: {device}: not a regular file (FIFO, socket or device); not read" in run.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_never_blocks(tmp_path: Path):
    (tmp_path / "pipe.yaml").parent.mkdir(exist_ok=True)
    os.mkfifo(tmp_path / "pipe.yaml")  # nobody ever writes: opening it for reading would block
    (tmp_path / "ok.yaml").write_text(_pod("ok"))
    run = run_capped("check", "pipe.yaml", cwd=tmp_path, tmp=tmp_path)
    assert_contract(run, codes=(2,))
    assert "pipe.yaml: not a regular file" in run.stderr
    run = run_capped("check", ".", cwd=tmp_path, tmp=tmp_path)  # met in a walk: a finding, the rest linted
    assert_contract(run, codes=(1,))
    assert "pipe.yaml:1:1: HP001 [error] not a regular file (FIFO, socket or device); not read" in run.stdout
    assert "ok.yaml:5:" in run.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_file_replaced_by_a_fifo_after_discovery_never_blocks(tmp_path: Path):
    """The check before opening and the non-blocking open both refuse it (in a
    subprocess: if it blocked, the test would time out instead of hanging)."""
    script = (
        "import os, sys\n"
        "from hyperlint.config import Config\n"
        "from hyperlint.discover import discover\n"
        "from hyperlint.engine import lint\nfrom hyperlint.discover import read_input\n"
        "path = sys.argv[1]\n"
        "found = discover([path])\n"
        "os.remove(path); os.mkfifo(path)\n"
        "result = lint(found.inputs, Config())\n"
        "print([(f.rule, f.message) for f in result.findings], result.errors)\n"
        "try:\n"
        "    read_input(path)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    target = tmp_path / "swap.yaml"
    target.write_text(_pod("swap"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, timeout=TIME_LIMIT, env=env)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "('HP001', 'not a regular file (FIFO, socket or device); not read')" in out
    assert "Unreadable not a regular file" in out


def test_symlink_loops_and_links_out_of_the_tree(tmp_path: Path):
    secret = tmp_path / "outside" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text(_pod("secret-pod", "SECRET-VALUE"))
    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "sub" / "a.yaml").write_text(_pod("a"))
    os.symlink(".", project / "sub" / "loop")  # a folder that contains itself
    os.symlink("../sub", project / "sub" / "up")  # a second route to sub/
    os.symlink("ping.yaml", project / "pong.yaml")  # a file loop
    os.symlink("pong.yaml", project / "ping.yaml")
    os.symlink("missing.yaml", project / "broken.yaml")
    os.symlink(secret, project / "stolen.yaml")  # links that lead out of the tree
    os.symlink(secret.parent, project / "stolen-dir")
    os.symlink("/dev/zero", project / "zero.yaml")
    os.symlink("sub/a.yaml", project / "inside.yaml")  # stays inside: followed (once)
    before = snapshot(tmp_path)
    run = run_capped("check", ".", cwd=project, tmp=tmp_path)
    assert_contract(run, codes=(1,))
    assert "SECRET" not in run.stdout + run.stderr and "secret-pod" not in run.stdout
    assert run.stderr.count("outside .; not followed") == 3, run.stderr
    for name in ("stolen.yaml", "stolen-dir", "zero.yaml"):
        assert f"hyperlint: note: {name}: symbolic link to a" in run.stderr
    assert "broken.yaml" not in run.stdout  # a broken link met in a walk is not an input (recognise)
    assert "1 file skipped as not an input" in run.stdout
    assert "ping.yaml:1:1: HP001 [error] cannot read (Too many levels of symbolic links)" in run.stdout
    assert run.stdout.count("HP303") == 1  # sub/a.yaml, once, whatever the routes to it
    assert snapshot(tmp_path) == before
    # a path given on the command line is the user's choice: followed
    run = run_capped("check", "stolen.yaml", cwd=project, tmp=tmp_path)
    assert_contract(run, codes=(1,))
    assert "SECRET-VALUE" in run.stdout


@pytest.mark.skipif(IS_ROOT, reason="running as root: chmod 000 does not stop reads (covered in process below)")
def test_unreadable_file_and_folder_for_real(tmp_path: Path):
    (tmp_path / "locked.yaml").write_text(_pod("locked"))
    (tmp_path / "locked-dir").mkdir()
    (tmp_path / "locked-dir" / "x.yaml").write_text(_pod("x"))
    (tmp_path / "ok.yaml").write_text(_pod("ok"))
    os.chmod(tmp_path / "locked.yaml", 0)
    os.chmod(tmp_path / "locked-dir", 0)
    try:
        run = run_capped("check", ".", cwd=tmp_path, tmp=tmp_path)
        assert_contract(run, codes=(1,))
        assert "locked.yaml:1:1: HP001 [error] cannot read file (Permission denied)" in run.stdout
        assert "locked-dir:1:1: HP001 [error] cannot read directory (Permission denied)" in run.stdout
        assert "ok.yaml:5:" in run.stdout
        run = run_capped("check", "locked-dir", cwd=tmp_path, tmp=tmp_path)
        assert_contract(run, codes=(2,))
        assert "hyperlint: locked-dir: cannot read directory (Permission denied)" in run.stderr
    finally:
        os.chmod(tmp_path / "locked.yaml", 0o644)
        os.chmod(tmp_path / "locked-dir", 0o755)


def test_unreadable_file_and_folder_in_process(tmp_path: Path, monkeypatch):
    """The same paths as above, with the permission errors simulated (works as root)."""
    (tmp_path / "locked.yaml").write_text(_pod("locked"))
    (tmp_path / "locked-dir").mkdir()
    (tmp_path / "ok.yaml").write_text(_pod("ok"))
    real_open, real_scandir = os.open, os.scandir

    def fake_open(path, *args, **kwargs):
        if str(path).endswith("locked.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    def fake_scandir(path="."):
        if str(path).endswith("locked-dir"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    found = discover([str(tmp_path)])
    result = lint(found.inputs, Config(), DATA)
    assert not result.errors
    got = sorted((Path(f.file).name, f.line, f.rule, f.message) for f in result.findings)
    assert got[0] == ("locked-dir", 1, "HP001", "cannot read directory (Permission denied); its files were not linted")
    assert got[1] == ("locked.yaml", 1, "HP001", "cannot read file (Permission denied)")
    assert [g[0] for g in got[2:]] == ["ok.yaml"]
    found = discover([str(tmp_path / "locked-dir")])
    assert found.errors == [f"{tmp_path / 'locked-dir'}: cannot read directory (Permission denied)"]


def test_file_deleted_between_discovery_and_reading(tmp_path: Path):
    (tmp_path / "gone.yaml").write_text(_pod("gone"))
    (tmp_path / "stays.yaml").write_text(_pod("stays"))
    found = discover([str(tmp_path)])
    (tmp_path / "gone.yaml").unlink()
    result = lint(found.inputs, Config(), DATA)
    assert not result.errors
    messages = {(Path(f.file).name, f.rule, f.message) for f in result.findings}
    assert ("gone.yaml", "HP001", "cannot read file (no such file: it was removed or renamed while hyperlint ran)") in messages
    assert any(name == "stays.yaml" and rule == "HP303" for name, rule, _ in messages)


def test_odd_file_names_trailing_slash_and_duplicates(tmp_path: Path):
    project = tmp_path / "my project"
    project.mkdir()
    names = ["with space.yaml", "naïve – ünïcödé 🚀.yaml", "new\nline.yaml", "tab\tand\x1besc.yaml"]
    for name in names:
        (project / name).write_text(_pod("p"))
    undecodable = os.fsencode(str(project)) + b"/caf\xe9-\xff.yaml"  # not UTF-8: Python keeps it as surrogates
    with open(undecodable, "wb") as fh:
        fh.write(_pod("p").encode())
    before = snapshot(tmp_path)
    run = run_capped("check", "my project/", "my project/with space.yaml", "./my project/with space.yaml",
                     cwd=tmp_path, tmp=tmp_path)
    assert_contract(run, codes=(1,))
    lines = [line for line in run.stdout.splitlines() if " HP303 " in line]
    assert len(lines) == 5, run.stdout  # each file once, though given three times
    shown = "\n".join(lines)
    assert "my project/with space.yaml:5:" in shown and "my project//" not in shown
    assert "my project/naïve – ünïcödé 🚀.yaml:5:" in shown
    assert "my project/new\\nline.yaml:5:" in shown
    assert "my project/tab\\tand\\x1besc.yaml:5:" in shown
    assert "my project/caf\\xe9-\\xff.yaml:5:" in shown
    assert run.stdout.splitlines()[-2:] == ["hyperlint: 5 problems (5 errors) in 5 of 5 files",
                                            "hyperlint: 5 fixable with `--fix`."]
    assert snapshot(tmp_path) == before
    run = run_capped("check", "--format", "json", "my project", cwd=tmp_path, tmp=tmp_path)
    assert_contract(run, codes=(1,))
    files = sorted(f["file"] for f in json.loads(run.stdout)["findings"])
    assert "my project/new\\nline.yaml" in files and "my project/caf\\xe9-\\xff.yaml" in files


def test_file_names_are_reversible_in_json_and_sarif(tmp_path: Path):
    """A real newline and a backslash followed by `n` are two names, and every
    format tells them apart: JSON and text show `path_text` (reversible: the
    backslash is doubled), SARIF percent-encodes the real name's bytes."""
    from urllib.parse import unquote_to_bytes

    from hyperlint.safe import path_from_text

    names = [b"new\nline.yaml", b"new\\nline.yaml", b"back\\\\slash.yaml", b"c1-\xc2\x85.yaml", b"caf\xe9.yaml"]
    for name in names:
        with open(os.path.join(os.fsencode(tmp_path), name), "wb") as fh:
            fh.write(_pod("p").encode())
    run = run_capped("check", "--format", "json", ".", cwd=tmp_path, tmp=tmp_path)
    assert_contract(run, codes=(1,))
    files = sorted(f["file"] for f in json.loads(run.stdout)["findings"])
    assert len(set(files)) == len(names), files
    assert sorted(os.fsencode(path_from_text(f)) for f in files) == sorted(names)
    assert "new\\nline.yaml" in files and "new\\\\nline.yaml" in files and "caf\\xe9.yaml" in files
    run = run_capped("check", "--format", "sarif", ".", cwd=tmp_path, tmp=tmp_path)
    assert_contract(run, codes=(1,))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(run.stdout)["runs"][0]["results"]]
    assert sorted(unquote_to_bytes(u) for u in uris) == sorted(names)
    assert "new%0Aline.yaml" in uris and "new%5Cnline.yaml" in uris and "caf%E9.yaml" in uris


@pytest.mark.parametrize("where", ["nodeSelector", "matchExpressions", "NotIn"])
@pytest.mark.parametrize("value", ["{a: 1}", "[Schedulable]", "[[1]]"])
def test_mappings_and_lists_where_labels_are_expected(where, value):
    """A mapping or list as a label value, or among `values`, is never hashed (a set or
    dict key): rules judge strings only, and say nothing about what they cannot read."""
    health = value if where == "nodeSelector" else "Unschedulable"
    values = f"[{value}, x]" if where != "nodeSelector" else "[Passed]"
    op, key = ("NotIn", "sagemaker.amazonaws.com/compute-type") if where == "NotIn" else \
        ("In", "sagemaker.amazonaws.com/deep-health-check-status")
    text = f"""\
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {{name: j}}
spec:
  pytorchReplicaSpecs:
    Worker:
      template:
        spec:
          nodeSelector:
            node.kubernetes.io/instance-type: ml.p5.48xlarge
            sagemaker.amazonaws.com/node-health-status: {health}
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                  - matchExpressions:
                      - {{key: {key}, operator: {op}, values: {values}}}
          containers: [{{name: c, image: topolvm/topolvm:1.0}}]
"""
    result = lint([Input("j.yaml", None, text.encode())], Config(), DATA)
    assert not result.errors


def test_stdin_given_twice_is_read_once(tmp_path: Path):
    run = run_capped("check", "-", "-", cwd=tmp_path, tmp=tmp_path, stdin=_pod("stdin").encode())
    assert_contract(run, codes=(1,))
    assert run.stdout.count("HP303") == 1


def test_hostile_stdin(tmp_path: Path):
    bomb = (HOSTILE / "alias_bomb.yaml").read_bytes()
    run = run_capped("check", "-", "--stdin-filename", "rendered\n.yaml", cwd=tmp_path, tmp=tmp_path, stdin=bomb)
    assert_contract(run, codes=(1,))
    assert run.stdout.startswith("rendered\\n.yaml:")
    run = run_capped("check", "-", cwd=tmp_path, tmp=tmp_path, stdin=random.Random(1).randbytes(100_000))
    assert_contract(run, codes=(1,))


# -- failures inside hyperlint: a clear message, the run goes on, exit code 2 --------------------


@pytest.mark.parametrize("exc, text", [
    (RecursionError("maximum recursion depth exceeded"), "RecursionError: a value nested too deeply for a recursive step"),
    (MemoryError(), "out of memory (MemoryError)"),
    (KeyError("boom\nforged line"), "KeyError: 'boom\\nforged line'"),
])
def test_a_failing_rule_is_reported_and_the_run_goes_on(exc, text, monkeypatch, tmp_path: Path):
    from hyperlint.rules import all_rules

    rule = all_rules()["HP307"]

    def broken(pod, ctx):
        raise exc
        yield  # pragma: no cover

    monkeypatch.setitem(rule.hooks, "check_pod", broken)
    (tmp_path / "a.yaml").write_text(_pod("a") + "---\n" + _pod("b"))
    (tmp_path / "b.yaml").write_text(_pod("c"))
    result = lint(discover([str(tmp_path)]).inputs, Config(), DATA)
    assert len(result.findings) == 3  # every pod still checked by the other rules
    assert len(result.errors) == 3
    assert all(e.startswith("internal error in HP307 on ") and e.endswith(text) for e in result.errors), result.errors
    assert engine.exit_code(result, "warning") == 2


@pytest.mark.parametrize("where", ["parse_source", "classify", "decode"])
@pytest.mark.parametrize("exc, text", [
    (RecursionError(), "RecursionError: a value nested too deeply for a recursive step"),
    (MemoryError(), "out of memory (MemoryError)"),
])
def test_a_failure_outside_the_rules_is_reported_and_the_run_goes_on(where, exc, text, monkeypatch, tmp_path: Path):
    real = getattr(lintfile, where)

    def failing(value, *args, **kwargs):
        if b"fail-here" in value if isinstance(value, bytes) else "fail-here" in str(value):
            raise exc
        return real(value, *args, **kwargs)

    monkeypatch.setattr(lintfile, where, failing)
    (tmp_path / "a.yaml").write_text(_pod("fail-here"))
    (tmp_path / "b.yaml").write_text(_pod("fine"))
    result = lint(discover([str(tmp_path)]).inputs, Config(), DATA)
    assert [Path(f.file).name for f in result.findings] == ["b.yaml"]
    (error,) = result.errors
    assert error.startswith("internal error ") and "a.yaml" in error and error.endswith(text)


@pytest.mark.parametrize("exc, text", [
    (MemoryError(), "hyperlint: error: out of memory (MemoryError)"),
    (RecursionError(), "hyperlint: internal error: RecursionError"),
])
def test_cli_turns_memory_and_recursion_errors_into_one_line(exc, text, monkeypatch, capsys, tmp_path: Path):
    from hyperlint import cli

    def failing(*args, **kwargs):
        raise exc

    monkeypatch.setattr(engine, "lint", failing)
    (tmp_path / "a.yaml").write_text(_pod("a"))
    with pytest.raises(SystemExit) as stop:
        cli.main(["check", str(tmp_path / "a.yaml")])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith(text) and len(err.strip().splitlines()) == 1


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_sockets_are_disabled_for_the_whole_suite():
    """pytest-socket (`--disable-socket` in pyproject.toml): any network attempt fails a test."""
    import socket

    with pytest.raises(Exception, match="(?i)socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_output_formats_take_any_string():
    """Findings built by hand with raw control characters, surrogates and a huge
    message: both formats render them without raising."""
    import io

    from hyperlint.engine import Result
    from hyperlint.findings import Finding, Loc
    from hyperlint.model import Model
    from hyperlint.output import FORMATS, render

    odd = "a\x00b\nc\x1b[31md\ud800e\u2028f\u202eg" + "x" * 200_000
    loc = Loc(odd, 1, 1, None, None, "/" + odd, ("Pod", odd, odd), odd, 0)
    result = Result([Finding("HP303", "error", odd, loc)], Model(), [], 1)
    for name in FORMATS:
        out = io.StringIO()
        render(name, result, out)
        assert len(out.getvalue()) > 200_000
