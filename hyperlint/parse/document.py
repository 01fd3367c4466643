"""What the parsers produce: plain trees with a side table of positions.

Rules see only plain ``dict``/``list``/scalar trees. Where each value sits in
the file is kept apart, in ``Document.marks``: for every container, keyed by
``id(container)``, the marks of its children. ``hyperlint.locate`` is the one
place that turns a path into a position.

A child mark is a 6-tuple of 0-based numbers
``(key_line, key_col, line, col, end_line, end_col)``; for sequence items the
key fields repeat the value's start.
"""

from __future__ import annotations

from typing import Any

from ..record import Record

# Values one document may stand for: scalars and containers, each alias (and
# so each merge key) counted as the values it stands for; mapping keys are not
# counted. Kubernetes objects are at most 1.5 MB (etcd) and CloudFormation
# templates 1 MB, a few tens of thousands of values; the limit bounds the
# memory of a hostile document to a few hundred MB, and the work of any code
# that handles shared parts once per reference (an alias bomb).
MAX_VALUES = 1_000_000
# Levels of nesting a YAML document may have. libyaml's scanner works in time
# quadratic in the depth of flow collections (10,000 nested `[` take a second,
# 40,000 ten), and no manifest or template comes near: Kubernetes' own YAML
# reader stops at 10,000. A deeper document is reported and the stream goes on.
MAX_DEPTH = 1000


def short_repr(value, limit: int = 80) -> str:
    """repr() of a scalar key or name for a message, at most ``limit`` characters."""
    from ..safe import describe

    return describe(value, limit)


class ParseProblem(Record):
    """A syntax, encoding or structure error (reported as HP001)."""

    __slots__ = ("message", "line", "col", "doc_index")

    def __init__(self, message: str, line: int, col: int, doc_index: int | None = None) -> None:
        self.message = message
        self.line = line  # 0-based
        self.col = col  # 0-based
        self.doc_index = doc_index


class Document(Record):
    """One parsed document: its plain tree and the positions of its values."""

    # __weakref__: tests check that each tree is dropped before the next is read
    __slots__ = ("index", "root", "marks", "root_mark", "start_line", "end_line", "source", "problems",
                 "tags", "__weakref__")

    def __init__(
        self,
        index: int,
        root: Any,
        marks: dict | None = None,
        root_mark: tuple = (0, 0, 0, 0, 0, 0),
        start_line: int = 0,
        end_line: int = 0,
        source: str | None = None,
        problems: list | None = None,
        tags: list | None = None,
    ) -> None:
        self.index = index  # position of the document in its file, 0-based
        self.root = root
        self.marks = {} if marks is None else marks
        self.root_mark = root_mark
        self.start_line = start_line  # 0-based line of the root node
        self.end_line = end_line
        self.source = source  # Helm template from a `# Source:` comment
        self.problems = [] if problems is None else problems  # ParseProblems found inside (duplicate keys)
        self.tags = [] if tags is None else tags  # (tag, line, col) of local tags that are not CloudFormation's
