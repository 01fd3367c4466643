"""Discover: command-line paths -> the files to lint.

Directories are walked recursively for ``*.yaml``, ``*.yml`` and ``*.json``;
hidden folders and files (``.git``, ``.github`` ...) are skipped, as are the
``exclude`` globs of the configuration. What a walked file is (an input, chart
source, or not an input) is decided by ``hyperlint.recognise``: a folder that
holds a Helm chart (`Chart.yaml`) is not walked but listed once in
``Discovery.charts`` (the outermost chart: its sub-charts are part of it); files
known by name not to be inputs, and broken symbolic links, are listed in
``Discovery.skipped`` with the reason; the engine decides the rest by content
(``Input.walked``). A file named on the command line is always an input,
except a file of a Helm chart (under the current folder, or in a chart's
``templates/``): its chart is listed in ``Discovery.charts`` and rendered.

Safety (the input is whatever a pull request contains):

- Symbolic links met in a walk are followed only when their target stays
  inside the directory being walked; a link that leads outside it (``/etc``,
  a home folder, ``/dev/zero``) is not followed, and a note says so. Paths
  given on the command line are the user's choice and are followed.
- A folder reached twice (a symlink loop, a second link to it) is walked once.
- Only regular files are ever opened. A FIFO, socket or device given on the
  command line is refused (exit code 2); one met in a walk, a broken symlink,
  a file or folder that cannot be read become an ``Input`` with a ``problem``,
  reported as HP001 at 1:1, so nothing is skipped silently. A broken symbolic
  link met in a walk is not an input (``Discovery.skipped``).
- File names are shown with undecodable bytes and control characters escaped,
  reversibly (a backslash is doubled: `hyperlint.safe.path_text`).
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Sequence

from . import recognise
from .record import Record, Value
from .safe import path_text

EXTENSIONS = (".yaml", ".yml", ".json", ".tf", ".tfvars")  # Terraform: hyperlint.terraform


class Input(Value):
    """One file (or stdin) to lint."""

    __slots__ = ("display", "path", "stdin", "problem", "walked")

    def __init__(
        self,
        display: str,
        path: str | None = None,
        stdin: bytes | None = None,
        problem: str | None = None,
        walked: bool = False,
    ) -> None:
        self.display = display  # the name findings carry (as given on the command line)
        self.path = path  # None for stdin
        self.stdin = stdin
        self.problem = problem  # why it cannot be read (reported as HP001; never opened)
        self.walked = walked  # met on a directory walk: an input only if its content says so (recognise)

    @property
    def is_json(self) -> bool:
        return self.display.lower().endswith(".json")


class Discovery(Record):
    """What a walk of the command-line paths found."""

    __slots__ = ("inputs", "errors", "charts", "notes", "skipped")

    def __init__(
        self,
        inputs: list[Input] | None = None,
        errors: list[str] | None = None,
        charts: list[str] | None = None,
        notes: list[str] | None = None,
        skipped: list[tuple[str, str]] | None = None,
    ) -> None:
        self.inputs = [] if inputs is None else inputs
        self.errors = [] if errors is None else errors  # unusable paths: exit code 2
        # the outermost Helm chart folders met (paths usable with open(), in order, each once);
        # their files are chart source and never read raw
        self.charts = [] if charts is None else charts
        self.notes = [] if notes is None else notes  # deliberately not followed (symlinks out of the tree)
        self.skipped = [] if skipped is None else skipped  # (shown name, reason): walked files that are not inputs

    @property
    def chart_templates(self) -> list[str]:
        """The former name of ``charts``."""
        return self.charts

    def add_chart(self, chart: str) -> None:
        if chart not in self.charts:
            self.charts.append(chart)


def discover(paths: list[str], exclude: Sequence[str] = (), stdin: bytes | None = None,
             stdin_filename: str | None = None, as_walk: bool = False, skip=None) -> Discovery:
    """The inputs for ``paths``. ``as_walk``: the files named were picked by a walk-like
    selection (the files a pull request changed), so recognise judges them as a walk
    would, with the current folder as the walk's root. ``skip(path, is_dir, top)``, if
    given, is asked about every entry of a walk (``hyperlint.ignore``: exclude globs and
    .gitignore files)."""
    found = Discovery()
    seen: set[str] = set()
    stdin_done = False
    for raw in paths:
        if raw == "-":
            if not stdin_done:  # `-` twice would lint the same bytes twice
                found.inputs.append(Input(path_text(stdin_filename or "-"), None, stdin or b""))
                stdin_done = True
            continue
        try:
            st = os.stat(raw)
        except FileNotFoundError:
            found.errors.append(f"{path_text(raw)}: no such file or directory")
            continue
        except OSError as exc:
            found.errors.append(f"{path_text(raw)}: cannot access ({exc.strerror or exc})")
            continue
        except ValueError:  # an embedded NUL byte
            found.errors.append(f"{path_text(raw)}: not a valid path")
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(_strip_slashes(raw), exclude, found, seen, skip)
        elif stat.S_ISREG(st.st_mode) and as_walk:
            _add_selected_file(raw, found, seen)
        elif stat.S_ISREG(st.st_mode):
            _add_file(raw, found, seen, explicit=True)
        else:
            found.errors.append(f"{path_text(raw)}: not a regular file (FIFO, socket or device); not read")
    return found


def _strip_slashes(path: str) -> str:
    """`dir/` -> `dir`, so names read `dir/x.yaml` (never `dir//x.yaml`); `/` stays."""
    stripped = path.rstrip("/" + os.sep)
    return stripped or path[:1]


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(top: str, exclude, found: Discovery, seen: set[str], ignored=None) -> None:
    """Depth first, in name order, without recursion (a deep tree cannot
    exhaust the stack). A folder holding a Helm chart is not entered: it is
    listed in ``found.charts`` (recognise)."""
    root = os.path.realpath(top)
    # the walk starts at a chart or in one (its ci/, templates/ ... under the current folder)
    outer = recognise.chart_above(top, stop=os.getcwd()) or recognise.chart_above(top, stop=top)
    if outer is not None:
        found.add_chart(_chart_path(outer, top))
        return
    visited_dirs: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        dirpath = stack.pop()
        try:
            st = os.stat(dirpath)
            ident = (st.st_dev, st.st_ino)
            if ident in visited_dirs:  # a symlink loop or a second route to the same folder
                continue
            visited_dirs.add(ident)
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if dirpath == top:  # the directory named on the command line: an unusable path
                found.errors.append(f"{_display(top)}: cannot read directory ({reason})")
            else:
                found.inputs.append(Input(_display(dirpath), None,
                                          problem=f"cannot read directory ({reason}); its files were not linted"))
            continue
        if dirpath != top and recognise.is_chart_dir(e.name for e in entries):
            found.add_chart(_strip_dot(dirpath))  # chart source: rendered, never read raw
            continue
        subdirs = []
        real_dir = os.path.realpath(dirpath)  # where its files are, unless they are links: one call per folder
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            try:
                is_dir = entry.is_dir()  # follows symlinks; False for a broken one
            except OSError:
                is_dir = False
            if not is_dir and not name.lower().endswith(EXTENSIONS):
                continue
            if exclude and (_excluded(os.path.relpath(path, top), name, exclude)
                            or (not is_dir and _excluded(path, name, exclude))):
                continue
            if ignored is not None and ignored(path, is_dir, top):
                continue
            link = entry.is_symlink()
            if link and not _within(os.path.realpath(path), root):
                what = "folder" if is_dir else "file"
                found.notes.append(f"{_display(path)}: symbolic link to a {what} outside {_display(top)}; not followed")
                continue
            if is_dir:
                skip = recognise.skipped_folder(name)
                if skip:
                    found.skipped.append((_display(path) + "/", skip))
                else:
                    subdirs.append(path)
                continue
            skip = recognise.by_name(name)
            if skip:
                found.skipped.append((_display(path), skip))
                continue
            real = os.path.realpath(path) if link else os.path.join(real_dir, name)
            # a plain file as the folder listing tells (no extra stat), else look closer
            problem = None if not link and entry.is_file(follow_symlinks=False) else _not_readable(path)
            if problem == _BROKEN:
                found.skipped.append((_display(path), recognise.BROKEN_LINK))
                continue
            if problem:
                if real not in seen:
                    seen.add(real)
                    found.inputs.append(Input(_display(path), path, problem=problem))
                continue
            _add_file(path, found, seen, explicit=False, real=real)
        stack.extend(reversed(subdirs))


def _strip_dot(path: str) -> str:
    return path.removeprefix("./")


def _chart_path(chart: str, given: str) -> str:
    """An absolute chart folder in the form of the path it was found from: absolute
    for an absolute path, else relative to the current folder (`chart`, like the
    folders a walk meets)."""
    return chart if os.path.isabs(given) else os.path.relpath(chart)


_BROKEN = "broken symbolic link (its target does not exist); not read"


def _not_readable(path: str) -> str | None:
    """Why a file met in a walk must not be opened, or None."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return _BROKEN
        return f"cannot read ({exc.strerror or exc})"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (FIFO, socket or device); not read"
    return None


