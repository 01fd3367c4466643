"""parse_yaml pinned against a reference loader: on random documents (no CloudFormation tags, no
duplicate keys, no timestamps), hyperlint's trees equal ruamel.yaml's safe loader reading YAML 1.1,
the rules Kubernetes and CloudFormation read YAML by."""

from __future__ import annotations

import io
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from hyperlint.parse import Document, parse_source

WORDS = st.sampled_from(["a", "name", "yes", "no", "on", "off", "null", "~", "true", "False", "0755", "1.30",
                         "1_000", "0x1F", ".inf", "-.inf", "1e3", "12", "-7", "p5.48xlarge", "ml.p5.48xlarge",
                         "a: b", "# not a comment", "- item", "{x}", "[y]", "multi\nline", "tab\there", "", " ",
                         "'quoted'", '"double"', "ünïcode", "&anchor", "*alias", "!tag", "%pct", "@at", "`tick`"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=True, width=64), WORDS,
                    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12))
KEYS = st.one_of(WORDS, st.text("abcdefgh-_./", min_size=1, max_size=8))
TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=4)), max_leaves=20)


def _yaml(flow: bool) -> YAML:
    y = YAML(typ="safe", pure=True)
    y.version = (1, 1)
    y.default_flow_style = flow
    y.width = 4096
    return y


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=st.dictionaries(KEYS, TREES, min_size=1, max_size=5), flow=st.booleans())
def test_trees_equal_the_reference_loader(tree, flow):
    out = io.StringIO()
    _yaml(flow).dump(tree, out)
    text = out.getvalue()
    reference = _yaml(flow).load(text)
    docs = [d for d in parse_source(text.encode("utf-8")) if isinstance(d, Document)]
    problems = [p for p in parse_source(text.encode("utf-8")) if not isinstance(p, Document)]
    assert not problems, (text, problems)
    assert len(docs) == 1
    assert _same(docs[0].root, reference), (text, docs[0].root, reference)


def _marks_in_order(root, marks: dict) -> list:
    """The position table without its id() keys: the marks of each collection, in tree order."""
    out, todo = [], [root]
    while todo:
        node = todo.pop()
        if isinstance(node, (dict, list)):
            own = marks.get(id(node))
            out.append(dict(own) if isinstance(own, dict) else list(own or ()))
            todo.extend(reversed(list(node.values()) if isinstance(node, dict) else node))
    return out


def _everything(path):
    out = []
    for item in parse_source(path.read_bytes(), json=path.suffix == ".json"):
        if isinstance(item, Document):
            out.append(("doc", repr(item.root), repr(_marks_in_order(item.root, item.marks)), item.root_mark, item.start_line, item.end_line,
                        [(p.message, p.line, p.col) for p in item.problems], item.tags))
        else:
            out.append(("problem", item.message, item.line, item.col))
    return out


def test_the_inlined_scalar_path_equals_the_generic_path(monkeypatch):
    from conftest import FIXTURES, ROOT
    from hyperlint.parse import yaml_events

    files = sorted(p for base in (FIXTURES, ROOT / "examples") for p in base.rglob("*")
                   if p.suffix in (".yaml", ".yml") and p.is_file() and "hostile" not in p.parts)
    assert len(files) > 50
    inlined = {p: _everything(p) for p in files}
    monkeypatch.setattr(yaml_events, "INLINE_SCALARS", False)
    differ = [str(p) for p in files if _everything(p) != inlined[p]]
    assert not differ, differ
