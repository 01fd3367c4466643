"""The extended CloudFormation rules (HP108-HP215) inside cfn-lint: compliant stacks stay clean."""

from __future__ import annotations

import json

import pytest

import test_cfnlint_plugin as plugin
from conftest import FIXTURES

pytest.importorskip("cfnlint")


def test_compliant_autoscaling_stack_is_clean_in_cfn_lint():
    clean = FIXTURES / "clean"
    proc = plugin.cfn_lint(plugin.PLUGIN, clean / "cfn-ext-autoscaling-stack.yaml",
                           clean / "cfn-ext-autoscaling-stack.json", "-c", "I")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_rule_with_two_severities_reports_both():
    proc = plugin.cfn_lint(plugin.PLUGIN, "-f", "json", FIXTURES / "rules" / "HP214_json.json", "-c", "I")
    assert plugin.ours(json.loads(proc.stdout)) == [("I9214", 9), ("W9214", 3)]
