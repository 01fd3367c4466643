"""Rule documentation: complete for every rule, and its examples behave as labelled."""

from __future__ import annotations

import re

import pytest

from hyperlint.config import Config
from hyperlint.discover import Input
from hyperlint.docs import render_rule, render_rules
from hyperlint.engine import lint
from hyperlint.rules import ID_PATTERN, all_rules

RULES = list(all_rules().values())
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References")


def _block(doc: str, heading: str) -> str:
    m = re.search(re.escape(heading) + r"\s*```(?:yaml|json)\n(.*?)```", doc, re.S)
    assert m, f"no code block under {heading}"
    return m.group(1)


def _rules_reported(text: str, name: str) -> set[str]:
    result = lint([Input(name, None, text.encode())], Config())
    assert not result.errors, result.errors
    return {f.rule for f in result.findings}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_documented(rule):
    assert ID_PATTERN.match(rule.id)
    for section in SECTIONS:
        assert section in rule.doc, f"{rule.id} lacks {section}"
    assert rule.url and rule.url.startswith("https://docs.aws.amazon.com/"), rule.id
    assert rule.summary.endswith("."), rule.id
    assert rule.id in render_rule(rule) and rule.summary in render_rule(rule, "markdown")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples_behave_as_labelled(rule):
    name = "example.json" if "```json" in rule.doc else "example.yaml"
    assert rule.id in _rules_reported(_block(rule.doc, "## Example"), name), f"{rule.id}: the failing example passes"
    assert rule.id not in _rules_reported(_block(rule.doc, "## Use instead"), name), f"{rule.id}: the fixed example fails"


def test_markdown_reference_lists_every_rule():
    text = render_rules("markdown")
    for rule in RULES:
        assert f"## {rule.id} {rule.name}" in text


def test_readme_rules_table_is_generated_from_the_code():
    from conftest import ROOT
    from hyperlint.docs import rules_table

    readme = (ROOT / "README.md").read_text()
    start = readme.index("<!-- rules-table")
    block = readme[readme.index("\n", start) + 1: readme.index("<!-- end rules-table -->")].strip()
    assert block == rules_table(links=False), "README rules table is stale: regenerate it from hyperlint.docs.rules_table"
