"""The loop around a lint run: what the command line does before and after the engine.

- ``walk_filter``: what directory walks skip (``hyperlint.ignore``);
- ``use_color``, ``stdin_is_piped``: how the output reaches a person;
- ``only_new``: the findings not in a baseline and not already at ``--diff-base``
  (``hyperlint.baseline``, ``hyperlint.diffbase``), with the stale-baseline note;
- ``show_fixes``: ``--show-fixes``, per file what ``--fix`` fixed (or would);
- ``nested_lint``: a lint that lets nearer configuration files decide for their
  files (``hyperlint.hierarchy``).

`hyperlint check` (``hyperlint.cli``) and the GitHub Action (``hyperlint.ci``) share them.
"""

from __future__ import annotations

import os
import sys

import typer


def walk_filter(config, exclude=None, extend_exclude=None, respect_gitignore=None):
    """What directory walks skip: the configuration's globs and .gitignore choice, with the
    command line's ``--exclude`` (replaces), ``--extend-exclude`` (adds), ``--[no-]respect-gitignore``."""
    from .ignore import from_config

    return from_config(config, exclude, extend_exclude, respect_gitignore)


def use_color(stream, no_color: bool) -> bool:
    """Colour on a terminal; NO_COLOR (any value) turns it off, FORCE_COLOR on, --no-color off."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def stdin_is_piped() -> bool:
    """Input is piped or redirected from a file (not a terminal, not /dev/null)."""
    import stat

    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISREG(mode)


def only_new(result, code, config, found, baseline, diff_base, targets, walk_of, quiet):
    """``result`` with only the findings that are new (not in the baseline, not at ``diff_base``)."""
    from .baseline import base_of, load, new_findings, relative, stale

    findings = result.findings
    if baseline:
        base = base_of(baseline)
        known = load(baseline)
        findings, used = new_findings(findings, known, base)
        linted = {relative(i.display, base) for i in found.inputs}
        gone = stale(known, used, linted)
        if gone and not quiet:
            typer.echo(f"hyperlint: {gone} baseline entr{'ies' if gone != 1 else 'y'} no longer "
                       f"match{'es' if gone == 1 else ''} a finding "
                       f"(fixed); rewrite the baseline with --write-baseline {baseline} to prune "
                       f"{'them' if gone != 1 else 'it'}", err=True)
    if diff_base:
        from .diffbase import old_findings

        def lint_at(old_targets, old_config):
            from .discover import discover
            from .engine import lint

            old = discover(old_targets, [], skip=walk_of(old_config))
            return lint(old.inputs, old_config, charts=getattr(old, "charts", ())).findings

        known, root = old_findings(diff_base, targets, config, lint_at)
        findings, _ = new_findings(findings, known, root)
    from .engine import exit_code

    result = result.replace(findings=findings)
    return result, (code if code == 2 else exit_code(result, config.fail_on))


def show_fixes(before, fixed_files, unsafe: bool, verb: str, after=None) -> None:
    """`--show-fixes`: per file, the findings --fix fixed (or would fix)."""
    from collections import Counter

    from .applicability import applicability
    from .baseline import identity

    if after is not None:
        left = Counter(identity(f, ".") for f in after)
        done = []
        for f in before:
            key = identity(f, ".")
            if left[key]:
                left[key] -= 1
            elif f.loc.file in fixed_files:
                done.append(f)
    else:
        allowed = ("safe", "unsafe") if unsafe else ("safe",)
        done = [f for f in before if f.loc.file in fixed_files and applicability(f) in allowed]
    if not done:
        typer.echo(f"hyperlint: {verb} nothing", err=True)
        return
    typer.echo(f"hyperlint: {verb} {len(done)} finding{'s' if len(done) != 1 else ''}:", err=True)
    by_file: dict = {}
    for f in done:
        by_file.setdefault(f.loc.file, Counter())[f.rule] += 1
    from .rules import get

    for file, counts in by_file.items():
        typer.echo(f"  {file}:", err=True)
        for rule_id, n in sorted(counts.items()):
            rule = get(rule_id)
            typer.echo(f"    {n} \u00d7 {rule_id} ({rule.name if rule else rule_id})", err=True)


def nested_lint(found, config, explicit: bool, chosen_on_command_line: bool, lint_found):
    """(the configuration the engine runs with, ``run(found, notes=True) -> (result, exit code)``)
    where each file's nearest configuration decides its rules; ``lint_found`` is the command
    line's (``hyperlint.cli.lint_found``), ``explicit``: ``--config`` was given (only it is read)."""
    from .hierarchy import apply_nested, nested_configs, run_config

    nested = {} if explicit else nested_configs(found.inputs, config)
    engine_config = run_config(config, nested, chosen_on_command_line)

    def run(found, notes: bool = True):
        result, code = lint_found(found, engine_config, notes=notes)
        if nested:
            from .engine import exit_code

            result = apply_nested(result, config, nested, chosen_on_command_line)
            code = code if code == 2 else exit_code(result, config.fail_on)
        return result, code

    return engine_config, run
