"""Nested configuration files: the nearest one to each linted file decides its rules.

A run reads one configuration: the nearest to the linted paths' common folder
(``hyperlint.configfile``). A file deeper down may have a nearer one, as a
subproject of a repository does (``k8s/legacy/.hyperlint.yaml``). As in
ruff, the nearest file wins for the files under it:

- its ``select``/``ignore`` decide which rules report on those files (the run
  executes every rule some configuration selects, then keeps each finding
  only if its file's configuration selects the rule); ``--select`` and
  ``--ignore`` on the command line apply to every file instead;
- its ``per-file-ignores`` (relative to its folder) and ``severity`` apply to
  those files.

What belongs to the whole run stays with the run's configuration: ``fail-on``,
``data``, ``cluster``/``clusters``, ``assume-hyperpod``, ``exclude``. With
``--config FILE`` only that file is read.
"""

from __future__ import annotations

import os

from .config import Config


def nested_configs(inputs, config: Config) -> dict[str, Config]:
    """File (as reported) -> its nearer configuration, for the files that have one."""
    from .configfile import find_config, read_config

    root = os.path.realpath(config.source) if config.source else None
    loaded: dict[str, Config] = {}
    by_folder: dict[str, str | None] = {}
    out: dict[str, Config] = {}
    for inp in inputs:
        if inp.path is None:
            continue
        folder = os.path.dirname(os.path.abspath(inp.path))
        if folder not in by_folder:
            found = find_config(folder)
            by_folder[folder] = os.path.realpath(found) if found is not None else None
        nearest = by_folder[folder]
        if nearest is None or nearest == root:
            continue
        if root is not None and not _inside(os.path.dirname(nearest), os.path.dirname(root)):
            continue  # not below the run's configuration: the run's own one is nearer to the paths
        if nearest not in loaded:
            loaded[nearest] = read_config(nearest, os.path.relpath(nearest))
        out[inp.display] = loaded[nearest]
    return out


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def run_config(config: Config, nested: dict[str, Config], cli_selection: bool) -> Config:
    """The configuration the engine runs with: every rule some configuration selects."""
    if not nested or cli_selection:
        return config
    from .rules import catalog, is_selected

    configs = [config, *{id(c): c for c in nested.values()}.values()]
    wanted = [rid for rid in catalog() if any(is_selected(rid, c.select, c.ignore) for c in configs)]
    return config.replace(select=wanted, ignore=[])


def apply_nested(result, config: Config, nested: dict[str, Config], cli_selection: bool):
    """``result`` with each finding judged by its file's configuration."""
    if not nested:
        return result
    from .rules import is_selected
    from .suppress import _PerFileIgnores

    ignores: dict[int, _PerFileIgnores] = {}
    kept = []
    for f in result.findings:
        own = nested.get(f.loc.file)
        chooser = config if own is None or cli_selection else own
        if not is_selected(f.rule, chooser.select, chooser.ignore):
            continue
        if own is not None:
            table = ignores.setdefault(id(own), _PerFileIgnores(own.per_file_ignores or {}, own.source))
            if table.ignores(f.loc.file, f.rule):
                continue
            severity = own.severity.get(f.rule)
            if severity and severity != f.severity:
                f = f.with_(severity=severity)
        kept.append(f)
    return result.replace(findings=kept)
