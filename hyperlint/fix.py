"""Fix: rewrite exactly the spans that findings point at, and nothing else.

A fixed file differs from the original only in the changed values: comments,
quoting, key order, indentation, flow style, blank lines, document
separators, line endings and encoding stay byte-identical, because edits are
made on the bytes at the positions the parser recorded (no re-serialisation).
Lines are counted as the parser counts them (``hyperlint.parse.lines``).

Two kinds of fixes:

- *replace*: a finding whose rule has ``FIX`` set and whose facts carry
  ``fixed`` gets its scalar replaced (inside its quotes, if quoted); with
  ``fix_related`` in its facts, its related places too, all or none (a
  parameter's ``Default`` and the same value among its ``AllowedValues``);
- *custom*: a rule module may define ``fix(finding, source)`` returning
  edits (HP103 inserts an ``AccessConfig``).

What a fix must never do, and how it is prevented:

- fix bytes other than the ones linted: the file is read again, its digest
  must be the one the lint recorded (``FileResult.digest``), and it is read
  once more right before it is replaced;
- misplace an edit: every edited file is parsed again; it must have no more
  problems than before, and the value at each fixed finding's JSON pointer
  must be the intended one (``fixed``); otherwise the file is left untouched;
- open a special file: only inputs discovery found to be regular files are
  read, through ``discover.read_input`` (non-blocking, checked on the open
  descriptor);
- change what a file is: see ``write_fixed`` (links, owner, read-only files).

Every file that cannot be fixed for one of these reasons, or cannot be
written, gets one message; the run goes on and its exit code is 2.

``fix_run`` fixes in rounds (lint again in memory, fix again) until a round
fixes nothing, so one run fixes what a second would; each file is then
written once.
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
import tempfile
from typing import Callable, Iterable, NamedTuple

from .findings import Finding, Loc
from .parse.lines import line_starts
from .record import Record
from .rules import get

_BREAKS = (b"\r\n", b"\n", b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


class Edit(NamedTuple):
    start: int  # byte offsets in the file
    end: int
    text: bytes


class Source(Record):
    """A file's bytes with line/column -> byte offset conversion (columns are
    characters), lines counted as the file's parser counts them."""

    __slots__ = ("data", "is_json", "_lf", "_starts")

    def __init__(self, data: bytes, is_json: bool = False, lf_only: bool | None = None) -> None:
        self.data = data
        self.is_json = is_json
        self._lf = is_json if lf_only is None else lf_only  # JSON and HCL lines end at LF only
        self._starts = line_starts(data, self._lf)

    @property
    def lines(self) -> int:
        return len(self._starts)

    def line_bytes(self, line: int) -> bytes:
        """Line ``line`` (1-based) without its end of line; b"" past the end."""
        if not 1 <= line <= len(self._starts):
            return b""
        start = self._starts[line - 1]
        end = self._starts[line] if line < len(self._starts) else len(self.data)
        text = self.data[start:end]
        if self._lf:
            return text[:-1].rstrip(b"\r") if text.endswith(b"\n") else text.rstrip(b"\r")
        for brk in _BREAKS:
            if text.endswith(brk):
                return text[: -len(brk)]
        return text

    def offset(self, line: int, column: int) -> int | None:
        """Byte offset of 1-based ``line``/``column`` (a character column); None
        for a place that is not in the file."""
        if not 1 <= line <= len(self._starts) or column < 1:
            return None
        text = self.line_bytes(line).decode("utf-8", "replace")
        if column - 1 > len(text):
            return None
        return self._starts[line - 1] + len(text[: column - 1].encode("utf-8"))

    @property
    def newline(self) -> bytes:
        """The file's own line break (its first one; LF in a file of one line)."""
        if len(self._starts) < 2:
            return b"\n"
        end = self._starts[1]
        return next((b for b in _BREAKS if self.data.endswith(b, 0, end)), b"\n")

    def replace_scalar(self, f: Finding, old: str, new: str) -> Edit | None:
        """Replace a one-line scalar at ``f``'s span, keeping its quotes."""
        return self.replace_at(f.loc, old, new)

    def replace_at(self, loc: Loc, old: str, new: str) -> Edit | None:
        """Replace the one-line scalar ``old`` at ``loc`` with ``new``, keeping its quotes."""
        if loc.end_line != loc.line or loc.end_column is None:
            return None
        start, end = self.offset(loc.line, loc.column), self.offset(loc.end_line, loc.end_column)
        if start is None or end is None or end < start:
            return None
        token = self.data[start:end]
        if len(token) >= 2 and token[:1] in (b'"', b"'") and token[-1:] == token[:1]:
            start, end, token = start + 1, end - 1, token[1:-1]
        if token.decode("utf-8", "replace") != old:
            return None  # escapes, folded scalars ...: not a span we can edit safely
        return Edit(start, end, new.encode("utf-8"))


