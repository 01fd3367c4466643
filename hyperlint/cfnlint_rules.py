"""hyperlint's CloudFormation rules as a cfn-lint plugin.

    cfn-lint --append-rules=hyperlint.cfnlint_rules template.yaml

Every hyperlint rule with a ``check_cfn`` hook runs inside cfn-lint from the
same rule module (one implementation). Rule IDs follow one mapping: the
letter of the finding's severity (E error, W warning, I info), then ``9``,
then the three digits of the HP ID: HP201 -> E9201, HP102 -> W9102,
HP210 -> I9210 (cfn-lint runs I rules only with ``-c I``). A rule whose
findings can have two severities (HP206) is registered once per severity.
Messages start with the HP ID. cfn-lint's own suppression
(``Metadata: cfn-lint: config: ignore_checks: [E9201]``), filters
(``-i E92``) and output formats apply as to any cfn-lint rule.

Note the ``=`` in ``--append-rules=...``: without it cfn-lint takes the
template path as a second rules module. cfn-lint is an optional dependency
of hyperlint: ``pip install 'hyperlint[cfn-lint]'``.
"""

from __future__ import annotations

try:
    from cfnlint.rules import CloudFormationLintRule, RuleMatch
except ImportError as exc:  # hyperlint installed without its cfn-lint extra
    raise ImportError("hyperlint.cfnlint_rules needs cfn-lint: pip install 'hyperlint[cfn-lint]'") from exc

from .cfn import Template
from .config import Config
from .context import Context
from .data import Data
from .rules import Rule, all_rules

LETTERS = {"error": "E", "warning": "W", "info": "I"}


def cfnlint_id(rule_id: str, severity: str) -> str:
    """The one mapping from hyperlint IDs to cfn-lint IDs: HP201 + error -> E9201."""
    return f"{LETTERS[severity]}9{rule_id[2:]}"


_CONTEXT: Context | None = None


def _context() -> Context:
    global _CONTEXT
    if _CONTEXT is None:
        _CONTEXT = Context(Data(), Config())
    return _CONTEXT


def _existing(root, path) -> list:
    """The longest prefix of ``path`` that exists (cfn-lint positions need real nodes)."""
    node, found = root, []
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        found.append(step)
    return found


def _what_it_does(rule: Rule) -> str:
    text = rule.doc.split("## What it does", 1)[-1].split("##", 1)[0]
    return " ".join(text.split())


def _make(rule: Rule, severity: str) -> type:
    check = rule.hooks["check_cfn"]

    def match(self, cfn):
        matches = []
        root = cfn.template
        if not isinstance(root, dict):
            return matches
        for hit in check(Template(root), _context()) or ():
            if (hit.severity or rule.severity) != severity or (hit.rule and hit.rule != rule.id):
                continue
            matches.append(RuleMatch(_existing(root, hit.path), f"{rule.id} {hit.message}"))
        return matches

    name = "".join(part.capitalize() for part in rule.name.split("-"))
    return type(f"HyperLint{rule.id}{name}{severity.capitalize()}", (CloudFormationLintRule,), {
        "id": cfnlint_id(rule.id, severity),
        "shortdesc": f"{rule.id} {rule.summary}",
        "description": _what_it_does(rule),
        "source_url": rule.url or "",
        "tags": ["hyperpod", "hyperlint", rule.id],
        "match": match,
        "__module__": __name__,
    })


def _register() -> list[type]:
    classes = []
    for rule in all_rules().values():
        if "check_cfn" not in rule.hooks:
            continue
        for severity in rule.emits:
            cls = _make(rule, severity)
            globals()[cls.__name__] = cls
            classes.append(cls)
    return classes


RULE_CLASSES = _register()
