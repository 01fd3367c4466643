"""The GitHub Action's lint step: ``python -m hyperlint.ci``.

Reads the action's inputs from the environment (``INPUT_PATHS``,
``INPUT_FAIL_ON``, ``INPUT_CONFIG``, ``INPUT_SARIF_FILE``,
``INPUT_ONLY_CHANGED``, ``INPUT_BASELINE``, ``INPUT_DIFF_BASE``), lints once,
and from that one run:

- prints a workflow-command annotation per finding (``--format github``; at
  most 10 per level, the most severe first, as GitHub shows no more, then a
  line saying how many more the job summary and code scanning have);
- with ``baseline`` or ``diff-base``, reports only the findings that are new
  (``diff-base: auto`` on a pull request: new since its base commit), so a
  pull request fails only on what it introduced;
- warns (an annotation) when a path holds nothing to lint;
- writes the SARIF report for ``github/codeql-action/upload-sarif``;
- appends a Markdown summary to ``$GITHUB_STEP_SUMMARY``;
- sets the outputs ``findings`` and ``sarif-file`` in ``$GITHUB_OUTPUT``;
- exits like ``hyperlint check``: 0 clean, 1 findings at or above
  ``fail-on`` (the configuration's ``fail-on`` unless the input is set),
  2 usage, configuration or internal error.

With ``only-changed`` on a pull request, only the ``*.yaml``/``*.yml``/
``*.json`` files changed since the pull request's base commit (from
``$GITHUB_EVENT_PATH``, else ``$GITHUB_BASE_REF``) are linted; when that
commit cannot be found even after fetching it, everything is linted and a
warning says why. Everything here is plain Python, so it runs the same on
Linux, macOS and Windows runners, and in the tests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .config import ConfigError
from .discover import EXTENSIONS, is_excluded
from .record import Record

TRUE = ("true", "yes", "1", "on")
FALSE = ("false", "no", "0", "off", "")


class Inputs(Record):
    """The GitHub Action's inputs, read from its `INPUT_*` environment."""

    __slots__ = ("paths", "fail_on", "config", "sarif_file", "only_changed", "baseline", "diff_base")

    def __init__(
        self,
        paths: list[str],
        fail_on: str | None = None,
        config: str | None = None,
        sarif_file: str | None = "hyperlint.sarif",
        only_changed: bool = False,
        baseline: str | None = None,
        diff_base: str | None = None,
    ) -> None:
        self.paths = paths
        self.fail_on = fail_on  # None: the configuration's (default warning)
        self.config = config
        self.sarif_file = sarif_file
        self.only_changed = only_changed
        self.baseline = baseline
        self.diff_base = diff_base


def read_inputs(env) -> Inputs:
    raw_paths = env.get("INPUT_PATHS", "").strip()
    if "\n" in raw_paths:  # one path a line (paths may contain spaces)
        paths = [line.strip() for line in raw_paths.splitlines() if line.strip()]
    else:
        paths = raw_paths.split()
    only = env.get("INPUT_ONLY_CHANGED", "false").strip().lower()
    if only not in TRUE + FALSE:
        raise ConfigError(f"only-changed must be true or false (got {env['INPUT_ONLY_CHANGED']!r})")
    return Inputs(
        paths=paths or ["."],
        fail_on=env.get("INPUT_FAIL_ON", "").strip() or None,
        config=env.get("INPUT_CONFIG", "").strip() or None,
        sarif_file=env.get("INPUT_SARIF_FILE", "hyperlint.sarif").strip() or None,
        only_changed=only in TRUE,
        baseline=env.get("INPUT_BASELINE", "").strip() or None,
        diff_base=env.get("INPUT_DIFF_BASE", "").strip() or None,
    )


# -- the files a pull request changed ----------------------------------------------------

def _git(*args: str) -> subprocess.CompletedProcess:
    """Run git; a missing git, a prompt for credentials or a hung fetch is a failure, not a hang or a crash."""
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False, env=env, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(["git", *args], 127, "", str(exc))


def _resolve(rev: str) -> str | None:
    proc = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def base_commit(env) -> str | None:
    """The pull request's base commit, fetched (shallowly) if the checkout lacks it."""
    event = {}
    if env.get("GITHUB_EVENT_PATH"):
        try:
            with open(env["GITHUB_EVENT_PATH"], encoding="utf-8") as fh:
                event = json.load(fh)
        except (OSError, ValueError):
            event = {}
    base = ((event.get("pull_request") or {}).get("base") or {}) if isinstance(event, dict) else {}
    sha = base.get("sha") if isinstance(base.get("sha"), str) else None
    ref = env.get("GITHUB_BASE_REF") or (base.get("ref") if isinstance(base.get("ref"), str) else None)
    # the event's commit first, then the base branch; each locally, else fetched
    # (actions/checkout fetches a single commit by default)
    for rev, local in ((sha, [sha]), (ref, [f"refs/remotes/origin/{ref}", ref])):
        if not rev:
            continue
        for name in local:
            found = _resolve(name)
            if found:
                return found
        if _git("fetch", "--no-tags", "--quiet", "--depth=1", "origin", rev).returncode == 0:
            found = _resolve("FETCH_HEAD")
            if found:
                return found
    return None