def insert_entry(source: Source, key_loc, key: str, value) -> Edit | None:
    """Insert ``key: value`` as the first entry of the mapping whose key is at ``key_loc``.

    Block YAML gets new lines at the children's indentation; flow YAML and JSON
    get the entry right after the opening brace. ``value`` is a string or a
    one-level mapping of strings."""
    import json

    key_at = source.offset(key_loc.line, key_loc.column)
    if key_at is None:
        return None
    line = source.line_bytes(key_loc.line)
    after = line[key_loc.column - 1:].split(b":", 1)[1] if b":" in line[key_loc.column - 1:] else b""
    brace = after.lstrip()
    nl = source.newline
    if source.is_json or brace.startswith(b"{"):
        if source.is_json:
            entry = json.dumps({key: value})[1:-1].encode()
        elif isinstance(value, dict):
            entry = f"{key}: {{{', '.join(f'{k}: {v}' for k, v in value.items())}}}".encode()
        else:
            entry = f"{key}: {value}".encode()
        if not brace.startswith(b"{"):
            return None
        at = key_at + (len(line[key_loc.column - 1:]) - len(after)) + (len(after) - len(brace)) + 1
        rest = source.data[at:].lstrip()
        separator = b"" if rest.startswith(b"}") else b","
        if source.is_json and not rest.startswith(b"}") and key_loc.line + 1 <= source.lines:
            child = _next_content_line(source, key_loc.line)
            indent = _indent(source.line_bytes(child)) if child else b"  "
            return Edit(at, at, nl + indent + entry + separator)
        return Edit(at, at, entry + separator + (b" " if separator else b""))
    if brace and not brace.startswith(b"#"):
        return None  # a scalar on the key's line: not a mapping we can extend
    parent = key_loc.column - 1
    child = _next_content_line(source, key_loc.line)
    indent = _indent(source.line_bytes(child)) if child else b""
    if child is None or len(indent) <= parent:
        indent, child = b" " * (parent + 2), None
    step = b" " * max(len(indent) - parent, 2)
    if isinstance(value, dict):
        text = indent + key.encode() + b":" + nl + b"".join(
            indent + step + f"{k}: {v}".encode() + nl for k, v in value.items())
    else:
        text = indent + f"{key}: {value}".encode() + nl
    where: int | None
    if child is not None:
        where = source.offset(child, 1)
    else:
        where = source.offset(key_loc.line, 1)
        where = None if where is None else where + len(source.line_bytes(key_loc.line))
        text = nl + text[: -len(nl)]
    return None if where is None else Edit(where, where, text)


def _next_content_line(source: Source, line: int) -> int | None:
    for n in range(line + 1, source.lines + 1):
        text = source.line_bytes(n).strip()
        if text and not text.startswith(b"#"):
            return n
    return None


def _indent(line: bytes) -> bytes:
    return line[: len(line) - len(line.lstrip(b" "))]


def _fixers(rule_ids, unsafe: bool) -> dict[str, Callable | None]:
    """Rule ID -> custom fix function (None: generic replace) for the rules allowed to fix."""
    allowed = ("safe", "unsafe") if unsafe else ("safe",)
    out = {}
    for rid in set(rule_ids):
        rule = get(rid)
        if rule is not None and rule.fix in allowed:
            out[rule.id] = rule.fixer
    return out


