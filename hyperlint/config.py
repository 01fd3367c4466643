"""Run configuration: what to check and how strictly.

``Config`` is the merged result of the configuration file (if any) and the
command line; the engine and the rules read only this object.
"""

from __future__ import annotations

from .record import Record


class ConfigError(Exception):
    """A configuration or usage problem: one clear line, exit code 2."""


class Config(Record):
    """The merged configuration of one run."""

    __slots__ = (
        "select", "ignore", "per_file_ignores", "severity", "fail_on", "exclude", "data", "assume_hyperpod",
        "cluster", "jobs", "source", "clusters", "charts", "respect_gitignore",
    )

    def __init__(
        self,
        select: list[str] | None = None,
        ignore: list[str] | None = None,
        per_file_ignores: dict[str, list[str]] | None = None,
        severity: dict[str, str] | None = None,
        fail_on: str = "warning",
        exclude: list[str] | None = None,
        data: dict | None = None,
        assume_hyperpod: bool = False,
        cluster: dict | None = None,
        jobs: int | None = None,
        source: str | None = None,
        clusters: list[dict] | None = None,
        charts: dict | None = None,
        respect_gitignore: bool = True,
    ) -> None:
        self.select = select  # rule IDs or prefixes; None: all rules
        self.ignore = [] if ignore is None else ignore
        self.per_file_ignores = {} if per_file_ignores is None else per_file_ignores  # glob -> IDs
        self.severity = {} if severity is None else severity  # rule ID -> severity
        self.fail_on = fail_on
        self.exclude = [] if exclude is None else exclude  # globs skipped in directory walks
        self.data = {} if data is None else data  # overrides of the schemas/ tables
        self.assume_hyperpod = assume_hyperpod  # every workload targets HyperPod
        self.cluster = cluster  # a HyperPod cluster described in the configuration
        self.jobs = jobs  # worker processes (None: automatic)
        self.source = source  # the configuration file, if one was read
        # `clusters:` entries {source, manifests, hyperpod}, paths relative to the configuration's folder
        self.clusters = [] if clusters is None else clusters
        self.charts = {} if charts is None else charts  # Helm chart rendering (kebab-case keys, as written)
        self.respect_gitignore = respect_gitignore  # directory walks skip what .gitignore files ignore
