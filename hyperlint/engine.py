"""The pipeline: discover -> parse -> classify -> rules -> positions -> model
-> run rules -> suppress -> report.

``lint_file`` does everything that needs one file's trees and returns plain
findings and a model fragment, so files can be linted in parallel worker
processes and each tree is dropped as soon as its document is done.
``lint`` runs it over all inputs, merges the model, lets rules refine their
findings with what the whole run knows, runs the cross-document rules and
applies suppressions.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from typing import Iterable, Sequence

from . import rules as registry
from .classify import classify
from .config import Config
from .data import Data
from .discover import Input
from .findings import RANK, Finding, Loc
from .k8s import K8sObject, pod_templates
from .locate import make_finding, source_text
from .model import Model
from .parse import Document, ParseProblem, decode, parse_source
from .record import Record
from .safe import printable
from .templating import TemplateSource, template_problem_message

PARALLEL_MIN_FILES = 64  # below this, one process is faster than starting workers
MAX_FILE_BYTES = 256 * 1024 * 1024  # larger inputs are reported (HP001), not read


class Context(Record):
    """What rules may read: the data tables, the configuration, the file."""

    __slots__ = ("data", "config", "file", "run", "doc", "text", "scope", "_lf_only")
    _quiet = ("_lf_only",)

    def __init__(
        self,
        data: Data,
        config: Config,
        file: str = "",
        run: Model | None = None,
        doc: Document | None = None,
        text: bytes = b"",
        scope=None,
    ) -> None:
        self.data = data
        self.config = config
        self.file = file
        self.run = run  # cross-document phase: the model of the scope being judged (hyperlint.scopes)
        self.doc = doc  # the document being checked
        self.text = text  # its file's bytes, for `raw`
        self.scope = scope  # cross-document phase: that scope
        self._lf_only: bool | None = None  # whether LF is its only line break (found on the first `raw`)

    def raw(self, path) -> str | None:
        """The source text of the scalar at ``path`` (``1.30`` where the tree holds 1.3)."""
        if self.doc is None or not self.text:
            return None
        if self._lf_only is None:
            from .parse.lines import only_lf

            self._lf_only = only_lf(self.text, self.file.lower().endswith(".json"))
        return source_text(self.doc, path, self.text, self._lf_only)


class FileResult(Record):
    """What linting one file gives: findings, its model fragment, suppressions, errors."""

    __slots__ = ("file", "findings", "model", "directives", "errors", "skipped", "digests")

    def __init__(
        self,
        file: str,
        findings: list[Finding] | None = None,
        model: Model | None = None,
        directives: list | None = None,
        errors: list[str] | None = None,
        skipped: str | None = None,
        digests: dict | None = None,
    ) -> None:
        self.file = file
        self.findings = [] if findings is None else findings
        self.model = Model() if model is None else model
        self.directives = [] if directives is None else directives  # suppressions (hyperlint.suppress)
        self.errors = [] if errors is None else errors  # internal errors: exit code 2
        self.skipped = skipped  # why a walked file is not an input (hyperlint.recognise), else None
        # file -> digest of the bytes linted, for files with findings (hyperlint.fix checks it)
        self.digests = {} if digests is None else digests


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


class RuleSet:
    """The selected rules, grouped by hook (none: only parse and build the run model).

    Rule modules are imported when a hook first needs them, so a folder of
    manifests never loads the CloudFormation rules."""

    def __init__(self, config: Config, none: bool = False):
        catalog = registry.catalog()
        self.ids = frozenset() if none else frozenset(
            rid for rid in catalog if registry.is_selected(rid, config.select, config.ignore))
        self.rules = _LazyRules(self.ids)
        self.by_hook = _LazyHooks({h: [rid for rid in catalog if rid in self.ids and h in catalog[rid].hooks]
                                   for h in registry.HOOKS})
        self._by_kind: tuple[dict, list] | None = None

    def object_rules(self, kind: str) -> list:
        """The ``check_object`` rules for objects of ``kind``: a rule with OBJECT_KINDS
        sees only those kinds (one list per kind the rules name; any other kind gets
        the rules without OBJECT_KINDS, so the table never grows with the input)."""
        if self._by_kind is None:
            rules = self.by_hook["check_object"]
            named = {k for r in rules for k in r.object_kinds or ()}
            self._by_kind = ({k: [r for r in rules if r.object_kinds is None or k in r.object_kinds] for k in named},
                             [r for r in rules if r.object_kinds is None])
        by_kind, any_kind = self._by_kind
        return by_kind.get(kind, any_kind)

    def __contains__(self, rule_id: str) -> bool:
        return rule_id in self.ids

    def load_all(self) -> None:
        """Import every selected rule now (before forking workers, which then share them)."""
        for hook in registry.HOOKS:
            self.by_hook[hook]


class _LazyRules(dict):
    """Rule ID -> Rule for the selected IDs, each imported on first access."""

    def __init__(self, ids):
        super().__init__()
        self._ids = ids

    def __missing__(self, rule_id):
        if rule_id not in self._ids:
            raise KeyError(rule_id)
        rule = self[rule_id] = registry.load(rule_id)
        return rule

    def get(self, rule_id, default=None):
        return self[rule_id] if rule_id in self._ids else default


class _LazyHooks(dict):
    """Hook name -> the selected rules that define it, imported on first access."""

    def __init__(self, ids_by_hook: dict):
        super().__init__()
        self._ids = ids_by_hook

    def __missing__(self, hook):
        rules = self[hook] = [registry.load(rid) for rid in self._ids[hook]]
        return rules


# -- one file ---------------------------------------------------------------------

def lint_file(inp: Input, ctx: Context, ruleset: RuleSet) -> FileResult:
    """Lint one input. Never raises: a file that cannot be read or parsed gives
    HP001 findings; a failure of hyperlint itself (a rule bug, running out of
    memory) gives an error for this file (exit code 2) and the run goes on."""
    result = FileResult(inp.display)
    try:
        _lint_file(inp, ctx, ruleset, result)
    except Exception as exc:  # one file must not end the run
        result.errors.append(f"internal error while linting {inp.display}: {describe_failure(exc)}")
    return result


def describe_failure(exc: BaseException) -> str:
    """One clear line for an exception raised inside hyperlint."""
    show_traceback(exc)
    if isinstance(exc, MemoryError):
        return "out of memory (MemoryError)"
    if isinstance(exc, RecursionError):
        return "RecursionError: a value nested too deeply for a recursive step"
    return printable(f"{type(exc).__name__}: {exc}", 500)


def show_traceback(exc: BaseException) -> None:
    """With ``HYPERLINT_DEBUG=1`` (the test suite sets it), the traceback behind an internal
    error goes to stderr, so a failure inside the isolation boundary can be traced; the message
    itself stays one line."""
    if os.environ.get("HYPERLINT_DEBUG") == "1":
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)


def read_input(path: str) -> bytes:
    """The bytes of a regular file, never blocking and never more than
    MAX_FILE_BYTES + 1 of them.

    The file is checked before it is opened (opening some devices has side
    effects) and again on the open descriptor, which is opened non-blocking:
    a file replaced by a FIFO or a device after discovery is refused, not
    waited on."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise _Unreadable("not a regular file (FIFO, socket or device); not read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Unreadable("not a regular file (FIFO, socket or device); not read")
        if st.st_size > MAX_FILE_BYTES:
            raise _Unreadable(_too_large(st.st_size))
        # One read of the whole file (no second copy to join chunks), then small
        # reads for what a growing file or a /proc file adds. Never ask for more
        # than the file should hold: os.read allocates what it is asked for.
        chunks, size = [], 0
        want = st.st_size + 1
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(want, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            want = 1024 * 1024
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)  # join: only for files that grew


