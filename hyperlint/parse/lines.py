"""Line breaks as the parsers count them: the one definition for positions.

A finding's line and column come from the parser's marks, so everything that
turns a line back into a byte offset (error recovery here, ``hyperlint.fix``)
must count lines the same way:

- YAML: libyaml (and Kubernetes' go-yaml, a port of it) follows YAML 1.1, where
  CR LF, CR, LF, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR
  (U+2029) each end a line. YAML 1.2 keeps only the first three, but the
  positions must be the parser's, and the tools that read the manifests read
  them as libyaml does.
- JSON: only LF (``hyperlint.parse.json_pos`` counts LF; CR is whitespace).

Files without CR, NEL or the separators (almost all) take the fast path of
``bytes.find``.
"""

from __future__ import annotations

import re

_YAML = re.compile(rb"\r\n|[\r\n]|\xc2\x85|\xe2\x80[\xa8\xa9]")
_OTHER = (b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


def only_lf(data: bytes, json: bool = False) -> bool:
    """Whether LF is the only line break ``data`` holds (for its parser)."""
    return json or not any(b in data for b in _OTHER)


def has_unicode_breaks(data: bytes) -> bool:
    """Whether ``data`` holds NEL, U+2028 or U+2029 (line breaks for libyaml, not for YAML 1.2 readers)."""
    return any(b in data for b in _OTHER[1:])


def line_starts(data: bytes, json: bool = False) -> list[int]:
    """The byte offset where each line starts (the first is 0)."""
    starts = [0]
    if only_lf(data, json):
        find = data.find
        pos = find(b"\n")
        while pos >= 0:
            starts.append(pos + 1)
            pos = find(b"\n", pos + 1)
        return starts
    starts += [m.end() for m in _YAML.finditer(data)]
    return starts


def count_breaks(data: bytes, start: int, end: int, lf_only: bool) -> int:
    """Line breaks in ``data[start:end]`` (``end`` at a line start)."""
    if lf_only:
        return data.count(b"\n", start, end)
    return sum(1 for _ in _YAML.finditer(data, start, end))


def line_start(data: bytes, base: int, line: int, lf_only: bool) -> int | None:
    """Byte offset where the 0-based ``line`` (counted from ``base``) starts, or None past the end."""
    pos = base
    if lf_only:
        for _ in range(max(line, 0)):
            pos = data.find(b"\n", pos)
            if pos < 0:
                return None
            pos += 1
        return pos
    if line <= 0:
        return pos
    for n, m in enumerate(_YAML.finditer(data, base), 1):
        if n == line:
            return m.end()
    return None


def last_line_start(data: bytes, base: int, pos: int, lf_only: bool) -> int:
    """Byte offset where the line holding ``pos`` starts (not before ``base``)."""
    if lf_only:
        return max(data.rfind(b"\n", base, pos) + 1, base)
    start = base
    for m in _YAML.finditer(data, base, pos):
        start = m.end()
    return start


def line_text(data: bytes, line: int, lf_only: bool) -> bytes | None:
    """The 0-based ``line`` without its line break, or None past the end."""
    start = line_start(data, 0, line, lf_only)
    if start is None:
        return None
    if lf_only:
        end = data.find(b"\n", start)
        return data[start:end if end >= 0 else len(data)]
    m = _YAML.search(data, start)
    return data[start:m.start() if m else len(data)]


_SAME_LENGTH = {b"\r\n": b" \n", b"\r": b"\n", b"\n": b"\n", b"\xc2\x85": b" \n", b"\xe2\x80\xa8": b"  \n",
                b"\xe2\x80\xa9": b"  \n"}


def as_lf(data: bytes) -> bytes:
    """``data`` with every YAML line break turned into LF, padded with spaces to the
    same length: byte offsets stay, and code that counts LF counts the parser's lines."""
    if only_lf(data):
        return data
    return _YAML.sub(lambda m: _SAME_LENGTH[m.group()], data)
