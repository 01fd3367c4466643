"""Parse: bytes -> documents (plain trees + positions), never raising.

``parse_source`` decodes (UTF-8, UTF-16/32 with a BOM), picks the JSON or YAML
reader, unwraps ``helm install --dry-run`` output, and attaches the Helm
template named by each document's ``# Source:`` comment.
"""

from __future__ import annotations

import codecs
import re
from typing import Iterator

from .document import Document, ParseProblem

__all__ = ["Document", "ParseProblem", "decode", "encoding_of", "parse_source"]

# Starts with a literal, so the regex engine skips ahead to each candidate (a
# leading `^[ \t]*` made it try every byte); the indentation is checked apart.
# No lazy group before an end-of-line test: `(.+?)[ \t\r]*$` is quadratic on a
# long line of spaces. The path is stripped afterwards.
_SOURCE_COMMENT = re.compile(rb"# Source: ([^\n]+)")
_HELM_MARKER = re.compile(rb"^(HOOKS:|MANIFEST:|NOTES:)[ \t\r]*$", re.MULTILINE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(raw: bytes) -> tuple[bytes, str]:
    """(byte order mark, encoding) of ``raw``: (b"", "utf-8") without a BOM."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return bom, encoding
    return b"", "utf-8"


def decode(raw: bytes) -> tuple[bytes, ParseProblem | None]:
    """Normalise input to UTF-8 bytes without a BOM, or explain why not.

    Invalid UTF-8 is left for the parser to report at its exact position."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            if encoding == "utf-8":
                return raw[len(bom):], None
            try:
                return raw[len(bom):].decode(encoding).encode("utf-8"), None
            except UnicodeDecodeError as exc:
                return b"", ParseProblem(f"invalid {encoding.upper()} text: {exc.reason}", 0, 0, None)
    if b"\x00" in raw[:8192]:
        return b"", ParseProblem("binary file (NUL bytes): not YAML or JSON text", 0, 0, None)
    return raw, None


def parse_source(data: bytes, json: bool = False) -> Iterator[Document | ParseProblem]:
    """Yield the documents of UTF-8 ``data`` and a ParseProblem for each error.

    Documents are produced one at a time and nothing is kept per document, so
    a long stream costs the memory of its largest document, not of all."""
    data = _helm_dry_run_manifest(data)
    if json:
        from .json_pos import parse_json

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start)
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
            yield ParseProblem(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", line, col, 0)
            return
        del data
        yield from parse_json(text)
        return
    from .lines import as_lf
    from .yaml_events import parse_yaml

    # the comments' lines counted as the parser counts them (CR, NEL, U+2028 ...: hyperlint.parse.lines)
    sources = _SourceComments(as_lf(data) if b"# Source: " in data else data)
    prev_end = -1
    for item in parse_yaml(data):
        if isinstance(item, Document):
            found = sources.last_before(item.start_line)
            if found is not None and found[0] >= prev_end:
                item.source = found[1].decode("utf-8", "replace")
            prev_end = item.end_line
        yield item


class _SourceComments:
    """Helm `# Source:` comments, read in step with the documents.

    Documents come in file order, so one forward scan finds, for each, the
    last comment above it; no list of all comments is ever built."""

    def __init__(self, data: bytes):
        self._data = data
        self._matches = _SOURCE_COMMENT.finditer(data) if b"# Source: " in data else iter(())
        self._line = 0  # 0-based line of self._pos
        self._pos = 0
        self._next = self._advance()
        self._last: tuple[int, bytes] | None = None

    def _advance(self) -> tuple[int, bytes] | None:
        for m in self._matches:
            path = m.group(1).rstrip(b" \t\r")
            start = m.start()
            if not path or self._data[self._data.rfind(b"\n", 0, start) + 1:start].strip(b" \t"):
                continue  # empty, or not alone on its line
            self._line += self._data.count(b"\n", self._pos, m.start())
            self._pos = m.start()
            return self._line, path
        return None

    def last_before(self, line: int) -> tuple[int, bytes] | None:
        """(0-based line, template path) of the last comment above ``line``."""
        while self._next is not None and self._next[0] < line:
            self._last = self._next
            self._next = self._advance()
        return self._last


def _helm_dry_run_manifest(data: bytes) -> bytes:
    """Keep only the manifests of `helm install/upgrade --dry-run` output.

    The release header, `HOOKS:`/`MANIFEST:` markers and `NOTES:` are blanked
    (their newlines kept), so every position stays the same. One pass, no
    list of lines: the output may be a very long stream."""
    if not (data.startswith(b"NAME:") and re.search(rb"^MANIFEST:[ \t\r]*$", data, re.MULTILINE)):
        return data
    parts = []
    keep = False
    pos = 0
    for m in _HELM_MARKER.finditer(data):
        chunk = data[pos:m.start()]
        parts.append(chunk if keep else b"\n" * chunk.count(b"\n"))
        keep = m.group(1) != b"NOTES:"
        pos = m.end()
    chunk = data[pos:]
    parts.append(chunk if keep else b"\n" * chunk.count(b"\n"))
    return b"".join(parts)
