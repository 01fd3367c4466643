import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

# Run from a checkout without installing: the package is importable from the root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("NO_COLOR", "1")
# An internal error inside a test prints its traceback (hyperlint/cli.py): failures explain themselves.
os.environ.setdefault("HYPERLINT_DEBUG", "1")

# Tests that install packages, build pre-commit environments or lint 100 MB: `pytest` leaves them out
# (pyproject: -m "not slow"), `pytest -m slow` runs them, and .ci/run runs both. One list, by node id
# prefix, so a test file need not change to move a test in or out.
SLOW = (
    "tests/test_action.py::test_whole_action_with_its_real_install_step",
    "tests/test_precommit.py::test_try_repo_",
    "tests/test_hostile.py::test_100_mb_stream",
    "tests/test_hostile.py::test_generated_input_is_bounded[many_keys.yaml]",
    "tests/test_hostile.py::test_generated_input_is_bounded[many_broken_documents.yaml]",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


def network_unavailable(reason: str):
    """Skip a test that needs the package index, except under CI, where a skip would hide a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: a network-dependent test may not skip there)")
    pytest.skip(reason)
