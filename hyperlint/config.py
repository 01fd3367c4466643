"""Run configuration: what to check and how strictly.

``Config`` is the merged result of the configuration file (if any) and the
command line; the engine and the rules read only this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ConfigError(Exception):
    """A configuration or usage problem: one clear line, exit code 2."""


@dataclass
class Config:
    """The merged configuration of one run."""

    select: list[str] | None = None  # rule IDs or prefixes; None: all rules
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)  # glob -> IDs
    severity: dict[str, str] = field(default_factory=dict)  # rule ID -> severity
    fail_on: str = "warning"
    exclude: list[str] = field(default_factory=list)  # globs skipped in directory walks
    data: dict = field(default_factory=dict)  # overrides of the schemas/ tables
    assume_hyperpod: bool = False  # every workload targets HyperPod
    cluster: dict | None = None  # a HyperPod cluster described in the configuration
    jobs: int | None = None  # worker processes (None: automatic)
    source: str | None = None  # the configuration file, if one was read
