"""`hyperlint check --show-settings`: the configuration a run would use, and where it came from.

Printed as YAML (the values in JSON's flow style, which YAML reads too), in
the keys of the configuration file, after the command line's overrides, so
the output can be pasted into a ``.hyperlint.yaml``.
"""

from __future__ import annotations

import json
import os


def show(config, walk=None) -> str:
    source = os.path.abspath(config.source) if config.source else None
    lines = [f"# configuration file: {source}" if source else
             "# configuration file: none found (defaults); searched from the linted paths up to the repository root"]
    exclude = walk.exclude if walk is not None else config.exclude
    respect = walk.respect_gitignore if walk is not None else config.respect_gitignore
    values = {
        "select": config.select if config.select is not None else ["ALL"],
        "ignore": config.ignore,
        "per-file-ignores": config.per_file_ignores,
        "severity": config.severity,
        "fail-on": config.fail_on,
        "exclude": exclude,
        "respect-gitignore": respect,
        "assume-hyperpod": config.assume_hyperpod,
        "data": config.data,
        "clusters": getattr(config, "clusters", []),
        "cluster": config.cluster,
        "jobs": config.jobs if config.jobs else "auto",
    }
    for key, value in values.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}")
    return "\n".join(lines) + "\n"