def edits_for(findings: list[Finding], source: Source, unsafe: bool = False) -> list[tuple[Finding, Edit]]:
    """The edits that fix ``findings``. A finding whose facts say ``unsafe_fix`` (a
    safe rule unsure of this one case) is fixed only with ``unsafe``; one without
    ``fixed`` in its facts is never fixed (what it should become cannot be checked)."""
    fixers = _fixers((f.rule for f in findings), unsafe)
    found = []
    for f in findings:
        facts = f.facts or {}
        if f.rule not in fixers or "fixed" not in facts or facts.get("unsafe_fix") and not unsafe:
            continue
        custom = fixers[f.rule]
        if custom is not None:
            found += [(f, e) for e in custom(f, source) or ()]
            continue
        if "value" not in facts:
            continue
        old, new = str(facts["value"]), str(facts["fixed"])
        places = [f.loc] + (list(f.related) if facts.get("fix_related") else [])
        edits = [source.replace_at(loc, old, new) for loc in places if loc.file == f.loc.file]
        if len(edits) == len(places) and all(edits):  # all of them or none
            found += [(f, e) for e in edits]
    return found


def apply(data: bytes, edits: list[Edit]) -> tuple[bytes, set[Edit]]:
    """(``data`` with the edits applied, the edits applied): non-overlapping ones,
    later ones first; an edit that overlaps one already applied is dropped."""
    out = data
    last = len(data) + 1
    done = set()
    for e in sorted(set(edits), key=lambda e: (e.start, e.end), reverse=True):
        if e.end > last or e.end < e.start or e.start < 0:
            continue
        out = out[: e.start] + e.text + out[e.end:]
        last = e.start
        done.add(e)
    return out, done


def verify(original: bytes, fixed: bytes, is_json: bool, expected: Iterable[Finding] = (), name: str = "") -> bool:
    """The fixed bytes parse with no more problems than the original, and the
    value at each of ``expected``'s pointers (and related places, for
    ``fix_related``) is its facts' ``fixed`` (a renamed key, facts ``key``: the
    new key exists; an inserted entry: at the pointer plus facts ``fixed_at``). (A Terraform file: it parses if the
    original did; its values are checked by their old text at each span.)"""
    from .parse import Document, ParseProblem, parse_source
    from .safe import scalar_text
    from .terraform import is_terraform_file

    if is_terraform_file(name):
        from .terraform.hcl import parses

        return parses(fixed.decode("utf-8", "replace")) or not parses(original.decode("utf-8", "replace"))

    wanted: dict[int, list[tuple[str, str | None]]] = {}
    for f in expected:
        facts = f.facts or {}
        pointers = [f.loc.pointer] + ([r.pointer for r in f.related] if facts.get("fix_related") else [])
        fixed_text = str(facts["fixed"])
        value: str | None = fixed_text
        if facts.get("fixed_at") is not None:  # where the fix puts its value (an inserted entry)
            pointers = [f.loc.pointer + facts["fixed_at"]]
        elif facts.get("key"):  # a renamed key: the new key is there (its value is the old one's)
            parent = f.loc.pointer.rsplit("/", 1)[0]
            pointers, value = [parent + "/" + fixed_text.replace("~", "~0").replace("/", "~1")], None
        wanted.setdefault(f.loc.doc or 0, []).extend((p, value) for p in pointers)

    def problems(data: bytes, check: bool) -> int:
        count = 0
        for item in parse_source(data, json=is_json):
            if isinstance(item, ParseProblem):
                count += 1
            elif isinstance(item, Document):
                count += len(item.problems)
                for ptr, value in wanted.pop(item.index, ()) if check else ():
                    node = _at_pointer(item.root, ptr)
                    if node is _MISSING or (value is not None and scalar_text(node) != value):
                        return -1
        return count

    after = problems(fixed, True)
    return after >= 0 and not wanted and after <= problems(original, False)


_MISSING = object()


def _at_pointer(root, ptr: str):
    """The value at the RFC 6901 pointer ``ptr`` in ``root``, or _MISSING."""
    node = root
    for step in ptr.split("/")[1:] if ptr else ():
        step = step.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return _MISSING
    return node


