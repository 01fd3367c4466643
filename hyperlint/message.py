"""A finding's message as a short headline, its detail and its help.

Rules write one sentence: the problem, then ``; `` and what to do
(``instance type 'p5.48xlarge' has no 'ml.' prefix: HyperPod nodes are
labelled 'ml.p5.48xlarge', so this matches no HyperPod node; use
'ml.p5.48xlarge'``). The full text output shows a short headline
(under 100 characters where the sentence allows), the rest of the problem
next to the code, and a ``help:`` line; every other format keeps the whole
message. The split is made here, once, from the text the rules already write:

- *help*: the part after the last ``; `` (outside quotes and brackets) when it
  starts with an instruction (``use``, ``remove``, ``set``, ``did you mean``
  ...);
- *data*: the provenance ``hyperlint.data`` appends (`` (data: eks.json as of
  2026-08-20; override with ...)``) becomes a note of its own;
- *headline*: the problem, cut at its first ``: ``, ``, so ``, ``, which ``,
  ``, but `` or ``, the `` when it is longer than ``HEADLINE``, else before a
  parenthesis.
"""

from __future__ import annotations

from typing import NamedTuple

HEADLINE = 90  # characters of a headline before it is cut at a separator
_VERBS = frozenset("""
add allow attach change check choose create define delete did disable drop either enable fix give grant if install
keep label lint list lower make mount move pin provide put quote raise reduce remove rename render replace request
run select set specify split tolerate upgrade use write
""".split())
_CUTS = (": ", ", so ", ", which ", ", but ", ", the ", "; ")


class Parts(NamedTuple):
    headline: str
    detail: str  # the rest of the problem ("" when the headline is all of it)
    help: str  # what to do ("" when the message does not say)
    data: str = ""  # the data table the finding judged by (`data: eks.json as of ...`), shown as a note


_DATA = " (data: "


def _top_level(text: str):
    """Indexes of characters outside quotes, brackets and parentheses."""
    depth, quote = 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if not quote and not before.isalnum():
                quote = True
                continue
            if quote and not after.isalnum():
                quote = False
                continue
        if quote:
            continue
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield i


def _separators(text: str, sep: str) -> list[int]:
    return [i for i in _top_level(text) if text.startswith(sep, i)]


def split(message: str) -> Parts:
    data = ""
    at = message.rfind(_DATA)
    if at > 0 and message.endswith(")"):  # the provenance `hyperlint.data` appends: a note of its own
        message, data = message[:at], message[at + 2:-1]
    head, detail, help_ = _split(message)
    return Parts(head, detail, help_, data)


def _split(message: str) -> tuple[str, str, str]:
    problem, help_ = message, ""
    semis = _separators(message, "; ")
    if semis:
        tail = message[semis[-1] + 2:]
        first = tail.split(" ", 1)[0].strip(",:").lower()
        if first in _VERBS:
            problem, help_ = message[:semis[-1]], tail
    if len(problem) <= HEADLINE:
        return problem, "", help_
    cuts = sorted((i, sep) for sep in _CUTS for i in _separators(problem, sep) if i >= 20)
    if cuts:
        i, sep = cuts[0]
        rest = problem[i + len(sep):] if sep in (": ", "; ") else problem[i + 2:]
        return problem[:i], rest, help_
    closing = problem.rfind(" (")
    if problem.endswith(")") and closing >= 20 and len(problem) > HEADLINE + 10:  # a trailing list of values
        return problem[:closing], problem[closing + 1:], help_
    opening = problem.find(" (")
    if opening >= 20 and len(problem) > HEADLINE + 40:
        return problem[:opening], problem[opening + 1:], help_
    return problem, "", help_
