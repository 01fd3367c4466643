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

SEVERITY_LEVELS = ("error", "warning", "info")


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
    return [v.strip().upper() for item in values for v in item.split(",") if v.strip()]


def _choice(value: str, allowed, option: str) -> str:
    if value not in allowed:
        raise ConfigError(f"{option} must be one of {', '.join(allowed)} (got {value!r})")
    return value


@app.command()
def check(
    paths: Optional[List[str]] = typer.Argument(None, help="Files or directories to lint ('-' for stdin). Default: '.'."),
    output_format: Optional[str] = typer.Option(
        None, "--format", "-f",
        help=f"Output format: {', '.join(FORMATS)} (default: text; github under GitHub Actions)."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write the report to this file instead of stdout."),
    config_file: Optional[str] = typer.Option(None, "--config", help="Configuration file (default: the nearest .hyperlint.yaml, "
                                              ".hyperlint.yml or pyproject.toml with [tool.hyperlint])."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these rules (IDs or prefixes, e.g. HP3,HP101)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these rules (IDs or prefixes)."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Lowest severity that fails the run: error, warning (default) or info."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Name to report for input read from stdin."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: one per CPU for large runs)."),
    assume_hyperpod: bool = typer.Option(False, "--assume-hyperpod", help="Treat every workload as targeting HyperPod nodes."),
    fix: bool = typer.Option(False, "--fix", help="Apply safe fixes to the files, then report what remains."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="With --fix or --diff: also apply unsafe fixes."),
    diff: bool = typer.Option(False, "--diff", help="Print the fixes as a unified diff; write nothing."),
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
    config = build_config(config_file, select=select, ignore=ignore, fail_on=fail_on, jobs=jobs,
                          assume_hyperpod=assume_hyperpod)
    if values or set_values:
        _chart_values(config, list(paths) if paths else ["."], values or [], set_values or [])
    found = discover_paths(list(paths) if paths else ["."], config, stdin_filename)
    result, code = lint_found(found, config)
    if show_files:
        for file, reason in result.skipped:
            typer.echo(f"hyperlint: skipped {file}: {reason}", err=True)
    report = sys.stdout
    if fix or diff:
        from .engine import lint
        from .fix import fix_run

        outcome = fix_run(found.inputs, result.findings, unsafe=unsafe_fixes, write=not diff, digests=result.digests,
                          relint=lambda inputs: lint(inputs, config))
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
            raise typer.Exit(failed or (1 if outcome.diff else (2 if code == 2 else 0)))
        if outcome.stdin is not None:  # the stream goes to stdout (fixed or as it came), the report to stderr
            sys.stdout.flush()
            sys.stdout.buffer.write(outcome.stdin)
            sys.stdout.flush()
            report = sys.stderr
        if outcome.count:
            typer.echo(f"hyperlint: fixed {outcome.count} finding{'s' if outcome.count != 1 else ''} in "
                       f"{len(outcome.files)} file{'s' if len(outcome.files) != 1 else ''}", err=True)
        result, code = lint_found(outcome.refreshed(found), config, notes=False)
        code = failed or code
    write_report(fmt, result, output, report)
    raise typer.Exit(code)


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
        return _choice(requested, FORMATS, "--format")
    if os.environ.get("GITHUB_ACTIONS") == "true" and output is None and not sys.stdout.isatty():
        return "github"
    return "text"


def build_config(config_file: Optional[str] = None, *, select=None, ignore=None, fail_on: Optional[str] = None,
                 jobs: Optional[int] = None, assume_hyperpod: bool = False) -> Config:
    """The configuration file's settings, overridden by the command line's."""
    from .configfile import check_rule_ids, load_config

    config = load_config(config_file)
    if select:
        config.select = _split(select)
        check_rule_ids(config.select, "--select")
    if ignore:
        config.ignore = _split(ignore) or []
        check_rule_ids(config.ignore, "--ignore")
    if fail_on is not None:
        config.fail_on = _choice(fail_on, SEVERITY_LEVELS, "--fail-on")
    if jobs:
        config.jobs = jobs
    if assume_hyperpod:
        config.assume_hyperpod = True
    return config


def lint_paths(targets: list[str], config: Config, stdin_filename: Optional[str] = None, as_walk: bool = False):
    """Discover and lint ``targets``; (result, exit code). Notes and errors go to stderr.
    ``as_walk``: the files named are a walk-like selection (see ``discover``)."""
    return lint_found(discover_paths(targets, config, stdin_filename, as_walk), config)


def discover_paths(targets: list[str], config: Config, stdin_filename: Optional[str] = None, as_walk: bool = False):
    """The inputs for ``targets`` (stdin read once); notes and unusable paths go to stderr."""
    from .discover import discover
    from .engine import MAX_FILE_BYTES

    stdin = sys.stdin.buffer.read(MAX_FILE_BYTES + 1) if "-" in targets else None  # more: reported as too large
    found = discover(targets, config.exclude, stdin=stdin, stdin_filename=stdin_filename, as_walk=as_walk)
    # found.charts are rendered by the engine (hyperlint.render); a chart that cannot be gets a note there
    for message in found.notes:
        typer.echo(f"hyperlint: note: {message}", err=True)
    for message in found.errors:
        typer.echo(f"hyperlint: {message}", err=True)
    return found


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


def write_report(fmt: str, result, output: Optional[str] = None, stream=None) -> None:
    """Render ``result`` to ``stream`` (stdout), or to the file ``output`` (written whole, or not at all)."""
    from .output import render

    if output is None:
        render(fmt, result, stream or sys.stdout)
        return
    import io

    buffer = io.StringIO()
    render(fmt, result, buffer)
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(buffer.getvalue())
    except OSError as exc:
        raise ConfigError(f"--output: cannot write {output} ({exc.strerror or exc})") from None


@app.command()
def capacity(
    paths: Optional[List[str]] = typer.Argument(None, help="Files or directories (a cluster definition and manifests)."),
    output_format: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="Name to report for stdin."),
    assume_hyperpod: bool = typer.Option(False, "--assume-hyperpod", help="Treat every workload as targeting HyperPod."),
    config_file: Optional[str] = typer.Option(None, "--config", help="Configuration file (default: the nearest one, "
                                              "as for check): its cluster:, clusters: and data: apply."),
) -> None:
    """Show pod capacity per HyperPod instance group and what cannot be placed."""
    from .capacity import plan_scopes
    from .data import Data
    from .discover import discover
    from .engine import lint
    from .output.capacity import render

    _choice(output_format, ("text", "markdown", "json"), "--format")
    config = build_config(config_file, assume_hyperpod=assume_hyperpod)  # the same scopes as `check`
    targets = list(paths) if paths else ["."]
    stdin = sys.stdin.buffer.read() if "-" in targets else None
    found = discover(targets, config.exclude, stdin=stdin, stdin_filename=stdin_filename)
    for message in found.errors:
        typer.echo(f"hyperlint: {message}", err=True)
    result = lint(found.inputs, config, rules=False, charts=found.charts)  # charts: their workloads count too
    for message in result.notes:
        typer.echo(f"hyperlint: note: {message}", err=True)
    render(plan_scopes(result.scopes, Data(config.data)), sys.stdout, output_format)
    raise typer.Exit(2 if found.errors or result.errors else 0)


@app.command("rules")
def list_rules(
    output_format: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """List every rule with its severity."""
    from .docs import render_rules

    _choice(output_format, ("text", "markdown", "json"), "--format")
    sys.stdout.write(render_rules(output_format))


@app.command("rule")
def show_rule(
    rule_id: str = typer.Argument(..., help="A rule ID such as HP301."),
    output_format: str = typer.Option("text", "--format", "-f", help="text, markdown or json."),
) -> None:
    """Print the documentation of one rule."""
    from .docs import render_rule
    from .rules import get

    _choice(output_format, ("text", "markdown", "json"), "--format")
    rule = get(rule_id)
    if rule is None:
        raise ConfigError(f"unknown rule {rule_id!r}; `hyperlint rules` lists them all")
    sys.stdout.write(render_rule(rule, output_format))


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
    if name == "NoArgsIsHelpError":  # `hyperlint` alone: show the help
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
    from .engine import show_traceback

    show_traceback(exc)
    print(f"hyperlint: internal error: {type(exc).__name__}: {exc} "
          f"(please report it with the input that caused it)", file=sys.stderr)
    return 2
