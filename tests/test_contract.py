"""The rule contract (hyperlint/rules/__init__.py), enforced: by the registry when it loads a rule,
and here on what rules actually report."""

from __future__ import annotations

import types

import pytest

from hyperlint.rules import _HOOK_DEF, _rule_from_module, all_rules
from test_rules import RULE_FIXTURES, lint_fixture


def _module(**constants) -> types.ModuleType:
    mod = types.ModuleType("hyperlint.rules.hp999_example")
    mod.__doc__ = "An example rule.\n\n## What it does\n\nNothing."
    mod.ID = "HP999"
    mod.NAME = "example"

    def check_pod(pod, ctx):
        return iter(())

    mod.check_pod = check_pod
    for key, value in constants.items():
        setattr(mod, key, value)
    return mod


def test_a_valid_module_loads():
    rule = _rule_from_module(_module(SEVERITY="warning", EMITS=("warning", "info"), FIX="safe"))
    assert (rule.id, rule.severity, rule.emits, rule.fix, rule.fixer) == ("HP999", "warning", ("warning", "info"),
                                                                         "safe", None)


@pytest.mark.parametrize("constants, complaint", [
    ({"FIX": "Safe"}, "FIX must be"),
    ({"TIER": "Core"}, "TIER must be"),
    ({"SEVERITY": "fatal"}, "SEVERITY must be"),
    ({"SEVERITY": "error", "EMITS": ("warning",)}, "EMITS must be"),
    ({"EMITS": ("error", "critical")}, "EMITS must be"),
    ({"NAME": "Example Rule"}, "NAME must be kebab-case"),
    ({"OBJECT_KINDS": ("Pod",)}, "OBJECT_KINDS needs a check_object hook"),
    ({"fix": lambda finding, source: None}, "a `fix` hook needs FIX"),
    ({"__doc__": ""}, "documented by its module docstring"),
])
def test_a_broken_constant_is_an_error_naming_the_module(constants, complaint):
    with pytest.raises(ValueError, match=complaint) as info:
        _rule_from_module(_module(**constants))
    assert "hp999_example" in str(info.value)


def test_the_fix_hook_is_part_of_the_rule():
    def fix(finding, source):
        return None

    rule = _rule_from_module(_module(FIX="unsafe", fix=fix))
    assert rule.fixer is fix
    assert all_rules()["HP103"].fixer is not None  # the one rule with its own fix today


def test_a_hook_may_be_assigned():
    source = b"from ._shared import refine_hyperpod\n\nrefine = refine_hyperpod\n\ndef check_pod(pod, ctx):\n    pass\n"
    assert {m.group(1).decode() for m in _HOOK_DEF.finditer(source)} == {"refine", "check_pod"}
    assert not list(_HOOK_DEF.finditer(b"    refine = 1\nrefined = 2\ncheck_pods(x)\n"))


@pytest.mark.parametrize("rule", list(all_rules().values()), ids=lambda r: r.id)
def test_fix_section_exactly_when_the_rule_fixes(rule):
    assert ("## Fix" in rule.doc) == (rule.fix is not None), \
        f"{rule.id}: FIX = {rule.fix!r}, so its docstring {'needs' if rule.fix else 'must not have'} a '## Fix' section"


@pytest.mark.parametrize("fixture", RULE_FIXTURES, ids=lambda p: p.name)
def test_findings_have_a_severity_their_rule_emits(fixture):
    rules = all_rules()
    result, _ = lint_fixture(fixture)
    wrong = [f"{f.loc.file}:{f.loc.line} {f.rule} [{f.severity}] not in EMITS {rules[f.rule].emits}"
             for f in result.findings if f.severity not in rules[f.rule].emits]
    assert not wrong, "\n".join(wrong)
