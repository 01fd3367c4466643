"""The cfn-lint plugin, run as users run it: the real `cfn-lint` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.dom.minidom

import pytest

from conftest import FIXTURES, ROOT
from expectations import expected_in

pytest.importorskip("cfnlint")
CFN = FIXTURES / "cfn"
PLUGIN = "--append-rules=hyperlint.cfnlint_rules"


CFN_LINT = shutil.which("cfn-lint", path=os.path.dirname(sys.executable)) or shutil.which("cfn-lint")


def cfn_lint(*args) -> subprocess.CompletedProcess:
    """The `cfn-lint` command of this environment, with this checkout importable."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([CFN_LINT, *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def ours(results):
    return sorted((r["Rule"]["Id"], r["Location"]["Start"]["LineNumber"]) for r in results
                  if r["Rule"]["Id"][1] == "9")


@pytest.mark.parametrize("name", ["broken-stack.yaml", "broken-stack.json", "governance-stack.yaml"])
def test_same_findings_as_hyperlint_check(name):
    proc = cfn_lint(PLUGIN, "-f", "json", CFN / name)
    results = json.loads(proc.stdout)
    letter = {"error": "E", "warning": "W", "info": "I"}
    expected = sorted((f"{letter[sev or 'error']}9{rule[2:]}", line)
                      for _, line, rule, sev, _, _ in expected_in(CFN / name))
    assert ours(results) == expected
    for r in results:
        if r["Rule"]["Id"][1] == "9":
            assert r["Message"].startswith("HP" + r["Rule"]["Id"][2:] + " "), r["Message"]
    assert proc.returncode == 6  # cfn-lint's bitmask: errors (2) and warnings (4)


def test_compliant_stack_is_clean_in_cfn_lint():
    proc = cfn_lint(PLUGIN, FIXTURES / "clean" / "hyperpod-stack.yaml", FIXTURES / "clean" / "hyperpod-stack.json",
                    FIXTURES / "clean" / "task-governance-stack.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_metadata_ignore_checks_is_honoured():
    proc = cfn_lint(PLUGIN, "-f", "json", CFN / "plugin-suppressed.yaml")
    found = ours(json.loads(proc.stdout))
    assert found == [("E9201", 35)]  # OtherCluster only; HyperPodCluster's E9201 and the template's W9102 are ignored


def test_rules_are_listed_with_the_mapped_ids():
    listing = cfn_lint(PLUGIN, "-l").stdout
    for line in ("E9201: HP201 ", "W9102: HP102 ", "I9210: HP210 ", "E9206: HP206 ", "W9206: HP206 ",
                 "E9110: HP110 ", "W9110: HP110 ", "E9111: HP111 ", "W9111: HP111 ", "E9112: HP112 ", "W9112: HP112 ",
                 "E9216: HP216 ", "E9217: HP217 ", "E9218: HP218 ", "W9218: HP218 ", "W9409: HP409 ", "E9409: HP409 "):
        assert line in listing


def test_filters_by_prefix():
    proc = cfn_lint(PLUGIN, "-i", "E92", "-f", "json", CFN / "broken-stack.yaml")
    ids = {r["Rule"]["Id"] for r in json.loads(proc.stdout)}
    assert "E9101" in ids and not any(i.startswith("E92") for i in ids)


@pytest.mark.parametrize("fmt", ["quiet", "parseable", "pretty", "sarif", "junit"])
def test_every_output_format(fmt):
    proc = cfn_lint(PLUGIN, "-f", fmt, CFN / "broken-stack.yaml")
    assert proc.returncode == 6, proc.stderr
    assert "E9201" in proc.stdout
    if fmt == "sarif":
        doc = json.loads(proc.stdout)
        assert any(r["ruleId"] == "E9201" and r["message"]["text"].startswith("HP201") for r in doc["runs"][0]["results"])
    if fmt == "junit":
        xml.dom.minidom.parseString(proc.stdout)


# -- the hyperlint-cfn-lint pre-commit hook (python -m hyperlint.cfnlint_hook) --------------------

MANIFEST = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: busybox}]
"""


def test_hook_passes_cfn_lint_only_the_templates(tmp_path, capsys):
    from hyperlint.cfnlint_hook import main

    manifest = tmp_path / "pod.yaml"
    manifest.write_text(MANIFEST)
    template = tmp_path / "stack.yaml"
    template.write_bytes((CFN / "broken-stack.yaml").read_bytes())
    code = main(["-f", "parseable", str(manifest), str(template)])
    out = capsys.readouterr().out
    assert code == 6 and "E9201" in out  # hyperlint's rules ran, as a cfn-lint plugin
    assert str(template) in out and str(manifest) not in out  # the manifest never reached cfn-lint
    assert main([str(manifest)]) == 0 and capsys.readouterr().out == ""


def test_without_cfn_lint_the_hook_and_the_plugin_say_so_in_one_line(monkeypatch, capsys):
    import importlib

    from hyperlint import cfnlint_hook

    monkeypatch.setitem(sys.modules, "cfnlint.runner", None)
    assert cfnlint_hook.main(["stack.yaml"]) == 2
    err = capsys.readouterr().err
    assert err == "hyperlint: error: the cfn-lint plugin needs cfn-lint: pip install 'hyperlint[cfn-lint]'\n"
    monkeypatch.setitem(sys.modules, "cfnlint.rules", None)
    monkeypatch.delitem(sys.modules, "hyperlint.cfnlint_rules", raising=False)
    with pytest.raises(ImportError, match=r"needs cfn-lint: pip install 'hyperlint\[cfn-lint\]'"):
        importlib.import_module("hyperlint.cfnlint_rules")
