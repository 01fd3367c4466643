"""A fix run: the files of a run fixed round after round, each written once."""

from __future__ import annotations

import os
from typing import Callable

from ..findings import Finding
from ..record import Record
from .edits import fix_bytes, fixers_for, unified_diff
from .write import NotFixed, failure_reason, write_fixed


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
                from ..safe import describe_failure

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
    from ..parse import encoding_of

    bom, encoding = encoding_of(raw)
    return bom + (fixed if encoding == "utf-8" else fixed.decode("utf-8").encode(encoding))


def _fix_input(inp, mine, unsafe: bool, digests, first: dict, current: dict, seen: dict) -> int | None:
    """Fix one input's bytes (the first round reads them; later rounds get them in
    ``inp.stdin``): the number of findings fixed, None for a file never to fix
    (another name of one already fixed)."""
    from ..context import digest
    from ..discover import Unreadable, read_input
    from ..parse import decode, encoding_of

    fixable = fixers_for({f.rule for f in mine if "fixed" in (f.facts or {})}, unsafe)
    if not fixable:
        return 0  # nothing this run may fix: the file is not read again
    if inp.stdin is not None:
        raw = inp.stdin
    else:
        try:
            raw = read_input(inp.path)  # regular files only, never blocking
            st = os.stat(inp.path)
        except (Unreadable, OSError) as exc:
            raise NotFixed(f"cannot read it again ({failure_reason(exc)}); not fixed") from None
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