class _Unreadable(Exception):
    """A file that must not or cannot be read (reported as HP001)."""


def _too_large(size: int) -> str:
    return (f"file too large to lint ({size / 2**20:,.0f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB); "
            f"split it, or lint the documents that matter")


def _lint_file(inp: Input, ctx: Context, ruleset: RuleSet, result: FileResult) -> None:
    if hasattr(inp, "files"):  # a Terraform module folder (hyperlint.terraform.group)
        from .terraform.run import lint_module

        lint_module(inp, ctx, ruleset, result)
        return
    if inp.problem is not None:
        _parse_finding(result, ParseProblem(inp.problem, 0, 0, None), ruleset)
        return
    if inp.stdin is not None:
        raw = inp.stdin
    else:
        assert inp.path is not None  # every Input made without stdin or a problem names a file
        try:
            raw = read_input(inp.path)
        except _Unreadable as exc:
            _parse_finding(result, ParseProblem(str(exc), 0, 0, None), ruleset)
            return
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if exc.errno == errno.ENOENT:
                reason = "no such file: it was removed or renamed while hyperlint ran"
            _parse_finding(result, ParseProblem(f"cannot read file ({reason})", 0, 0, None), ruleset)
            return
    if len(raw) > MAX_FILE_BYTES:
        _parse_finding(result, ParseProblem(_too_large(len(raw)), 0, 0, None), ruleset)
        return
    data, problem = decode(raw)
    del raw
    ctx = Context(ctx.data, ctx.config, inp.display, text=data)
    if problem is not None:
        if inp.walked:  # a binary file, text in a broken encoding: not meant as an input
            from .recognise import NOT_TEXT

            result.skipped = NOT_TEXT
            return
        _parse_finding(result, problem, ruleset)
        return
    from .suppress import scan_comments

    result.directives = scan_comments(data, inp.display)
    templated = None if inp.is_json or b"{{" not in data else TemplateSource(data)
    units = 0
    first_problem: int | None = None  # 0-based line of the first parse problem
    for item in parse_source(data, json=inp.is_json):
        problems = [item] if isinstance(item, ParseProblem) else item.problems
        for p in problems:
            if first_problem is None:
                first_problem = max(p.line, 0)
            _parse_finding(result, p, ruleset, templated)
        if isinstance(item, ParseProblem):
            continue
        try:
            units += _lint_document(item, ctx, ruleset, result)
        except Exception as exc:  # a failure outside the rules (classify, extract ...): skip this document only
            units += 1  # it was something: not judged a non-input on a failure of hyperlint
            result.errors.append(f"internal error on document {item.index + 1} of {inp.display}: {describe_failure(exc)}")
        del item  # the tree goes before the next document is read
    if inp.walked:
        _drop_if_not_input(result, inp, data, first_problem, units)
    if result.findings:
        result.digests[inp.display] = digest(data)


