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

The package: ``edits`` (spans, edits, verification, diffs), ``write`` (writing a
fixed file safely), ``run`` (fixing the files of a run, round after round).
"""

from __future__ import annotations

from .edits import Edit, Source, apply, edits_for, fix_bytes, insert_entry, unified_diff, verify
from .run import FixOutcome, fix_run
from .write import NotFixed, write_fixed

__all__ = ["Edit", "FixOutcome", "NotFixed", "Source", "apply", "edits_for", "fix_bytes", "fix_run", "insert_entry",
           "unified_diff", "verify", "write_fixed"]
