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
