"""`--diff-base REF`: only the findings that are new since a git commit.

The files under the linted paths are written, as they are at ``REF``, into
a temporary folder (read from the local repository with ``git ls-tree`` and
``git cat-file``: no network, no checkout, the work tree untouched), linted
there with the same configuration and the same relative paths, and every
current finding whose identity (``hyperlint.baseline.identity``: rule,
file, object, pointer; never the line) the old run also had is dropped. A
file new since ``REF`` has no old findings, so all of its findings are new.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter

from .config import ConfigError

_KEEP = (".gitignore", ".hyperlint.yaml", ".hyperlint.yml", "pyproject.toml")  # wherever they are


def _git(args: list[str], cwd: str, data: bytes | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_NO_LAZY_FETCH="1")  # never the network
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, env=env, timeout=300,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"--diff-base: cannot run git ({exc})") from None


def repository_root(cwd: str = ".") -> str:
    proc = _git(["rev-parse", "--show-toplevel"], cwd)
    if proc.returncode != 0:
        raise ConfigError("--diff-base: not inside a git repository")
    return os.path.realpath(proc.stdout.decode("utf-8", "surrogateescape").strip())


def resolve(ref: str, root: str) -> str:
    if ref.startswith("-"):
        raise ConfigError(f"--diff-base: {ref!r} is not a git revision")
    proc = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], root)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise ConfigError(f"--diff-base: unknown git revision {ref!r} (fetch it first: hyperlint never does)")
    return proc.stdout.decode().strip()


def export(commit: str, root: str, pathspecs: list[str], dest: str) -> int:
    """Write the files of ``commit`` under ``pathspecs`` (every file: a Helm chart reads its
    templates, helpers and files), and its configuration and .gitignore files wherever they
    are, into ``dest``; the number written."""
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit], root)
    if listing.returncode != 0:
        raise ConfigError(f"--diff-base: git ls-tree failed: {listing.stderr.decode(errors='replace').strip()}")
    wanted = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, oid = meta.split()
        path = name.decode("utf-8", "surrogateescape")
        if kind != b"blob" or mode not in (b"100644", b"100755"):
            continue
        if not path.endswith(_KEEP) and not any(
                spec in ("", ".") or path == spec or path.startswith(spec.rstrip("/") + "/") for spec in pathspecs):
            continue
        wanted.append((path, oid.decode()))
    if not wanted:
        return 0
    batch = _git(["cat-file", "--batch"], root, data="".join(f"{oid}\n" for _, oid in wanted).encode())
    if batch.returncode != 0:
        raise ConfigError(f"--diff-base: git cat-file failed: {batch.stderr.decode(errors='replace').strip()}")
    out, pos = batch.stdout, 0
    for path, _ in wanted:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        if len(header) != 3:  # `<oid> missing`: a partial clone without that blob (never fetched here)
            raise ConfigError(f"--diff-base: {path} at {commit[:12]} is not in the local repository "
                              "(a partial clone?); fetch it first: hyperlint never does")
        size = int(header[2])
        body = out[header_end + 1:header_end + 1 + size]
        pos = header_end + 1 + size + 1
        parts = path.split("/")
        if any(part in ("", ".", "..") for part in parts):
            continue
        target = os.path.join(dest, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(body)
    return len(wanted)


def old_findings(ref: str, targets: list[str], config, lint_at) -> tuple[Counter, str]:
    """The identities of the findings ``targets`` had at ``ref``, and the base folder
    current identities must be taken from. ``lint_at(targets, config)`` runs the
    lint in the current directory (the command line's discovery and engine)."""
    from .baseline import identity

    if "-" in targets:
        raise ConfigError("--diff-base needs files or folders, not stdin")
    cwd = os.getcwd()
    root = repository_root(cwd)
    commit = resolve(ref, root)
    here = os.path.relpath(os.path.realpath(cwd), root)
    specs = []
    for target in targets:
        rel = os.path.relpath(os.path.realpath(target), root)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            raise ConfigError(f"--diff-base: {target} is outside the git repository at {root}")
        specs.append("" if rel == "." else rel.replace(os.sep, "/"))
    with tempfile.TemporaryDirectory(prefix="hyperlint-diff-base-") as tmp:
        tmp = os.path.realpath(tmp)
        os.mkdir(os.path.join(tmp, ".git"))  # the root of the copy, as .gitignore handling expects
        export(commit, root, specs, tmp)
        mirror = os.path.normpath(os.path.join(tmp, here))
        os.makedirs(mirror, exist_ok=True)
        mapped = [os.path.join(tmp, os.path.relpath(os.path.realpath(t), root)) if os.path.isabs(t) else t
                  for t in targets]
        old_config = config
        if config.source:
            src = os.path.relpath(os.path.realpath(config.source), root)
            if not src.startswith(os.pardir):
                old_config = config.replace(source=os.path.join(tmp, src))
        os.chdir(mirror)
        try:  # identities are taken here: reported paths are relative to the mirror
            findings = lint_at([t for t in mapped if os.path.exists(t)], old_config)
            return Counter(identity(f, tmp) for f in findings), root
        finally:
            os.chdir(cwd)