def digest(data: bytes) -> bytes:
    """What identifies the exact bytes a file's findings were found in (``hyperlint.fix``
    fixes nothing else)."""
    import hashlib

    return hashlib.blake2b(data, digest_size=20).digest()


def _drop_if_not_input(result: FileResult, inp: Input, data: bytes, first_problem: int | None, units: int) -> None:
    """A walked file that recognise says is not an input gives nothing but its reason."""
    from .recognise import by_content

    if not units and (not result.model.empty or any(f.rule != "HP001" for f in result.findings)):
        units = 1  # something read it as an input (a kind of input added without a classify unit)
    reason = by_content(inp.display, data, first_problem, units)
    if reason is not None:
        result.skipped = reason
        result.findings = []
        result.directives = []
        result.model = Model()  # what its parsed documents held joins no cross-document rule


def _parse_finding(result: FileResult, p: ParseProblem, ruleset: RuleSet, templated: TemplateSource | None = None) -> None:
    """HP001 for ``p``; one per file, at the template action, when unrendered template text caused it."""
    if "HP001" not in ruleset:
        return
    line, col, message = p.line, p.col, p.message
    if templated is not None and line >= 0 and (action := templated.action_near(line)) is not None:
        if templated.reported:
            return
        templated.reported = True
        line, col, message = action[0], action[1], template_problem_message(action[2])
    loc = Loc(result.file, max(line, 0) + 1, max(col, 0) + 1, doc=p.doc_index)
    result.findings.append(Finding("HP001", ruleset.rules["HP001"].severity, printable(message), loc))


