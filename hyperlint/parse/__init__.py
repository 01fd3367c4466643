"""Parse: bytes -> documents (plain trees + positions), never raising.

``parse_source`` decodes (UTF-8, UTF-16/32 with a BOM), picks the JSON or YAML
reader, unwraps ``helm install --dry-run`` output, and attaches the Helm
template named by each document's ``# Source:`` comment.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_left
from typing import Iterator

from .document import Document, ParseProblem

__all__ = ["Document", "ParseProblem", "decode", "parse_source"]

# Starts with a literal, so the regex engine can skip ahead to each candidate
# (`^[ \t]*` in front made it try every byte); the indentation is checked apart.
_SOURCE_COMMENT = re.compile(rb"# Source: (.+?)[ \t\r]*$", re.MULTILINE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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
    """Yield the documents of UTF-8 ``data`` and a ParseProblem for each error."""
    data = _helm_dry_run_manifest(data)
    sources = _source_comments(data)
    if json:
        from .json_pos import parse_json

        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start)
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1)
            yield ParseProblem(f"invalid UTF-8 (byte 0x{data[exc.start]:02x})", line, col, 0)
            return
        yield from parse_json(text)
        return
    from .yaml_events import parse_yaml

    prev_end = -1
    source_lines = [line for line, _ in sources]
    for item in parse_yaml(data):
        if isinstance(item, Document) and sources:
            i = bisect_left(source_lines, item.start_line) - 1
            if i >= 0 and source_lines[i] >= prev_end:
                item.source = sources[i][1].decode("utf-8", "replace")
            prev_end = item.end_line
        yield item


def _source_comments(data: bytes) -> list[tuple[int, bytes]]:
    """(0-based line, template path) of every Helm `# Source:` comment."""
    found = []
    line, pos = 0, 0
    for m in _SOURCE_COMMENT.finditer(data):
        start = m.start()
        if data[data.rfind(b"\n", 0, start) + 1:start].strip(b" \t"):
            continue  # not alone on its line
        line += data.count(b"\n", pos, start)
        pos = start
        found.append((line, m.group(1)))
    return found


def _helm_dry_run_manifest(data: bytes) -> bytes:
    """Keep only the manifests of `helm install/upgrade --dry-run` output.

    The release header, `HOOKS:`/`MANIFEST:` markers and `NOTES:` are blanked
    line by line, so every position stays the same."""
    if not (data.startswith(b"NAME:") and re.search(rb"^MANIFEST:[ \t\r]*$", data, re.MULTILINE)):
        return data
    lines = data.split(b"\n")
    keep = False
    for i, line in enumerate(lines):
        bare = line.rstrip(b"\r")
        if bare in (b"HOOKS:", b"MANIFEST:"):
            keep = True
            lines[i] = b""
        elif bare == b"NOTES:":
            keep = False
            lines[i] = b""
        elif not keep:
            lines[i] = b""
    return b"\n".join(lines)
