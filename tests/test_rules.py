"""Every rule fixture, checked both ways against its `# expect:` markers."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from expectations import compare, expected_in, header_options
from hyperlint.config import Config
from hyperlint.discover import discover
from hyperlint.engine import lint
from hyperlint.rules import all_rules

RULE_FIXTURES = sorted(p for p in (FIXTURES / "rules").iterdir() if p.suffix in (".yaml", ".yml", ".json") or p.is_dir())
RULE_FIXTURES = [p for p in RULE_FIXTURES if not p.name.endswith(".expected.json")]


def _rule_of(path: Path) -> str:
    return path.name.split("_", 1)[0].split(".", 1)[0].upper()


def lint_fixture(path: Path):
    opts = header_options(path if path.is_file() else next(iter(sorted(path.rglob("*.yaml"))), path))
    select = opts.get("select")
    chosen = select.split(",") if isinstance(select, str) else [_rule_of(path)]
    config = Config(select=sorted(set(chosen) | {"HP001"}))  # a broken fixture must show
    config.assume_hyperpod = bool(opts.get("assume-hyperpod"))
    found = discover([str(path)])
    return lint(found.inputs, config), found


@pytest.mark.parametrize("fixture", RULE_FIXTURES, ids=lambda p: p.name)
def test_fixture(fixture: Path):
    result, found = lint_fixture(fixture)
    assert not result.errors, result.errors
    files = [Path(i.path) for i in found.inputs]
    expectations = [e for f in files for e in expected_in(f)]
    assert expectations, f"{fixture.name} expects no finding at all: a fixture must prove the rule fires"
    problems = compare(result.findings, expectations)
    assert not problems, "\n".join(problems)


def test_every_rule_has_a_fixture():
    covered = {_rule_of(p) for p in RULE_FIXTURES}
    missing = [rid for rid in all_rules() if rid not in covered]
    assert not missing, f"rules without a fixture in tests/fixtures/rules: {missing}"


def test_clean_corpus_has_no_findings():
    found = discover([str(FIXTURES / "clean")])
    assert len(found.inputs) >= 5
    result = lint(found.inputs, Config())
    assert not result.errors, result.errors
    assert [f"{f.loc.file}:{f.loc.line} {f.rule} {f.message}" for f in result.findings] == []


def test_object_kinds_hide_no_finding(monkeypatch):
    """A rule's OBJECT_KINDS only saves calls: every fixture gives the same findings
    when every check_object sees every object."""
    from hyperlint.context import RuleSet

    found = discover([str(FIXTURES / "rules"), str(FIXTURES / "clean")])
    config = Config(assume_hyperpod=True)

    def keys(result):
        return sorted((f.loc.file, f.loc.line, f.loc.column, f.rule, f.message) for f in result.findings)

    filtered = lint(found.inputs, config)
    monkeypatch.setattr(RuleSet, "object_rules", lambda self, kind: self.by_hook["check_object"])
    unfiltered = lint(found.inputs, config)
    assert keys(filtered) == keys(unfiltered)
    kinds = {rid: r.object_kinds for rid, r in all_rules().items() if r.object_kinds is not None}
    assert kinds and all("check_object" in all_rules()[rid].hooks for rid in kinds)