def fix_bytes(data: bytes, findings: list[Finding], is_json: bool, unsafe: bool = False,
              name: str = "") -> tuple[bytes, list[Finding]]:
    """(fixed bytes, the findings fixed); the input itself when nothing can be fixed safely."""
    from .terraform import is_terraform_file

    source = Source(data, is_json, lf_only=is_json or is_terraform_file(name))
    pairs = edits_for(findings, source, unsafe)
    if not pairs:
        return data, []
    fixed, applied = apply(data, [e for _, e in pairs])
    by_finding: dict[int, list] = {}
    for f, e in pairs:
        by_finding.setdefault(id(f), [f, True])[1] &= e in applied
    done = sorted((f for f, ok in by_finding.values() if ok), key=Finding.sort_key)
    if fixed == data or not done or not verify(data, fixed, is_json, done, name):
        return data, []
    return fixed, done


def unified_diff(path: str, before: bytes, after: bytes) -> bytes:
    """A unified diff that ``patch`` and ``git apply`` accept: lines are split at
    LF only (as they split them), bytes are kept as they are, and a last line
    without LF is marked ``\\ No newline at end of file``."""
    if before == after:
        return b""
    name = os.fsencode(path.lstrip("/"))  # like git: `a/tmp/x.yaml` for /tmp/x.yaml, never `a//tmp/x.yaml`
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, _lf_lines(before), _lf_lines(after),
                                   b"a/" + name, b"b/" + name):
        out.append(line)
        if not line.endswith(b"\n"):
            out.append(b"\n\\ No newline at end of file\n")
    return b"".join(out)


