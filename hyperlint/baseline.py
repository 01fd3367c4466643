"""Baselines: report only the findings that are new.

A finding's identity is what the SARIF fingerprint is made of, without the
message and never the line: the rule, the file (relative to a base folder),
the object (kind, namespace, name) and the JSON pointer. Lines can move and
messages can be reworded without making an old finding new. Several findings
can share an identity (two values of one list ...), so identities are
counted: a baseline with ``count: 2`` absorbs two of them, a third is new.

``--write-baseline FILE`` writes the run's findings as JSON (files relative
to the baseline's folder, so it works from any directory); entries of files
this run did not lint are kept. ``--baseline FILE`` drops the findings it
lists and says how many entries no longer match anything (stale: the
problem was fixed), so rewriting the baseline prunes them. ``--diff-base``
(``hyperlint.diffbase``) compares with the findings of an older commit the
same way.
"""

from __future__ import annotations

import json
import os
from collections import Counter

from .config import ConfigError

FORMAT = 1


def relative(file: str, base: str) -> str:
    if file == "-":
        return file
    try:
        rel = os.path.relpath(os.path.abspath(file), base)
    except ValueError:  # another drive (Windows)
        rel = os.path.abspath(file)
    return rel.replace(os.sep, "/")


def identity(f, base: str) -> tuple[str, str, str, str]:
    """(rule, file relative to ``base``, object, pointer)."""
    obj = "/".join("" if part is None else str(part) for part in f.loc.object) if f.loc.object else ""
    return (f.rule, relative(f.loc.file, base), obj, f.loc.pointer)


def new_findings(findings, known: Counter, base: str) -> tuple[list, Counter]:
    """The findings beyond what ``known`` counts, in order, and how many of each identity matched."""
    used: Counter = Counter()
    out = []
    for f in findings:
        key = identity(f, base)
        if used[key] < known.get(key, 0):
            used[key] += 1
        else:
            out.append(f)
    return out, used


def stale(known: Counter, used: Counter, linted_files: set[str]) -> int:
    """Baseline entries (counted) of linted files that matched nothing: the problem is gone."""
    return sum(count - used.get(key, 0) for key, count in known.items()
               if key[1] in linted_files and count > used.get(key, 0))


# -- the file ---------------------------------------------------------------------------------

def base_of(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def load(path: str) -> Counter:
    """The identities a baseline file lists, counted."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"--baseline: {path}: no such file (write one with --write-baseline {path})") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"--baseline: {path}: not a hyperlint baseline ({exc})") from None
    entries = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or doc.get("hyperlint-baseline") != FORMAT:
        raise ConfigError(f"--baseline: {path}: not a hyperlint baseline (written by --write-baseline)")
    known: Counter = Counter()
    for i, e in enumerate(entries):
        try:
            key = (str(e["rule"]), str(e["file"]), str(e.get("object") or ""), str(e.get("pointer") or ""))
            count = int(e.get("count", 1))
        except (TypeError, KeyError, ValueError):
            raise ConfigError(f"--baseline: {path}: entry {i} needs rule, file, object, pointer and count") from None
        known[key] += max(count, 0)
    return known


def write(path: str, findings, linted: list[str]) -> tuple[int, int]:
    """Write the baseline of ``findings``; keep the entries of files not in ``linted``.
    (entries written, stale entries pruned)."""
    base = base_of(path)
    linted_files = {relative(file, base) for file in linted}
    previous: Counter = Counter()
    if os.path.exists(path):
        try:
            previous = load(path)
        except ConfigError:
            previous = Counter()  # not a baseline (yet): overwritten
    current: Counter = Counter()
    messages: dict = {}
    for f in findings:
        key = identity(f, base)
        current[key] += 1
        messages.setdefault(key, f.message)
    kept = Counter({k: c for k, c in previous.items() if k[1] not in linted_files})
    pruned = sum(max(c - current.get(k, 0), 0) for k, c in previous.items() if k[1] in linted_files)
    entries = kept + current
    doc = {
        "hyperlint-baseline": FORMAT,
        "note": "Findings hyperlint reports only when they are new (hyperlint check --baseline). "
                "Rewrite with --write-baseline to drop fixed ones.",
        "findings": [
            {"rule": k[0], "file": k[1], "object": k[2], "pointer": k[3], "count": c,
             **({"message": messages[k]} if k in messages else {})}
            for k, c in sorted(entries.items())
        ],
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    try:
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise ConfigError(f"--write-baseline: cannot write {path} ({exc.strerror or exc})") from None
    return sum(entries.values()), pruned
