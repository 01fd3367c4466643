"""The command line (typer): `hyperlint check`, `rules`, `rule`, `--version`.

Exit codes: 0 nothing at or above the fail level, 1 findings, 2 usage,
configuration or internal error. Every user error is one line on stderr.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from . import __version__
from .config import Config, ConfigError
from .findings import SEVERITIES
from .output import FORMATS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Offline linter for Amazon SageMaker HyperPod on Amazon EKS: Kubernetes manifests, "
    "Helm-rendered output and CloudFormation templates.",
)



def _version(value: bool) -> None:
    if value:
        from .datainfo import version_lines

        typer.echo("\n".join([f"hyperlint {__version__}", *version_lines()]))
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Offline linter for Amazon SageMaker HyperPod on Amazon EKS."""


def _split(values: Optional[List[str]]) -> Optional[list[str]]:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _choice(value: str, allowed, option: str) -> str:
    """``value`` as one of ``allowed`` (any letter case), or a usage error with the nearest one."""
    for choice in allowed:
        if value.lower() == choice.lower():
            return choice
    from .suggest import did_you_mean

    raise ConfigError(f"{option} must be one of {', '.join(allowed)} (got {value!r}){did_you_mean(value, allowed)}")


@app.command()
def check(
    paths: Optional[List[str]] = typer.Argument(None, help="Files or directories to lint ('-' for stdin). Default: '.'."),
    output_format: Optional[str] = typer.Option(
        None, "--output-format", "--format", "-f",
        help="Output format: full (default: the source line and help), concise (one line), json, sarif, github, "
             "junit or markdown (github under GitHub Actions)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
    config_file: Optional[str] = typer.Option(None, "--config", help="Configuration file (default: the nearest .hyperlint.yaml, "
                                              ".hyperlint.yml or pyproject.toml with [tool.hyperlint] from the "
                                              "linted paths up to the repository root)."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these rules (IDs, prefixes or names, e.g. HP3,HP101)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these rules (IDs, prefixes or names)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that fails the run: error, warning (default) or info."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Name to report for input read from stdin."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per CPU for large runs)."),
    assume_hyperpod: bool = typer.Option(False, "--assume-hyperpod", help="Treat every workload as targeting HyperPod nodes."),
    fix: bool = typer.Option(False, "--fix", help="Apply safe fixes to the files, then report what remains."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="With --fix or --diff: also apply unsafe fixes."),
    diff: bool = typer.Option(False, "--diff", help="Print the fixes as a unified diff; write nothing."),
    show_fixes: bool = typer.Option(False, "--show-fixes", help="Show the replacement under each fixable finding; with "
                                    "--fix (or --diff), list per file the findings fixed (or that would be)."),
    baseline: Optional[str] = typer.Option(None, "--baseline", help="Report only findings not in this baseline file."),
    write_baseline: Optional[str] = typer.Option(None, "--write-baseline", help="Write the findings to this baseline file "
                                                 "(entries of files not linted are kept), then exit 0."),
    diff_base: Optional[str] = typer.Option(None, "--diff-base", help="Report only findings new since this git revision "
                                            "(the files as they were there, read from the local repository)."),
    add_suppressions: bool = typer.Option(False, "--add-suppressions", help="Write a `# hyperlint: disable=HPxxx -- TODO` "
                                          "comment for every finding in a YAML file, then report what remains."),
    statistics: bool = typer.Option(False, "--statistics", help="Show how many findings each rule has, not the findings."),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even when there are findings (2 still means an error)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print the findings and nothing else (no summary, no notes)."),
    no_color: bool = typer.Option(False, "--no-color", help="No colour, even on a terminal (also: NO_COLOR=1)."),
    exclude: Optional[List[str]] = typer.Option(None, "--exclude", help="Globs to skip in directory walks, instead of the "
                                                "configuration's exclude."),
    extend_exclude: Optional[List[str]] = typer.Option(None, "--extend-exclude", help="More globs to skip, in addition to exclude."),
    respect_gitignore: Optional[bool] = typer.Option(None, "--respect-gitignore/--no-respect-gitignore",
                                                     help="Skip files that .gitignore files ignore (default: on)."),
    show_settings: bool = typer.Option(False, "--show-settings", help="Print the resolved configuration and where it "
                                       "came from, then exit."),
    show_files: bool = typer.Option(False, "--show-files", "--verbose", "-v",
                                    help="List the files of a directory walk skipped as not inputs, with the reason."),
    values: Optional[List[str]] = typer.Option(None, "--values", help="Render the Helm charts named on the command "
                                               "line with this values file (repeatable)."),
    set_values: Optional[List[str]] = typer.Option(None, "--set", help="Render the Helm charts named on the command "
                                                   "line with this value, key=value as for helm (repeatable)."),
) -> None:
    """Lint files and directories (*.yaml, *.yml, *.json; Helm charts are rendered)."""
    fmt = _output_format(output_format, output)
    if unsafe_fixes and not (fix or diff):
        raise ConfigError("--unsafe-fixes needs --fix or --diff")
    if baseline and write_baseline:
        raise ConfigError("--baseline and --write-baseline cannot be used together")
    from .workflow import nested_lint, only_new, stdin_is_piped, use_color, walk_filter
    from .workflow import show_fixes as list_fixes

    if not paths and stdin_is_piped() and not quiet and not show_settings:
        typer.echo("hyperlint: no path given: linting the current folder (pass '-' to read stdin)", err=True)
    targets = list(paths) if paths else ["."]
    config = build_config(config_file, select=select, ignore=ignore, fail_on=fail_on, jobs=jobs,
                          assume_hyperpod=assume_hyperpod,
                          targets=[stdin_filename if t == "-" and stdin_filename else t for t in targets])
    if values or set_values:
        _chart_values(config, targets, values or [], set_values or [])

    def walk_of(cfg):
        return walk_filter(cfg, _split(exclude) if exclude else None, _split(extend_exclude), respect_gitignore)

    walk = walk_of(config)
    if show_settings:
        from .settings import show

        sys.stdout.write(show(config, walk))
        raise typer.Exit(0)
    found = discover_paths(targets, config, stdin_filename, skip=walk, quiet=quiet)
    # a nearer configuration file decides the rules of the files under it (hyperlint.hierarchy)
    engine_config, lint_run = nested_lint(found, config, config_file is not None, bool(select or ignore), lint_found)
    result, code = lint_run(found)
    if show_files:
        for file, reason in result.skipped:
            typer.echo(f"hyperlint: skipped {file}: {reason}", err=True)
    report = sys.stdout
    if fix or diff:
        from .engine import lint
        from .fix import fix_run

        outcome = fix_run(found.inputs, result.findings, unsafe=unsafe_fixes, write=not diff, digests=result.digests,
                          relint=lambda inputs: lint(inputs, engine_config))
        if getattr(found, "charts", None):  # findings in renders point at the chart's own files
            from .render.charts import source_inputs

            # one round, no digests: a chart file is edited only where the reported span still holds the value
            outcome.add(fix_run(source_inputs(found.charts, result.findings), result.findings,
                                unsafe=unsafe_fixes, write=not diff))
        for message in outcome.messages:  # a file meant to be fixed and not: one line each, exit code 2
            typer.echo(f"hyperlint: {message}", err=True)
        failed = 2 if outcome.messages else None
        if diff:
            sys.stdout.flush()
            sys.stdout.buffer.write(outcome.diff)
            if show_fixes:
                list_fixes(result.findings, outcome.files, unsafe_fixes, "would fix")
            raise typer.Exit(failed or (1 if outcome.diff else (2 if code == 2 else 0)))
        if outcome.stdin is not None:  # the stream goes to stdout (fixed or as it came), the report to stderr
            sys.stdout.flush()
            sys.stdout.buffer.write(outcome.stdin)
            sys.stdout.flush()
            report = sys.stderr
        before = result.findings
        if outcome.count and not quiet:
            typer.echo(f"hyperlint: fixed {outcome.count} finding{'s' if outcome.count != 1 else ''} in "
                       f"{len(outcome.files)} file{'s' if len(outcome.files) != 1 else ''}", err=True)
        found = outcome.refreshed(found)
        result, code = lint_run(found, notes=False)
        code = failed or code
        if show_fixes:
            list_fixes(before, outcome.files, unsafe_fixes, "fixed", after=result.findings)
    if add_suppressions:
        from .addsuppress import add_suppressions as add

        added = add(found.inputs, result.findings)
        typer.echo(f"hyperlint: added {added.count} suppression{'s' if added.count != 1 else ''} in "
                   f"{len(added.files)} file{'s' if len(added.files) != 1 else ''}"
                   + (f"; {added.skipped} finding{'s' if added.skipped != 1 else ''} could not take a comment "
                      "(JSON, stdin, HP001, HP002)" if added.skipped else ""), err=True)
        result, code = lint_run(found, notes=False)
    if write_baseline:
        from .baseline import write

        written, pruned = write(write_baseline, result.findings, [i.display for i in found.inputs])
        typer.echo(f"hyperlint: wrote {written} finding{'s' if written != 1 else ''} to {write_baseline}"
                   + (f" ({pruned} stale entr{'ies' if pruned != 1 else 'y'} pruned)" if pruned else ""), err=True)
        raise typer.Exit(2 if code == 2 else 0)
    if baseline or diff_base:
        result, code = only_new(result, code, engine_config, found, baseline, diff_base, targets, walk_of, quiet)
    color = output is None and fmt in ("text", "full") and use_color(report, no_color)
    sources = {i.display: i for i in found.inputs}
    write_report("statistics" if statistics else fmt, result, output, report,
                 color=color, sources=sources, quiet=quiet, requested=fmt, show_fixes=show_fixes)
    raise typer.Exit(0 if exit_zero and code == 1 else code)


def _chart_values(config: Config, paths: list[str], values: list[str], set_values: list[str]) -> None:
    """--values/--set: the render of the charts named on the command line."""
    if not any(os.path.isfile(os.path.join(p, "Chart.yaml")) for p in paths):
        raise ConfigError("--values and --set render a Helm chart named on the command line "
                          "(hyperlint check path/to/chart --values FILE); no chart folder was named")
    for path in values:
        if not os.path.isfile(path):
            raise ConfigError(f"--values: {path}: no such file")
    for expression in set_values:
        if "=" not in expression or expression.startswith("="):
            raise ConfigError(f"--set: expected key=value (got {expression!r})")
    config.charts = {**config.charts, "command-line": {"values": values, "set": set_values, "paths": paths}}


def _output_format(requested: Optional[str], output: Optional[str]) -> str:
    """The explicit --format, else `github` under GitHub Actions when not writing to a terminal or a file."""
    if requested is not None:
        return _choice(requested, FORMATS, "--output-format")
    if os.environ.get("GITHUB_ACTIONS") == "true" and output is None and not sys.stdout.isatty():
        return "github"
    return "text"


def build_config(config_file: Optional[str] = None, *, select=None, ignore=None, fail_on: Optional[str] = None,
                 jobs: Optional[int] = None, assume_hyperpod: bool = False, targets=None) -> Config:
    """The configuration file's settings (found from ``targets`` up), overridden by the command line's."""
    from .configfile import check_rule_ids, load_config, start_folder

    config = load_config(config_file, start=start_folder(targets or ["."]))
    if select:
        config.select = check_rule_ids(_split(select), "--select")
    if ignore:
        config.ignore = check_rule_ids(_split(ignore), "--ignore")
    if fail_on is not None:
        config.fail_on = _choice(fail_on, SEVERITIES, "--fail-on")
    if jobs:
        config.jobs = jobs
    if assume_hyperpod:
        config.assume_hyperpod = True
    return config


def lint_paths(targets: list[str], config: Config, stdin_filename: Optional[str] = None, as_walk: bool = False):
    """Discover and lint ``targets``; (result, exit code). Notes and errors go to stderr.
    ``as_walk``: the files named are a walk-like selection (see ``discover``)."""
    return lint_found(discover_paths(targets, config, stdin_filename, as_walk), config)


def discover_paths(targets: list[str], config: Config, stdin_filename: Optional[str] = None, as_walk: bool = False,
                   skip=None, quiet: bool = False):
    """The inputs for ``targets`` (stdin read once); notes and unusable paths go to stderr."""
    from .discover import MAX_FILE_BYTES, discover

    if skip is None:
        from .workflow import walk_filter

        skip = walk_filter(config)
    stdin = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if "-" in targets else None  # more: reported as too large
    found = discover(targets, [], stdin=stdin, stdin_filename=stdin_filename, as_walk=as_walk, skip=skip)
    # found.charts are rendered by the engine (hyperlint.render); a chart that cannot be gets a note there
    if not quiet:
        for message in found.notes:
            typer.echo(f"hyperlint: note: {message}", err=True)
    for message in found.errors:
        typer.echo(f"hyperlint: {message}", err=True)
    for path in () if quiet else empty_paths(targets, found):
        typer.echo(f"hyperlint: warning: {no_input_message(path)}", err=True)
    return found


def no_input_message(path: str) -> str:
    from .safe import path_text

    return f"no manifests, templates or charts found under {path_text(path)}"


def empty_paths(targets: list[str], found) -> list[str]:
    """The folders among ``targets`` in which discovery found nothing to lint (nor a chart)."""
    out = []
    for target in targets:
        if target == "-" or not os.path.isdir(target):
            continue
        top = os.path.abspath(target)
        prefix = top.rstrip(os.sep) + os.sep
        if any(i.path is not None and os.path.abspath(i.path).startswith(prefix) for i in found.inputs):
            continue
        if any(os.path.abspath(c) == top or os.path.abspath(c).startswith(prefix) for c in found.charts):
            continue
        if any(i.path is None and i.problem for i in found.inputs):  # an unreadable folder was reported
            continue
        out.append(target)
    return out


def lint_found(found, config: Config, notes: bool = True):
    """Lint discovered inputs; (result, exit code). Internal errors go to stderr."""
    from .engine import exit_code, lint

    result = lint(found.inputs, config, charts=getattr(found, "charts", ()))
    result.skipped = sorted(found.skipped + result.skipped)  # what recognise found not to be inputs
    for message in result.notes if notes else ():
        typer.echo(f"hyperlint: note: {message}", err=True)
    for message in result.errors if notes or result.errors else ():
        typer.echo(f"hyperlint: {message}", err=True)
    return result, (2 if found.errors else exit_code(result, config.fail_on))


def write_report(fmt: str, result, output: Optional[str] = None, stream=None, **options) -> None:
    """Render ``result`` to ``stream`` (stdout), or to the file ``output`` (written whole, or not at all)."""
    from .output import render

    if output is None:
        render(fmt, result, stream or sys.stdout, **options)
        return
    import io

    buffer = io.StringIO()
    render(fmt, result, buffer, **options)
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(buffer.getvalue())
    except OSError as exc:
        raise ConfigError(f"--output: cannot write {output} ({exc.strerror or exc})") from None


@app.command()
def capacity(
    paths: Optional[List[str]] = typer.Argument(None, help="Files or directories (a cluster definition and manifests)."),
    output_format: str = typer.Option("text", "--output-format", "--format", "-f", help="text, markdown or json."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Name to report for stdin."),
    assume_hyperpod: bool = typer.Option(False, "--assume-hyperpod", help="Treat every workload as targeting HyperPod."),
    config_file: Optional[str] = typer.Option(None, "--config", help="Configuration file (default: the nearest one, "
                                              "as for check): its cluster:, clusters: and data: apply."),
) -> None:
    """Show pod capacity per HyperPod instance group and what cannot be placed."""
    from .capacity import plan_scopes
    from .data import Data
    from .engine import lint
    from .output.capacity import render

    fmt = _choice(output_format, ("text", "markdown", "json"), "--format")
    targets = list(paths) if paths else ["."]
    config = build_config(config_file, assume_hyperpod=assume_hyperpod, targets=targets)  # the same scopes as `check`
    found = discover_paths(targets, config, stdin_filename)
    result = lint(found.inputs, config, rules=False, charts=found.charts)  # charts: their workloads count too
    for message in result.notes:
        typer.echo(f"hyperlint: note: {message}", err=True)
    render(plan_scopes(result.scopes, Data(config.data)), sys.stdout, fmt)
    raise typer.Exit(2 if found.errors or result.errors else 0)


@app.command("rules")
def list_rules(
    output_format: str = typer.Option("text", "--output-format", "--format", "-f", help="text, markdown or json."),
) -> None:
    """List every rule: ID, severity, tier, whether --fix fixes it, name and summary."""
    from .docs import render_rules

    sys.stdout.write(render_rules(_choice(output_format, ("text", "markdown", "json"), "--format")))


@app.command("rule")
def show_rule(
    rule_id: str = typer.Argument(..., help="A rule ID such as HP301, or its name (instance-type-without-ml-prefix)."),
    output_format: str = typer.Option("text", "--output-format", "--format", "-f", help="text, markdown or json."),
) -> None:
    """Print the documentation of one rule."""
    from .docs import render_rule
    from .rules import catalog, get
    from .selectors import resolve, unknown

    fmt = _choice(output_format, ("text", "markdown", "json"), "--format")
    rid = resolve(rule_id)
    rule = get(rid) if rid in catalog() else None
    if rule is None:
        raise ConfigError(unknown(rule_id))
    sys.stdout.write(render_rule(rule, fmt))


@app.command("data")
def show_data(
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List the data tables rules judge by, with their sources and as-of dates."""
    from .datainfo import render

    _choice(output_format, ("text", "json"), "--format")
    sys.stdout.write(render(output_format))


def main(argv: Optional[list[str]] = None) -> None:
    """Console entry point: run the app and map every outcome to an exit code."""
    for stream in (sys.stdout, sys.stderr):  # never fail on a character the terminal cannot show
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass
    try:
        returned = app(args=argv, prog_name="hyperlint", standalone_mode=False)
        code = returned if isinstance(returned, int) else 0
    except ConfigError as exc:
        print(f"hyperlint: error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("hyperlint: interrupted", file=sys.stderr)
        code = 130
    except BaseException as exc:  # typer/click signals, usage errors, bugs
        code = _exit_code_of(exc)
    sys.stdout.flush()
    sys.exit(code)


def _exit_code_of(exc: BaseException) -> int:
    name = type(exc).__name__
    if name == "Exit" or isinstance(exc, SystemExit):
        return getattr(exc, "exit_code", getattr(exc, "code", 0)) or 0
    if name == "Abort":
        print("hyperlint: aborted", file=sys.stderr)
        return 2
    if name == "NoArgsIsHelpError" and hasattr(exc, "format_message"):  # `hyperlint` alone: show the help
        print(exc.format_message())
        return 0
    if hasattr(exc, "format_message"):  # click/typer usage errors
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        print(f"hyperlint: error: {exc.format_message()}{hint}", file=sys.stderr)
        return 2
    if isinstance(exc, BrokenPipeError):
        return 0
    if isinstance(exc, MemoryError):
        print("hyperlint: error: out of memory (MemoryError); lint fewer or smaller files at a time", file=sys.stderr)
        return 2
    if isinstance(exc, RecursionError):
        print("hyperlint: internal error: RecursionError: a value nested too deeply "
              "(please report it with the input that caused it)", file=sys.stderr)
        return 2
    from .safe import show_traceback

    show_traceback(exc)
    print(f"hyperlint: internal error: {type(exc).__name__}: {exc} "
          f"(please report it with the input that caused it)", file=sys.stderr)
    return 2