def _lf_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    out = [line + b"\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


# -- writing ----------------------------------------------------------------------------------------

class NotFixed(Exception):
    """Why a file was not fixed or not written (one line, for stderr)."""


def write_fixed(path: str, before: bytes, after: bytes) -> None:
    """Write ``after`` over the file at ``path``, whose bytes must still be ``before``.

    - A symbolic link is followed: its target is fixed, the link stays a link.
    - A file without write permission (mode 0444, or not writable by this
      user) is refused, never rewritten (even by root).
    - Usually a temporary file next to it, with the same mode, owner and group,
      is renamed over it: readers see the old or the new file, never a mix, and
      an interrupted run leaves the old one.
    - A file with more than one hard link, or whose owner or group this process
      may not give to a new file, is written in place instead (the same inode:
      every link sees the fix, owner, group, ACLs and extended attributes stay),
      after a backup copy is made next to it; the backup is removed once the
      new bytes are on disk, and the original is restored from it if the write
      fails.

    Raises NotFixed with the reason when the file changed since it was read,
    is read-only, or cannot be written (nothing is changed then)."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except OSError as exc:
        raise NotFixed(_reason(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise NotFixed("not a regular file any more; not rewritten")
    if not st.st_mode & 0o222:
        raise NotFixed(f"read-only file (mode {stat.S_IMODE(st.st_mode):04o}); not rewritten")
    if not os.access(real, os.W_OK):
        raise NotFixed(f"no permission to write it (mode {stat.S_IMODE(st.st_mode):04o}); not rewritten")
    if st.st_nlink > 1 or not _replace(real, before, after, st):
        _write_in_place(real, before, after)


def _replace(real: str, before: bytes, after: bytes, st: os.stat_result) -> bool:
    """Rename a new file over ``real``; False (nothing done) when its owner or group cannot be kept."""
    try:
        fd, made_tmp = tempfile.mkstemp(prefix=".hyperlint-", dir=os.path.dirname(real))
    except OSError as exc:
        raise NotFixed(f"cannot write a file in its folder ({_reason(exc)})") from None
    tmp: str | None = made_tmp
    try:
        try:
            made = os.fstat(fd)
            if (made.st_uid, made.st_gid) != (st.st_uid, st.st_gid):
                try:
                    os.fchown(fd, st.st_uid, st.st_gid)
                except OSError:
                    return False  # not permitted: write in place, which keeps them
            _write_all(fd, after)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            os.fsync(fd)
        finally:
            os.close(fd)
        _check_unchanged(real, before)
        os.replace(made_tmp, real)
        tmp = None
        return True
    except OSError as exc:
        raise NotFixed(f"cannot write ({_reason(exc)})") from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _write_in_place(real: str, before: bytes, after: bytes) -> None:
    flags = os.O_RDWR | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise NotFixed(f"cannot write ({_reason(exc)})") from None
    backup = None
    safe = True  # the file holds whole bytes (the old or the new ones): the backup may go
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotFixed("not a regular file any more; not rewritten")
        if _read_all(fd) != before:
            raise NotFixed("changed while hyperlint ran; not fixed (run it again)")
        try:
            bfd, backup = tempfile.mkstemp(prefix=".hyperlint-backup-", dir=os.path.dirname(real))
            try:
                _write_all(bfd, before)
                os.fsync(bfd)
            finally:
                os.close(bfd)
        except OSError as exc:
            raise NotFixed(f"cannot write a backup copy in its folder ({_reason(exc)}); not rewritten") from None
        safe = False  # from here until the write is done, an interruption keeps the backup
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            _write_all(fd, after)
            os.ftruncate(fd, len(after))
            os.fsync(fd)
            safe = True
        except OSError as exc:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                _write_all(fd, before)
                os.ftruncate(fd, len(before))
                os.fsync(fd)
                safe = True
            except OSError:
                raise NotFixed(f"cannot write ({_reason(exc)}); the original bytes are in {backup}") from None
            raise NotFixed(f"cannot write ({_reason(exc)}); left unchanged") from None
    finally:
        os.close(fd)
        if backup is not None and safe:
            try:
                os.unlink(backup)
            except OSError:
                pass


def _check_unchanged(path: str, before: bytes) -> None:
    from .discover import read_input

    try:
        now = read_input(path)
    except Exception as exc:  # Unreadable (replaced by a FIFO) or OSError
        raise NotFixed(f"cannot read it again ({_reason(exc)}); not fixed") from None
    if now != before:
        raise NotFixed("changed while hyperlint ran; not fixed (run it again)")


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOENT:
            return "no such file: it was removed or renamed while hyperlint ran"
        return exc.strerror or str(exc)
    return str(exc)


# -- the run ----------------------------------------------------------------------------------------

class FixOutcome(Record):
    """What a fix run did: the fixed bytes per file, how many findings it fixed,
    the diff, the stdin stream to print, and a message per file not fixed."""

    __slots__ = ("files", "count", "diff", "stdin", "messages")

    def __init__(self, files: dict, count: int, diff: bytes, stdin: bytes | None,
                 messages: list[str] | None = None) -> None:
        self.files = files  # display name -> fixed bytes
        self.count = count  # findings fixed
        self.diff = diff
        self.stdin = stdin  # the stdin stream to print (fixed, or as it came), when stdin was linted
        self.messages = [] if messages is None else messages  # files meant to be fixed and not: exit code 2

    def add(self, other: "FixOutcome") -> None:
        """Take in another run's outcome (a chart's own files, fixed apart from the inputs)."""
        self.files.update(other.files)
        self.count += other.count
        self.diff += other.diff
        self.messages += other.messages

    def refreshed(self, found):
        """``found`` with stdin replaced by its fixed bytes, to lint again."""
        inputs = [i.replace(stdin=self.files.get(i.display, i.stdin)) if i.stdin is not None else i
                  for i in found.inputs]
        return found.replace(inputs=inputs)


def fix_run(inputs, findings: list[Finding], unsafe: bool = False, write: bool = True,
            digests: dict | None = None, relint: Callable | None = None, rounds: int = 10) -> FixOutcome:
    """Fix every input that has fixable findings; write the files unless ``write``
    is False. ``digests`` (``Result.digests``): a file is fixed only if its bytes
    are still the ones linted (None: trust the bytes, for callers that lint
    bytes held in memory).

    One fix can make another one safe (once a nodeSelector says `ml.p5.48xlarge`,
    the workload is known to target HyperPod, and its other instance types are
    fixed too), so with ``relint`` (inputs -> Result: the run linted again, with
    the fixed files' bytes held in memory) fixing goes on, round after round,
    until a round fixes nothing (at most ``rounds``): one `--fix` fixes what a
    second would. Each file is written once, at the end, from the bytes read in
    the first round to the bytes of the last."""
    outcome = FixOutcome({}, 0, b"", None)
    first: dict[str, tuple] = {}  # display -> (input, bytes read in the first round)
    current: dict[str, bytes] = {}  # display -> the fixed bytes so far
    counts: dict[str, int] = {}  # display -> findings fixed
    skip: set[str] = set()  # not fixed again: refused once, or another name (hard link) of a file fixed
    seen: dict[tuple[int, int], str] = {}  # (device, inode) -> the display that fixes that file
    for inp in inputs:
        if inp.stdin is not None:
            outcome.stdin = inp.stdin  # printed as it came unless fixed below
    now = list(inputs)
    for _ in range(max(rounds, 1)):
        fixed_any = False
        by_file: dict = {}
        for f in findings:
            by_file.setdefault(f.loc.file, []).append(f)
        for inp in now:
            mine = by_file.get(inp.display)
            if not mine or inp.problem is not None or inp.display in skip:  # a FIFO, a folder ...: never opened
                continue
            try:
                done = _fix_input(inp, mine, unsafe, digests, first, current, seen)
            except NotFixed as exc:
                outcome.messages.append(f"{inp.display}: {exc}")
                skip.add(inp.display)
                continue
            except Exception as exc:  # a bug here must not lose the report or the stdin stream
                from .safe import describe_failure

                outcome.messages.append(f"internal error while fixing {inp.display}: {describe_failure(exc)}")
                skip.add(inp.display)
                continue
            if done is None:
                skip.add(inp.display)
            elif done:
                counts[inp.display] = counts.get(inp.display, 0) + done
                fixed_any = True
        if not fixed_any or relint is None:
            break
        # the same inputs (path, walked ...), the fixed ones with their bytes held in memory
        now = [i.replace(stdin=current[i.display]) if i.display in current else i for i in inputs]
        again = relint(now)
        findings, digests = again.findings, again.digests
    for display, data in current.items():
        inp, raw = first[display]
        fixed_raw = _encoded(raw, data)
        if fixed_raw == raw:
            continue
        if write and inp.path is not None:
            try:
                write_fixed(inp.path, raw, fixed_raw)
            except NotFixed as exc:
                outcome.messages.append(f"{display}: {exc}")
                continue
        if inp.stdin is not None:
            outcome.stdin = fixed_raw
        outcome.files[display] = fixed_raw
        outcome.count += counts.get(display, 0)
        outcome.diff += unified_diff(display, raw, fixed_raw)
    return outcome


def _encoded(raw: bytes, fixed: bytes) -> bytes:
    """The fixed UTF-8 bytes in the encoding (and with the BOM) of ``raw``."""
    from .parse import encoding_of

    bom, encoding = encoding_of(raw)
    return bom + (fixed if encoding == "utf-8" else fixed.decode("utf-8").encode(encoding))


def _fix_input(inp, mine, unsafe: bool, digests, first: dict, current: dict, seen: dict) -> int | None:
    """Fix one input's bytes (the first round reads them; later rounds get them in
    ``inp.stdin``): the number of findings fixed, None for a file never to fix
    (another name of one already fixed)."""
    from .discover import Unreadable, read_input
    from .context import digest
    from .parse import decode, encoding_of

    fixable = _fixers({f.rule for f in mine if "fixed" in (f.facts or {})}, unsafe)
    if not fixable:
        return 0  # nothing this run may fix: the file is not read again
    if inp.stdin is not None:
        raw = inp.stdin
    else:
        try:
            raw = read_input(inp.path)  # regular files only, never blocking
            st = os.stat(inp.path)
        except (Unreadable, OSError) as exc:
            raise NotFixed(f"cannot read it again ({_reason(exc)}); not fixed") from None
        ident = (st.st_dev, st.st_ino)
        if seen.setdefault(ident, inp.display) != inp.display:
            return None  # another name of a file fixed under its first name (a hard link): fixed once
    if inp.display in current:  # a later round: the bytes are the UTF-8 ones fixed so far
        data, problem = raw, None
    else:
        data, problem = decode(raw)
    if digests is not None and (problem is not None or digests.get(inp.display) != digest(data)):
        raise NotFixed("changed since it was linted; not fixed (run hyperlint again)")
    if problem is not None:
        return 0
    if inp.display not in current:
        bom, encoding = encoding_of(raw)
        if encoding != "utf-8" and bom + data.decode("utf-8").encode(encoding) != raw:
            raise NotFixed(f"its {encoding.upper()} text does not convert back to the same bytes; not fixed")
    fixed, done = fix_bytes(data, mine, inp.is_json, unsafe, inp.display)
    if not done:
        return 0
    if inp.display not in first:
        first[inp.display] = (inp, raw)
    current[inp.display] = fixed
    return len(done)
