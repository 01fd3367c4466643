"""Discover: command-line paths -> the files to lint.

Directories are walked recursively for ``*.yaml``, ``*.yml`` and ``*.json``;
hidden folders and files (``.git``, ``.github`` ...) are skipped, as are the
``exclude`` globs of the configuration. Symlinked folders are followed once
(loops are cut). Files under ``templates/`` of a Helm chart are not YAML until
rendered, so they are skipped with one hint. Only regular files are opened:
FIFOs and devices are refused with a message, never read.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

EXTENSIONS = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Input:
    """One file (or stdin) to lint."""

    display: str  # the name findings carry (as given on the command line)
    path: str | None = None  # None for stdin
    stdin: bytes | None = None

    @property
    def is_json(self) -> bool:
        return self.display.lower().endswith(".json")


@dataclass
class Discovery:
    """The files found, and what could not be used."""

    inputs: list[Input] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # unusable paths: exit code 2
    chart_templates: list[str] = field(default_factory=list)  # skipped Helm chart directories


def discover(paths: list[str], exclude: list[str] = (), stdin: bytes | None = None,
             stdin_filename: str | None = None) -> Discovery:
    found = Discovery()
    seen: set[str] = set()
    _FOLDER_CHARTS.clear()
    for raw in paths:
        if raw == "-":
            found.inputs.append(Input(stdin_filename or "-", None, stdin or b""))
            continue
        try:
            st = os.stat(raw)
        except FileNotFoundError:
            found.errors.append(f"{raw}: no such file or directory")
            continue
        except OSError as exc:
            found.errors.append(f"{raw}: cannot access ({exc.strerror or exc})")
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(raw, exclude, found, seen)
        elif stat.S_ISREG(st.st_mode):
            _add_file(raw, found, seen, explicit=True)
        else:
            found.errors.append(f"{raw}: not a regular file (FIFO, socket or device); not read")
    return found


def _walk(top: str, exclude, found: Discovery, seen: set[str]) -> None:
    visited_dirs: set[tuple[int, int]] = set()
    charts: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in visited_dirs:  # a symlink loop or a second route to the same folder
            dirnames[:] = []
            continue
        visited_dirs.add(ident)
        rel_dir = os.path.relpath(dirpath, top)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and not _excluded(os.path.join(rel_dir, d), d, exclude)
        )
        real_dir = os.path.realpath(dirpath)  # where its files are, unless they are links
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(EXTENSIONS):
                continue
            path = os.path.join(dirpath, name)
            if _excluded(os.path.join(rel_dir, name), name, exclude) or _excluded(path, name, exclude):
                continue
            chart = chart_of_template(path)
            if chart is not None:
                charts.add(chart)
                continue
            try:
                if not stat.S_ISREG(os.stat(path).st_mode):
                    continue
            except OSError:
                continue
            real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_dir, name)
            _add_file(path, found, seen, explicit=False, real=real)
    found.chart_templates += sorted(charts)


def _add_file(path: str, found: Discovery, seen: set[str], explicit: bool, real: str | None = None) -> None:
    key = real or os.path.realpath(path)
    if key in seen:
        return
    seen.add(key)
    if explicit:
        chart = chart_of_template(path)
        if chart is not None:
            found.chart_templates.append(chart)
            return
    found.inputs.append(Input(_display(path), path))


def _display(path: str) -> str:
    return path[2:] if path.startswith("./") else path


def _excluded(rel: str, name: str, patterns) -> bool:
    rel = rel[2:] if rel.startswith("./") else rel
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*")
               for p in patterns)


def chart_of_template(path: str) -> str | None:
    """The chart directory if ``path`` is under ``<chart>/templates/``."""
    if os.path.islink(path):
        return _chart_of(Path(path).resolve().parent)
    # the same answer for every file of a folder: resolve each folder once per run
    folder = os.path.dirname(path) or "."
    if folder not in _FOLDER_CHARTS:
        _FOLDER_CHARTS[folder] = _chart_of(Path(folder).resolve())
    return _FOLDER_CHARTS[folder]


_FOLDER_CHARTS: dict[str, str | None] = {}  # emptied by each discover()


def _chart_of(folder: Path) -> str | None:
    for parent in (folder, *folder.parents):
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return str(Path(os.path.relpath(parent.parent)))
    return None