def _add_file(path: str, found: Discovery, seen: set[str], explicit: bool, real: str | None = None) -> None:
    key = real or os.path.realpath(path)
    if key in seen:
        return
    seen.add(key)
    if explicit:
        # a chart's file (pre-commit passes `chart/values.yaml`, `chart/templates/x.yaml`): its chart is rendered
        chart = recognise.chart_above(os.path.dirname(os.path.abspath(path)), stop=os.getcwd())
        if chart is not None:
            found.add_chart(_chart_path(chart, path))
            return
    found.inputs.append(Input(_display(path), path, walked=not explicit))


def _add_selected_file(path: str, found: Discovery, seen: set[str]) -> None:
    """A file of a walk-like selection: chart source, not an input by name, or a walked input."""
    chart = recognise.chart_above(os.path.dirname(os.path.abspath(path)), stop=os.getcwd())
    if chart is not None:
        found.add_chart(_chart_path(chart, path))
        return
    skip = recognise.by_name(os.path.basename(path))
    if skip:
        found.skipped.append((_display(path), skip))
        return
    _add_file(path, found, seen, explicit=False)


def _display(path: str) -> str:
    return path_text(path[2:] if path.startswith("./") else path)


def is_excluded(path: str, patterns) -> bool:
    """Whether a directory walk from the current directory would skip ``path``
    (a relative POSIX path): a hidden part, or an ``exclude`` glob on it or on a
    folder above it."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    for i, name in enumerate(parts):
        if name.startswith(".") or _excluded("/".join(parts[:i + 1]), name, patterns):
            return True
    return False


def _excluded(rel: str, name: str, patterns) -> bool:
    rel = rel[2:] if rel.startswith("./") else rel
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*")
               for p in patterns)


# -- reading a file -------------------------------------------------------------------

MAX_FILE_BYTES = 256 * 1024 * 1024  # larger inputs are reported (HP001), not read


def read_input(path: str) -> bytes:
    """The bytes of a regular file, never blocking and never more than
    MAX_FILE_BYTES + 1 of them.

    The file is checked before it is opened (opening some devices has side
    effects) and again on the open descriptor, which is opened non-blocking:
    a file replaced by a FIFO or a device after discovery is refused, not
    waited on."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise Unreadable("not a regular file (FIFO, socket or device); not read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("not a regular file (FIFO, socket or device); not read")
        if st.st_size > MAX_FILE_BYTES:
            raise Unreadable(too_large(st.st_size))
        # One read of the whole file (no second copy to join chunks), then small
        # reads for what a growing file or a /proc file adds. Never ask for more
        # than the file should hold: os.read allocates what it is asked for.
        chunks, size = [], 0
        want = st.st_size + 1
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(want, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            want = 1024 * 1024
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)  # join: only for files that grew


class Unreadable(Exception):
    """A file that must not or cannot be read (reported as HP001)."""


def too_large(size: int) -> str:
    return (f"file too large to lint ({size / 2**20:,.0f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB); "
            f"split it, or lint the documents that matter")
