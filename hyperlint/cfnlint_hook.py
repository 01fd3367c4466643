"""The `hyperlint-cfn-lint` pre-commit hook: cfn-lint with hyperlint's rules, on CloudFormation files only.

    python -m hyperlint.cfnlint_hook [cfn-lint options] FILE ...

pre-commit hands a hook every staged file its ``files`` pattern matches;
cfn-lint reports each Kubernetes manifest among them as a broken template.
This entry point keeps only the files that hyperlint recognises as
CloudFormation (a document with ``AWSTemplateFormatVersion`` or
``Resources`` of ``AWS::`` types, as ``hyperlint check`` decides) and runs
cfn-lint on them with ``--append-rules=hyperlint.cfnlint_rules``. With no
template among the files, cfn-lint is not started and the hook passes.

cfn-lint is an optional dependency (``pip install 'hyperlint[cfn-lint]'``;
the hook installs it through ``additional_dependencies``): without it, one
line says so and the exit code is 2.
"""

from __future__ import annotations

import os
import sys

PLUGIN = "--append-rules=hyperlint.cfnlint_rules"
MISSING = "the cfn-lint plugin needs cfn-lint: pip install 'hyperlint[cfn-lint]'"


def is_cloudformation(path: str) -> bool:
    """Whether a document of the file at ``path`` is a CloudFormation template."""
    from .classify import classify
    from .discover import read_input
    from .parse import Document, decode, parse_source

    try:
        raw = read_input(path)
    except Exception:  # unreadable (OSError, a FIFO ...): not a template for cfn-lint
        return False
    data, problem = decode(raw)
    if problem is not None:
        return False
    for item in parse_source(data, json=path.lower().endswith(".json")):
        if isinstance(item, Document) and any(unit.kind == "cfn" for unit in classify(item.root)):
            return True
    return False


def split_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """(cfn-lint options, file names): pre-commit appends the files after the hook's args."""
    options: list[str] = []
    files: list[str] = []
    for arg in argv:
        (files if not arg.startswith("-") and os.path.isfile(arg) else options).append(arg)
    return options, files


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        from cfnlint.runner import main as cfn_lint
    except ImportError:
        print(f"hyperlint: error: {MISSING}", file=sys.stderr)
        return 2
    options, files = split_arguments(argv)
    templates = [f for f in files if is_cloudformation(f)]
    if files and not templates:
        return 0
    if not any(o.startswith("--append-rules") for o in options):
        options.insert(0, PLUGIN)
    saved = sys.argv
    sys.argv = ["cfn-lint", *options, *templates]
    try:
        cfn_lint()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
    return code


if __name__ == "__main__":
    sys.exit(main())