def _lint_document(doc: Document, ctx: Context, ruleset: RuleSet, result: FileResult) -> int:
    """Lint one document; how many objects, templates and cluster documents it held."""
    from . import extract
    from .suppress import object_directives

    ctx.doc = doc
    units = classify(doc.root)
    if not units and extract.from_values(doc, ctx, result.model):
        return 1  # a values file of the HyperPod Helm chart: an input (HP404 reads how the chart is installed)
    for unit in units:
        result.directives += object_directives(unit, doc, ctx.file)
        if unit.kind == "k8s":
            obj: K8sObject = unit.value
            identity = obj.identity  # once per object, not once per rule
            result.model.manifests_seen = True
            pods = pod_templates(obj)
            for rule in ruleset.object_rules(obj.kind):
                _run_hook(rule, "check_object", obj, ctx, doc, identity, result, ruleset)
            for pod in pods:
                for rule in ruleset.by_hook["check_pod"]:
                    _run_hook(rule, "check_pod", pod, ctx, doc, identity, result, ruleset)
            extract.from_k8s(obj, pods, doc, ctx, result.model)
        elif unit.kind == "cfn":
            from .cfn import Template

            for tag, line, col in doc.tags:
                _parse_finding(result, ParseProblem(_unknown_tag_message(tag), line, col, doc.index), ruleset)
            template = Template(doc.root)
            for rule in ruleset.by_hook["check_cfn"]:
                _run_hook(rule, "check_cfn", template, ctx, doc, None, result, ruleset)
            extract.from_cfn(template, doc, ctx, result.model)
        elif unit.kind == "describe-cluster":
            from .classify import ApiView

            # the template rules read the API document as the cluster resource it describes
            rules = ruleset.by_hook["check_cfn"]
            if rules:
                view = ApiView(doc.root)
                for rule in rules:
                    _run_hook(rule, "check_cfn", view.template, ctx, doc, None, result, ruleset, view.document_hit)
            for rule in ruleset.by_hook["check_api"]:  # the document as the API reads it
                _run_hook(rule, "check_api", doc.root, ctx, doc, None, result, ruleset)
            extract.from_describe_cluster(doc, ctx, result.model)
        elif unit.kind == "terraform-plan":
            from .terraform.run import lint_plan

            lint_plan(doc, ctx, ruleset, result)
    return len(units)


def _unknown_tag_message(tag: str) -> str:
    from .parse.yaml_events import CFN_TAGS

    meant = next((t for t in CFN_TAGS if t.lower() == tag.lower()), None)
    hint = f"write '{meant}'" if meant else "use a CloudFormation short form (!Ref, !GetAtt, !Sub, !If ...)"
    return f"unknown tag '{tag}': CloudFormation rejects the template; {hint}"


def _run_hook(rule, hook, subject, ctx, doc, identity, result: FileResult, ruleset: RuleSet, mapped=None) -> None:
    """Run one hook of ``rule`` on ``subject``; ``mapped`` turns each hit's paths
    into paths of ``doc`` when the rule reads a view of it (``ApiView``)."""
    try:
        for hit in rule.hooks[hook](subject, ctx) or ():
            reporter = ruleset.rules.get(hit.rule) if hit.rule else rule
            if reporter is not None:
                if mapped is not None:
                    hit = mapped(hit)
                result.findings.append(make_finding(reporter, hit, doc, ctx.file, identity))
    except Exception as exc:  # a rule bug must not stop the run
        result.errors.append(f"internal error in {rule.id} on {ctx.file}: {describe_failure(exc)}")


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
