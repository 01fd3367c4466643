"""Linting in forked workers gives exactly what one process gives."""

from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES

from hyperlint import engine
from hyperlint.config import Config
from hyperlint.discover import discover


def _dump(result):
    return ([f.to_dict() for f in result.findings], result.errors, result.model, result.files)


@pytest.mark.skipif(not hasattr(engine.os, "fork"), reason="no fork on this platform")
def test_workers_match_one_process(tmp_path):
    # every fixture (findings, parse errors, suppressions, cross-document facts), several times over
    sources = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".json"))
    copies = -(-engine.PARALLEL_MIN_FILES // len(sources)) + 1
    for i in range(copies):
        for src in sources:
            dest = tmp_path / f"copy{i}" / src.relative_to(FIXTURES)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    found = discover([str(tmp_path)], [])
    assert len(found.inputs) >= engine.PARALLEL_MIN_FILES
    one = engine.lint(found.inputs, Config(jobs=1))
    two = engine.lint(found.inputs, Config(jobs=2))
    assert one.findings and {"HP001", "HP002"} <= {f.rule for f in one.findings}
    assert _dump(two) == _dump(one)


@pytest.mark.skipif(not hasattr(engine.os, "fork"), reason="no fork on this platform")
def test_chunks_of_a_dead_worker_are_linted_by_the_parent(tmp_path, monkeypatch):
    import os

    for i in range(engine.PARALLEL_MIN_FILES * 2):
        (tmp_path / f"f{i:03d}.yaml").write_text(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p%d}\nspec:\n  nodeSelector:\n"
            "    node.kubernetes.io/instance-type: p5.48xlarge\n  containers: [{name: c, image: x}]\n" % i)
    found = discover([str(tmp_path)], [])
    one = engine.lint(found.inputs, Config(jobs=1))
    parent, lint_file = os.getpid(), engine.lint_file

    def dies_in_workers(inp, ctx, ruleset):
        if os.getpid() != parent:
            os._exit(3)  # each worker dies on the first file of the first chunk it takes
        return lint_file(inp, ctx, ruleset)

    monkeypatch.setattr(engine, "lint_file", dies_in_workers)
    three = engine.lint(found.inputs, Config(jobs=3))
    assert len(one.findings) == engine.PARALLEL_MIN_FILES * 2
    assert _dump(three) == _dump(one)
