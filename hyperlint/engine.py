"""The pipeline: discover -> parse -> classify -> rules -> positions -> model
-> run rules -> suppress -> report.

One file's linting is ``hyperlint.lintfile`` (with ``hyperlint.context``); ``lint``
runs it over all inputs (in worker processes through ``hyperlint.pool`` when there
are many), renders the Helm charts (``hyperlint.render``), merges the model, groups
it into scopes (``hyperlint.scopes``), lets rules refine their findings with what
their scope knows, runs the cross-document rules per scope and applies
suppressions.
"""

from __future__ import annotations

import os
from typing import Iterable, Sequence

from .config import Config
from .context import Context, FileResult, RuleSet
from .data import Data
from .discover import Input
from .findings import RANK, Finding
from .lintfile import lint_file
from .model import Model
from .record import Record
from .safe import describe_failure, printable

PARALLEL_MIN_FILES = 64  # below this, one process is faster than starting workers


class Result(Record):
    """What a whole run gives."""

    __slots__ = ("findings", "model", "errors", "files", "scopes", "notes", "skipped", "digests")

    def __init__(self, findings: list[Finding], model: Model, errors: list[str], files: int,
                 scopes: list | None = None, notes: list[str] | None = None,
                 skipped: list[tuple[str, str]] | None = None, digests: dict | None = None) -> None:
        self.findings = findings
        self.model = model  # the whole run's model (cross-document rules judge each of `scopes` instead)
        self.errors = errors
        self.files = files  # inputs linted
        self.scopes = [] if scopes is None else scopes  # hyperlint.scopes.Scope
        self.notes = [] if notes is None else notes  # said once about the run (not findings; charts not rendered ...)
        self.skipped = [] if skipped is None else skipped  # (file, reason): walked files that are not inputs
        self.digests = {} if digests is None else digests  # file -> digest of the bytes linted


# -- the run --------------------------------------------------------------------------

def _packed(result: FileResult):
    """What a worker sends back: a flag for the usual file with nothing to report, else the result."""
    m = result.model
    if not (result.findings or result.errors or result.directives or result.skipped or not m.empty or m.place):
        return m.manifests_seen
    return result


def _empty_result(file: str, manifests_seen: bool) -> FileResult:
    return FileResult(file, model=Model(manifests_seen=manifests_seen))


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, e.g. under taskset or a container cpuset)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _map_files(inputs: list[Input], ctx: Context, ruleset: RuleSet) -> Iterable[FileResult]:
    jobs = min(ctx.config.jobs or available_cpus(), len(inputs))
    if jobs <= 1 or len(inputs) < PARALLEL_MIN_FILES or not hasattr(os, "fork"):
        return [lint_file(inp, ctx, ruleset) for inp in inputs]
    from .pool import fork_map

    _warm(ctx)
    ruleset.load_all()
    packed = fork_map(jobs, len(inputs), lambda i: _packed(lint_file(inputs[i], ctx, ruleset)))
    return [r if isinstance(r, FileResult) else _empty_result(inputs[i].display, r) for i, r in enumerate(packed)]


def _warm(ctx: Context) -> None:
    """Load the tables and the modules linting needs once before forking, so children inherit them."""
    from . import extract, suppress  # noqa: F401
    from .parse import json_pos, yaml_events  # noqa: F401

    d = ctx.data
    d.instance_types, d.eks, d.labels, d.cni, d.storage, d.workloads, d.helm_chart, d.subnets, d.hyperpod_cluster, d.training_kinds  # noqa: B018, E501


def _warm_rules(ctx: Context, ruleset: RuleSet) -> None:
    """Import what linting manifests needs (while a chart renderer starts)."""
    from . import extract, suppress  # noqa: F401
    from .parse import yaml_events  # noqa: F401

    ruleset.by_hook["check_object"], ruleset.by_hook["check_pod"]  # noqa: B018
    ctx.data.instance_types, ctx.data.labels, ctx.data.workloads, ctx.data.helm_chart  # noqa: B018


