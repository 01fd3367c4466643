"""One file: read, parse, classify, run the document rules, build a model fragment.

``lint_file`` does everything that needs one file's trees and returns plain findings
and a model fragment (``FileResult``), so files can be linted in parallel worker
processes (``hyperlint.pool``) and each tree is dropped as soon as its document is
done. The run over all files is ``hyperlint.engine``.
"""

from __future__ import annotations

import errno

from .classify import classify
from .context import Context, FileResult, RuleSet, digest, run_hook
from .discover import MAX_FILE_BYTES, Input, Unreadable, read_input, too_large
from .findings import Finding, Loc
from .k8s import K8sObject, pod_templates
from .model import Model
from .parse import Document, ParseProblem, decode, parse_source
from .safe import describe_failure, printable
from .templating import TemplateSource, template_problem_message

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
        except Unreadable as exc:
            _parse_finding(result, ParseProblem(str(exc), 0, 0, None), ruleset)
            return
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if exc.errno == errno.ENOENT:
                reason = "no such file: it was removed or renamed while hyperlint ran"
            _parse_finding(result, ParseProblem(f"cannot read file ({reason})", 0, 0, None), ruleset)
            return
    if len(raw) > MAX_FILE_BYTES:
        _parse_finding(result, ParseProblem(too_large(len(raw)), 0, 0, None), ruleset)
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
                run_hook(rule, "check_object", obj, ctx, doc, identity, result, ruleset)
            for pod in pods:
                for rule in ruleset.by_hook["check_pod"]:
                    run_hook(rule, "check_pod", pod, ctx, doc, identity, result, ruleset)
            extract.from_k8s(obj, pods, doc, ctx, result.model)
        elif unit.kind == "cfn":
            from .cfn import Template

            for tag, line, col in doc.tags:
                _parse_finding(result, ParseProblem(_unknown_tag_message(tag), line, col, doc.index), ruleset)
            template = Template(doc.root)
            for rule in ruleset.by_hook["check_cfn"]:
                run_hook(rule, "check_cfn", template, ctx, doc, None, result, ruleset)
            extract.from_cfn(template, doc, ctx, result.model)
        elif unit.kind == "describe-cluster":
            from .classify import ApiView

            # the template rules read the API document as the cluster resource it describes
            rules = ruleset.by_hook["check_cfn"]
            if rules:
                view = ApiView(doc.root)
                for rule in rules:
                    run_hook(rule, "check_cfn", view.template, ctx, doc, None, result, ruleset, view.document_hit)
            for rule in ruleset.by_hook["check_api"]:  # the document as the API reads it
                run_hook(rule, "check_api", doc.root, ctx, doc, None, result, ruleset)
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
