"""Lint one Terraform module folder: read, view, run the template rules, map back.

The template rules (``check_cfn``) and the run model (``extract.from_cfn``)
read ``TerraformView.template`` as they read a CloudFormation template; their
findings and model locations are made on the view's document and moved to
the ``.tf``/``.tfvars`` file, line and column they stand for. A finding on a
value set in a ``.tfvars`` file names the ``variable`` block as a related
location.
"""

from __future__ import annotations

from ..findings import Finding, Loc
from ..model import Model

_VIEW_FILE = "<terraform view>"  # the file name of locations made on the view, before they are moved


def lint_module(inp, ctx, ruleset, result) -> None:
    from .. import extract
    from ..context import Context, FileResult, digest, run_hook
    from ..discover import Unreadable, read_input
    from ..parse import decode
    from ..suppress import scan_comments
    from .module import Module
    from .view import TerraformView

    module = Module(inp.display)
    for f in inp.files:
        try:
            raw = f.stdin if f.stdin is not None else read_input(f.path)
        except (Unreadable, OSError) as exc:
            _hp001(result, ruleset, f.display, f"cannot read file ({getattr(exc, 'strerror', None) or exc})", 0, 0)
            continue
        data, problem = decode(raw)
        if problem is not None:
            _hp001(result, ruleset, f.display, problem.message, problem.line, problem.col)
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start)
            _hp001(result, ruleset, f.display, f"invalid UTF-8 ({exc.reason})", line, 0)
            continue
        result.directives += scan_comments(data, f.display, json=False)
        result.digests[f.display] = digest(data)  # the bytes --fix may change (hyperlint.fix)
        module.add(f.display, text)
    for index, err in module.problems:
        _hp001(result, ruleset, module.files[index].display, err.message, err.line, err.col)
    if not module.has_content:
        return
    view = TerraformView(module, tuple(_calls(inp)))
    vctx = Context(ctx.data, ctx.config, _VIEW_FILE, doc=view.document)
    found = FileResult(_VIEW_FILE)
    for rule in ruleset.by_hook["check_cfn"]:
        run_hook(rule, "check_cfn", view.template, vctx, view.document, None, found, ruleset)
    for finding in found.findings:
        result.findings.append(_moved(view, finding))
    result.errors += [e.replace(_VIEW_FILE, inp.display) for e in found.errors]
    model = Model()
    extract.from_cfn(view.template, view.document, vctx, model)
    result.model.merge(moved_model(model, view.real_loc, "terraform"))
    result.model.place = inp.display  # a module is one cluster source standing in its own folder (scopes)
    from ..scopes import TERRAFORM_CALLER

    result.model.markers |= {(TERRAFORM_CALLER, caller.display) for caller in inp.callers}  # one deployment


def _calls(inp):
    """(parent Module, its `module` block) of each call of this folder by a folder of the run."""
    import os

    from ..discover import Unreadable
    from .module import Module

    here = os.path.normpath(inp.display)
    for caller in inp.callers:
        parent = Module(caller.display)
        for f in caller.files:
            try:
                parent.add(f.display, _text(f))
            except (OSError, ValueError, Unreadable):
                continue
        for located in parent.modules.values():
            source = located.node.attribute("source")
            value = getattr(source.expr, "value", None) if source is not None else None
            if isinstance(value, str) and os.path.normpath(os.path.join(caller.display, value)) == here:
                yield parent, located


def _text(f) -> str:
    """The text of an input (raises OSError or ValueError when it cannot be read)."""
    from ..discover import read_input
    from ..parse import decode

    data, problem = decode(f.stdin if f.stdin is not None else read_input(f.path))
    if problem is not None:
        raise ValueError(problem.message)
    return data.decode("utf-8")


def _moved(view, f: Finding) -> Finding:
    loc = view.real_loc(f.loc)
    related = tuple(view.real_loc(r) for r in f.related)
    variable = view.related_variable(loc)
    if variable is not None and variable not in related:
        related += (variable,)
    return f.with_(loc=loc, related=related)


def moved_model(model: Model, move, origin: str) -> Model:
    """``model`` with every location passed through ``move`` and its clusters' origin set."""
    for c in model.clusters:
        c.origin = origin
        c.loc = move(c.loc)
        c.node_recovery_loc = c.node_recovery_loc and move(c.node_recovery_loc)
        for g in c.groups:
            g.loc = move(g.loc)
            g.type_locs = [move(t) for t in g.type_locs]
            g.count_loc = g.count_loc and move(g.count_loc)
    for ng in model.node_groups:
        ng.origin = origin
        ng.loc = move(ng.loc)
    return model


def _hp001(result, ruleset, file: str, message: str, line: int, col: int) -> None:
    from ..safe import printable

    if "HP001" in ruleset:
        result.findings.append(Finding("HP001", ruleset.rules["HP001"].severity, printable(message),
                                       Loc(file, max(line, 0) + 1, max(col, 0) + 1)))


def lint_plan(doc, ctx, ruleset, result) -> None:
    """A ``terraform show -json`` document: the template rules and the run model on its PlanView."""
    from .. import extract
    from ..context import Context, run_hook
    from .plan import PlanView

    view = PlanView(doc)
    vctx = Context(ctx.data, ctx.config, ctx.file, doc=view.document, text=ctx.text)
    start = len(result.findings)
    for rule in ruleset.by_hook["check_cfn"]:
        run_hook(rule, "check_cfn", view.template, vctx, view.document, None, result, ruleset)
    for i in range(start, len(result.findings)):  # a plan is generated: fix the .tf, never the plan
        f = result.findings[i]
        if f.facts and "fixed" in f.facts:
            result.findings[i] = f.with_(facts={k: v for k, v in f.facts.items() if k != "fixed"})
    model = Model()
    extract.from_cfn(view.template, view.document, vctx, model)
    result.model.merge(moved_model(model, lambda loc: loc, "terraform"))