def lint(inputs: list[Input], config: Config, data: Data | None = None, rules: bool = True,
         charts: Sequence[str] = ()) -> Result:
    """Lint ``inputs`` and the Helm chart folders ``charts`` as one run
    (``rules=False``: only build the run model)."""
    ctx = Context(data or Data(config.data), config)
    ruleset = RuleSet(config, none=not rules)
    from .terraform import group

    units = group(inputs)  # a Terraform module's files are linted as one
    chart_run = None
    if charts:  # rendered templates are linted like any file, then mapped back (hyperlint.render)
        from .render.charts import prepare

        chart_run = prepare(list(charts), config, warm=lambda: _warm_rules(ctx, ruleset))
        chart_run.start = len(units)
        units = list(units) + chart_run.inputs
    results = _map_files(units, ctx, ruleset)
    if chart_run is not None:
        chart_run.tag(results)

    model = Model()
    findings: list[Finding] = []
    errors: list[str] = []
    directives: dict[str, list] = {}
    produced_in: dict[int, str] = {}  # finding -> the input that made it (a Terraform module reports in its .tf files)
    skipped: list[tuple[str, str]] = []
    digests: dict[str, bytes] = {}
    for r in results:
        if r.skipped is not None:
            skipped.append((r.file, r.skipped))
        model.merge(r.model)
        findings += r.findings
        produced_in.update((id(f), r.file) for f in r.findings)
        errors += r.errors
        directives.setdefault(r.file, [])
        for d in r.directives:  # by the file each is written in (a Terraform module has several)
            directives.setdefault(d.loc.file, []).append(d)
        digests.update(r.digests)
    from . import extract, scopes

    configured = Model()
    extract.from_configuration(config, ctx, configured)
    model.merge(configured)
    paths = {inp.display: scopes.absolute(inp.path or inp.display) for inp in inputs}
    if chart_run is not None:  # a render's findings are keyed by its tag; its place is the template's file
        paths.update((tag, scopes.absolute(display)) for tag, display in chart_run.places().items())
    grouping = scopes.group([scopes.Part(r.file, paths.get(r.file) or scopes.absolute(r.file), r.model)
                             for r in results], config, configured if configured.clusters else None, model)
    contexts = {id(s): Context(ctx.data, config, "", s.model, scope=s) for s in grouping.scopes}
    contexts[id(None)] = Context(ctx.data, config, "", Model(), scope=scopes.Scope([], [], Model()))

    # rules that need the scope to decide (severity, or whether to report at all)
    refined: list[Finding] = []
    for f in findings:
        rule = ruleset.rules.get(f.rule)
        refine = rule.hooks.get("refine") if rule else None
        producer = produced_in.get(id(f), f.loc.file)
        scope_ctx = contexts[id(grouping.scope_of(producer))]
        kept = f
        if refine is not None:
            try:
                kept = refine(f, scope_ctx)
            except Exception as exc:
                errors.append(f"internal error in {f.rule} on {f.loc.file}: {describe_failure(exc)}")
        if kept is not None and scopes.judges_eks_cluster(rule) and kept.severity != "info" \
                and not scopes.tied_to_hyperpod(scope_ctx.scope, producer, ctx.data, config):
            kept = kept.with_(severity="info", message=kept.message + scopes.untied_note())
        if kept is not None:
            refined.append(kept)

    for scope in grouping.scopes:
        for rule in ruleset.by_hook["check_run"]:
            try:
                refined += [Finding(rule.id, hit.severity or rule.severity, hit.message, hit.loc, related=hit.related)
                            for hit in rule.hooks["check_run"](scope.model, contexts[id(scope)]) or ()]
            except Exception as exc:
                errors.append(f"internal error in {rule.id} on the run model: {describe_failure(exc)}")

    from .suppress import apply_suppressions

    if chart_run is not None:
        refined += chart_run.error_findings(ruleset)
    final = apply_suppressions(_unique(refined), directives, config, ruleset)
    if chart_run is not None:
        final = chart_run.finish(final, config)
        errors += chart_run.failures
    final = [_with_configured_severity(_printable(f), config) for f in final]
    final.sort(key=Finding.sort_key)
    notes = (chart_run.notes if chart_run is not None else []) + list(grouping.notes)
    files = len(inputs) - len(skipped) + (chart_run.file_count() if chart_run is not None else 0)
    return Result(final, model, errors, files, grouping.scopes, notes, skipped, digests)


def _unique(findings: list[Finding]) -> list[Finding]:
    """Drop exact repeats (two rules skipping the same unrendered value report one HP003)."""
    seen, out = set(), []
    for f in findings:
        key = (f.rule, f.loc.file, f.loc.line, f.loc.column, f.message, f.loc.source)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _printable(f: Finding) -> Finding:
    """Last guard before any output format: findings made outside ``make_finding``
    (HP002 quotes the rule IDs of a suppression) get the same treatment."""
    message = printable(f.message)
    return f if message == f.message else f.with_(message=message)


def _with_configured_severity(f: Finding, config: Config) -> Finding:
    sev = config.severity.get(f.rule)
    return f.with_(severity=sev) if sev and sev != f.severity else f


def exit_code(result: Result, fail_on: str) -> int:
    if result.errors:
        return 2
    threshold = RANK[fail_on]
    return 1 if any(RANK[f.severity] >= threshold for f in result.findings) else 0
