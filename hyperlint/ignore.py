"""What a directory walk skips: ``exclude`` globs and ``.gitignore`` files.

``Ignorer(...)`` is handed to ``discover`` and asked once per entry of a
walked folder (``skip(path, is_dir)``). Paths named on the command line are
never skipped: they are the user's choice.

- ``exclude`` globs (configuration ``exclude``/``extend-exclude``, command
  line ``--exclude``/``--extend-exclude``) match a file or folder name, or its
  path relative to the configuration file's folder, to the current
  directory, or to the folder being walked;
- ``.gitignore`` files (default on; ``--no-respect-gitignore`` or
  ``respect-gitignore: false`` turns it off) are read from every walked
  folder and from its parents up to the repository root, plus
  ``.git/info/exclude``, with git's rules: later lines win, ``!`` re-includes,
  a leading or inner ``/`` anchors to the file's folder, a trailing ``/``
  matches folders only, ``*`` and ``?`` stay within a path part, ``**``
  crosses parts. A file inside an ignored folder stays ignored.

No git command runs: the rules are read from the files, so a folder that is
not (yet) a repository is treated the same way.
"""

from __future__ import annotations

import fnmatch
import os
import re
from functools import lru_cache


class _Rule:
    __slots__ = ("regex", "negate", "dir_only")

    def __init__(self, regex: re.Pattern, negate: bool, dir_only: bool) -> None:
        self.regex = regex
        self.negate = negate
        self.dir_only = dir_only


def _translate(glob: str) -> str:
    """A gitignore glob (without its anchoring slash) as a regex over a relative POSIX path."""
    out, i, n = [], 0, len(glob)
    while i < n:
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == n:
            out.append("/.*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = glob.find("]", i + 2)
            if j < 0:
                out.append(re.escape(c))
                i += 1
            else:
                body = glob[i + 1:j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j + 1
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)


def parse_gitignore(text: str) -> list[_Rule]:
    rules = []
    for line in text.splitlines():
        line = line.rstrip("\r")
        if not line or line.startswith("#"):
            continue
        if not line.endswith("\\ "):
            line = line.rstrip(" ")
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        elif line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        body = _translate(line.lstrip("/"))
        regex = f"^{body}$" if anchored else f"^(?:.*/)?{body}$"
        try:
            rules.append(_Rule(re.compile(regex, re.S), negate, dir_only))
        except re.error:  # a pattern git would not match either
            continue
    return rules


@lru_cache(maxsize=1024)
def _rules_of(folder: str) -> tuple[_Rule, ...]:
    """The rules of ``folder/.gitignore`` (and of ``.git/info/exclude`` at a repository root)."""
    rules: list[_Rule] = []
    for name in (os.path.join(".git", "info", "exclude"), ".gitignore"):
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as fh:
                rules += parse_gitignore(fh.read())
        except OSError:
            continue
    return tuple(rules)


def _repository_root(folder: str) -> str | None:
    for here in (folder, *_parents(folder)):
        if os.path.exists(os.path.join(here, ".git")):
            return here
    return None


def _parents(folder: str):
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        yield parent
        folder = parent


class Ignorer:
    """Decides, for each entry of a walk, whether it is skipped."""

    def __init__(self, exclude=(), base: str | None = None, respect_gitignore: bool = True) -> None:
        self.exclude = list(exclude)
        self.bases = [os.getcwd()] + ([os.path.abspath(base)] if base else [])
        self.respect_gitignore = respect_gitignore
        self._ignored_dirs: set[str] = set()
        self._roots: dict[str, str | None] = {}
        self._chains: dict[tuple[str, str], list] = {}

    def __call__(self, path: str, is_dir: bool, top: str) -> bool:
        """Whether the walk of ``top`` skips ``path`` (an entry inside it)."""
        full = os.path.abspath(path)
        if self.exclude and self._excluded(full, os.path.relpath(path, top), is_dir):
            return True
        return self.respect_gitignore and self._gitignored(full, is_dir, os.path.abspath(top))

    def _excluded(self, full: str, rel_top: str, is_dir: bool) -> bool:
        name = os.path.basename(full)
        rels = [rel_top.replace(os.sep, "/")]
        for base in self.bases:
            try:
                rel = os.path.relpath(full, base)
            except ValueError:  # another drive (Windows)
                continue
            if not rel.startswith(os.pardir):
                rels.append(rel.replace(os.sep, "/"))
        for pattern in self.exclude:
            pattern = pattern.rstrip("/")
            if fnmatch.fnmatch(name, pattern):
                return True
            if any(fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.lstrip("./") + "/*")
                   for rel in rels):
                return True
        return False

    def _gitignored(self, full: str, is_dir: bool, top: str) -> bool:
        folder = os.path.dirname(full)
        if folder in self._ignored_dirs:
            return True
        chain = self._chain(folder, top)
        if not chain:  # no .gitignore applies here: the usual folder costs one dict lookup
            return False
        decision = False
        for here, rules in chain:
            rel = os.path.relpath(full, here).replace(os.sep, "/")
            for rule in rules:
                if rule.dir_only and not is_dir:
                    continue
                if rule.regex.match(rel):
                    decision = not rule.negate
        if decision and is_dir:
            self._ignored_dirs.add(full)
        return decision

    def _chain(self, folder: str, top: str) -> list:
        """The (folder, rules) pairs that apply to entries of ``folder``, outermost first: the
        .gitignore files from the repository root (else the walked folder) down to ``folder``."""
        key = (folder, top)
        if key not in self._chains:
            if top not in self._roots:
                self._roots[top] = _repository_root(top)
            stop = (self._roots[top] or top).rstrip(os.sep) + os.sep
            chain, here = [], folder
            while True:
                rules = _rules_of(here)
                if rules:
                    chain.append((here, rules))
                parent = os.path.dirname(here)
                if here + os.sep == stop or parent == here or not (parent + os.sep).startswith(stop):
                    break
                here = parent
            self._chains[key] = chain[::-1]
        return self._chains[key]


def from_config(config, cli_exclude=None, extend_exclude=None, respect_gitignore: bool | None = None) -> Ignorer:
    """The walk filter of a run: the configuration's globs (replaced by ``--exclude``,
    extended by ``--extend-exclude``) and its ``.gitignore`` choice (overridden by
    ``--[no-]respect-gitignore``)."""
    globs = list(cli_exclude) if cli_exclude is not None else list(config.exclude)
    globs += list(extend_exclude or ())
    base = os.path.dirname(os.path.abspath(config.source)) if config.source else None
    respect = config.respect_gitignore if respect_gitignore is None else respect_gitignore
    return Ignorer(globs, base, respect)
