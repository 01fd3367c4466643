"""Throwaway git repositories for the integration tests (no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from clitools import ROOT

IDENTITY = ["-c", "user.name=hyperlint tests", "-c", "user.email=tests@example.invalid",
            "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"]


PROJECT_FOLDERS = ("hyperlint", "schemas", "tests", "bench", "examples", "scripts")


def git(*args, cwd) -> str:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    proc = subprocess.run(["git", *IDENTITY, *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 0, f"git {' '.join(map(str, args))}: {proc.stderr}"
    return proc.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git("add", "-A", ".", cwd=repo)
    git("commit", "-q", "--allow-empty", "-m", message, cwd=repo)
    return git("rev-parse", "HEAD", cwd=repo)


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git("init", "-q", ".", cwd=path)
    return path


def copy_checkout(dest: Path) -> Path:
    """This checkout's files as they are now (uncommitted changes included), committed in a new
    repository at ``dest``: the files git tracks, plus new ones not yet added under the project's
    own folders (never a local virtualenv or a scratch folder at the top)."""
    try:
        tracked = git("ls-files", "-z", "--cached", cwd=ROOT).split("\0")
        new = git("ls-files", "-z", "--others", "--exclude-standard", "--", *PROJECT_FOLDERS, cwd=ROOT).split("\0")
        files = sorted({f for f in tracked + new if f and (ROOT / f).is_file()})
    except AssertionError:  # not a git checkout (an unpacked sdist): everything but caches
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if p.is_file() and not any(part.startswith((".venv", ".git", "__pycache__", ".pytest_cache"))
                                            for part in p.relative_to(ROOT).parts)]
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    new_repo(dest)
    commit_all(dest, "snapshot of the working tree")
    return dest