def changed_files(base: str, paths: list[str], exclude) -> list[str]:
    """YAML and JSON files changed between ``base`` and HEAD, under ``paths``, as discovery would pick them."""
    merge_base = _git("merge-base", base, "HEAD")
    since = merge_base.stdout.strip() if merge_base.returncode == 0 and merge_base.stdout.strip() else base
    proc = _git("diff", "--name-only", "-z", "--relative", "--diff-filter=ACMRT", since, "HEAD")
    if proc.returncode != 0:
        raise ConfigError(f"only-changed: git diff failed: {proc.stderr.strip() or proc.returncode}")
    roots = [_relative(p) for p in paths]
    out = []
    for name in sorted(n for n in proc.stdout.split("\0") if n):
        if not (name.lower().endswith(EXTENSIONS) or _in_chart(name)) or is_excluded(name, exclude):
            continue  # a chart's helper (`_helpers.tpl`) counts: its chart is rendered
        if not any(root == "." or name == root or name.startswith(root + "/") for root in roots):
            continue
        if os.path.isfile(name):
            out.append(name)
    return out


def _in_chart(name: str) -> bool:
    """Whether a changed file lies in a Helm chart (a `Chart.yaml` in its folder or above)."""
    folder = os.path.dirname(name)
    while folder:
        if os.path.isfile(os.path.join(folder, "Chart.yaml")):
            return True
        folder = os.path.dirname(folder)
    return os.path.isfile("Chart.yaml")


def _relative(path: str) -> str:
    rel = os.path.normpath(os.path.relpath(path) if os.path.isabs(path) else path)
    return rel.replace(os.sep, "/")


def targets(inputs: Inputs, config, env) -> tuple[list[str], tuple[str, str] | None]:
    """What to lint, and a note (level, text) for the log and the summary."""
    if not inputs.only_changed:
        return inputs.paths, None
    event = env.get("GITHUB_EVENT_NAME", "")
    if not event.startswith("pull_request"):
        return inputs.paths, ("notice", f"only-changed applies to pull requests; this {event or 'local'} run "
                                        "lints all files.")
    base = base_commit(env)
    if base is None:
        return inputs.paths, ("warning", "only-changed: the pull request's base commit could not be found or "
                                         "fetched, so all files were linted (check out with `fetch-depth: 0`).")
    files = changed_files(base, inputs.paths, config.exclude)
    count = f"{len(files)} changed YAML/JSON file{'s' if len(files) != 1 else ''}"
    return files, ("notice", f"only-changed: {count} since {base[:12]} linted.")


# -- the step -------------------------------------------------------------------------------

def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def _diff_base(inputs: Inputs, env) -> tuple[str | None, tuple[str, str] | None]:
    """The revision new findings are counted from, and a note when there is none."""
    if inputs.diff_base != "auto":
        return inputs.diff_base, None
    event = env.get("GITHUB_EVENT_NAME", "")
    if not event.startswith("pull_request"):
        return None, ("notice", f"diff-base: auto applies to pull requests; this {event or 'local'} run reports "
                                "every finding.")
    base = base_commit(env)
    if base is None:
        return None, ("warning", "diff-base: the pull request's base commit could not be found or fetched, so every "
                                 "finding is reported (check out with `fetch-depth: 0`).")
    return base, None


def run(env=None) -> int:
    from .cli import (
        build_config,
        discover_paths,
        empty_paths,
        lint_found,
        no_input_message,
    )
    from .output import render
    from .output.github import escape_data
    from .workflow import nested_lint, only_new, walk_filter

    env = os.environ if env is None else env
    notes = []
    try:
        inputs = read_inputs(env)
        config = build_config(inputs.config, fail_on=inputs.fail_on, targets=inputs.paths)
        paths, note = targets(inputs, config, env)
        notes += [note] if note else []
        diff_base, note = _diff_base(inputs, env)
        notes += [note] if note else []
        # the files a pull request changed are a walk's selection, not files the user named
        found = discover_paths(paths, config, as_walk=paths is not inputs.paths)
        notes += [("warning", no_input_message(p)) for p in empty_paths(paths, found)]
        config, lint_run = nested_lint(found, config, inputs.config is not None, False, lint_found)
        result, code = lint_run(found)
        every = result  # code scanning gets every finding: it tracks existing alerts itself
        if inputs.baseline or diff_base:
            result, code = only_new(result, code, config, found, inputs.baseline, diff_base, paths, walk_filter, False)
            known = len(every.findings) - len(result.findings)
            if known:
                if inputs.baseline:
                    since = "in the baseline"
                else:  # a commit ID shortened, a ref as given
                    since = f"already at {diff_base[:12] if diff_base and len(diff_base) == 40 else diff_base}"
                notes.append(("notice", f"{known} finding{'s' if known != 1 else ''} {since} not reported here "
                                        "(they stay in the SARIF report for code scanning)."))
    except ConfigError as exc:
        print(f"::error title=hyperlint::{escape_data(str(exc))}")
        print(f"hyperlint: error: {exc}", file=sys.stderr)
        return 2
    for level, text in notes:
        print(f"::{level} title=hyperlint::{escape_data(text)}")

    render("github", result, sys.stdout)  # at most 10 annotations of each level (output.github)
    sys.stdout.flush()
    if inputs.sarif_file:
        sarif = Path(inputs.sarif_file)
        try:
            sarif.parent.mkdir(parents=True, exist_ok=True)
            with open(sarif, "w", encoding="utf-8", newline="\n") as fh:
                render("sarif", every, fh)
        except OSError as exc:
            print(f"hyperlint: error: sarif-file: cannot write {sarif} ({exc.strerror or exc})", file=sys.stderr)
            code = 2
    if env.get("GITHUB_STEP_SUMMARY"):
        import io

        summary = io.StringIO()
        render("markdown", result, summary)
        for _, text in notes:
            summary.write(f"_{text}_\n\n")
        _append(env["GITHUB_STEP_SUMMARY"], summary.getvalue())
    _append(env.get("GITHUB_OUTPUT"), f"findings={len(result.findings)}\nsarif-file={inputs.sarif_file or ''}\n")
    return code


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
