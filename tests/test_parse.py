"""The fast reader: trees, positions, recovery, encodings."""

from __future__ import annotations

import codecs

from hyperlint.locate import locate, pointer
from hyperlint.parse import Document, ParseProblem, decode, parse_source


def docs(text, json=False):
    data = text.encode() if isinstance(text, str) else text
    norm, problem = decode(data)
    assert problem is None
    return list(parse_source(norm, json=json))


def test_positions_are_absolute_across_documents():
    items = docs("a: 1\n---\n# Source: c/templates/x.yaml\nkind: X\nspec:\n  value: p5.48xlarge\n")
    first, second = items
    assert first.root == {"a": 1} and first.source is None
    assert second.source == "c/templates/x.yaml"
    span = locate(second, ("spec", "value"))
    assert (span.line, span.column, span.end_line, span.end_column) == (6, 10, 6, 21)
    key = locate(second, ("spec", "value"), key=True)
    assert (key.line, key.column) == (6, 3)


def test_missing_path_points_at_deepest_existing_key():
    (doc,) = docs("Resources:\n  Cluster:\n    Type: AWS::EKS::Cluster\n    Properties:\n      Name: x\n")
    span = locate(doc, ("Resources", "Cluster", "Properties", "Version"))
    assert (span.line, span.column) == (4, 5)


def test_yaml_1_1_scalars():
    (doc,) = docs('a: yes\nb: 1.30\nc: "1.30"\nd: 0755\ne: ~\nf: 0x1F\ng: 1_000\nh: 10.0.0.0/16\ni: "no"\nj: .inf\n')
    r = doc.root
    assert r["a"] is True and r["b"] == 1.3 and r["c"] == "1.30" and r["d"] == 493
    assert r["e"] is None and r["f"] == 31 and r["g"] == 1000 and r["h"] == "10.0.0.0/16" and r["i"] == "no"
    assert r["j"] == float("inf")


def test_cloudformation_short_form_tags():
    text = (
        "Version: !Ref K8sVersion\n"
        "Arn: !GetAtt Cluster.Arn\n"
        "Sub: !Sub 'arn:${AWS::Partition}:x'\n"
        "If: !If [IsProd, a, b]\n"
        "Join: !Join ['', [a, b]]\n"
        "Azs: !GetAZs ''\n"
    )
    (doc,) = docs(text)
    r = doc.root
    assert r["Version"] == {"Ref": "K8sVersion"}
    assert r["Arn"] == {"Fn::GetAtt": ["Cluster", "Arn"]}
    assert r["Sub"] == {"Fn::Sub": "arn:${AWS::Partition}:x"}
    assert r["If"] == {"Fn::If": ["IsProd", "a", "b"]}
    assert r["Join"] == {"Fn::Join": ["", ["a", "b"]]}
    assert r["Azs"] == {"Fn::GetAZs": ""}
    span = locate(doc, ("Version", "Ref"))
    assert (span.line, span.column) == (1, 15)  # the value, past the tag
    span = locate(doc, ("If", "Fn::If", 2))
    assert (span.line, span.column) == (4, 21)


def test_aliases_are_shared_not_copied_and_merge_keys_apply():
    (doc,) = docs("base: &b {x: 1, y: 2}\nuse: *b\nmerged:\n  <<: *b\n  y: 3\n")
    r = doc.root
    assert r["use"] is r["base"]
    assert r["merged"] == {"x": 1, "y": 3}
    span = locate(doc, ("merged", "x"))  # a merged key points at its definition
    assert span.line == 1


def test_alias_bomb_stays_small():
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 30):
        prev = chr(ord("a") + i - 1) if i < 26 else f"z{i - 1}"
        name = chr(ord("a") + i) if i < 26 else f"z{i}"
        lines.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    (problem,) = docs("\n".join(lines) + "\n")  # read instantly: 10**29 leaves are never expanded,
    assert isinstance(problem, ParseProblem)  # and reported (Kubernetes refuses excessive aliasing too)
    assert "its aliases stand for more than 1,000,000 values (an alias bomb)" in problem.message
    (doc,) = docs("\n".join(lines[:5]) + "\n")  # sharing within the limit is kept, as references
    assert len(doc.root) == 5 and doc.root["e"][0] is doc.root["d"]


def test_duplicate_keys_and_unknown_alias_are_problems_in_a_kept_document():
    (doc,) = docs("a: 1\nb: *nope\na: 2\n")
    assert doc.root["a"] == 2
    messages = [(p.line, p.message) for p in doc.problems]
    assert (1, "unknown alias *nope") in messages
    assert any(line == 2 and "duplicate key 'a' (first defined at line 1)" in m for line, m in messages)


def test_syntax_error_recovers_at_next_document():
    items = docs("a: 1\n---\nb: [1,\n---\nc: 3\n")
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Document", "ParseProblem", "Document"]
    assert items[2].root == {"c": 3}
    assert items[2].start_line == 4
    assert items[1].line == 3  # 0-based: the `---` where libyaml noticed


def test_unterminated_quote_points_at_its_start():
    items = docs('a: 1\nb: "open\n')
    problem = items[-1]
    assert isinstance(problem, ParseProblem) and (problem.line, problem.col) == (1, 3)


def test_invalid_utf8_is_a_problem_at_its_line():
    items = list(parse_source(b"a: 1\nb: caf\xe9\nc: 2\n"))
    problem = next(i for i in items if isinstance(i, ParseProblem))
    assert problem.line == 1 and "UTF-8" in problem.message


def test_utf16_and_bom():
    text = "kind: Pod\nname: caf\u00e9\n"
    for raw in (codecs.BOM_UTF16_LE + text.encode("utf-16-le"), codecs.BOM_UTF8 + text.encode()):
        data, problem = decode(raw)
        assert problem is None
        (doc,) = parse_source(data)
        assert doc.root == {"kind": "Pod", "name": "caf\u00e9"}
        assert locate(doc, ("kind",)).column == 7


def test_binary_input_is_refused():
    data, problem = decode(b"\x00\x01\x02binary")
    assert problem is not None and "binary" in problem.message


def test_json_positions_duplicates_and_errors():
    text = '{\n  "Resources": {\n    "A": {"Type": "AWS::EKS::Cluster", "Properties": {"Version": "1.27"}},\n    "A": {}\n  },\n  "emoji": "\\ud83d\\ude00"\n}\n'
    (doc,) = docs(text, json=True)
    assert doc.root["emoji"] == "\U0001F600"
    assert [p.line for p in doc.problems] == [3]
    (doc,) = docs('{"a": {"b": [1, {"c": "d"}]}}', json=True)
    span = locate(doc, ("a", "b", 1, "c"))
    assert (span.line, span.column, span.end_column) == (1, 23, 26)
    (problem,) = docs('{\n  "a": 1,\n  "b": \n}', json=True)
    assert isinstance(problem, ParseProblem) and problem.line == 3


def test_json_deep_nesting_does_not_recurse():
    depth = 20000
    (doc,) = docs("[" * depth + "]" * depth, json=True)
    assert isinstance(doc, Document)


def test_helm_dry_run_output_keeps_only_manifests():
    text = (
        "NAME: demo\nLAST DEPLOYED: Mon Jan  1 00:00:00 2024\nNAMESPACE: default\nSTATUS: pending-install\n"
        "REVISION: 1\nHOOKS:\n---\n# Source: demo/templates/test.yaml\napiVersion: v1\nkind: Pod\n"
        "metadata: {name: t}\nMANIFEST:\n---\n# Source: demo/templates/job.yaml\napiVersion: batch/v1\nkind: Job\n"
        "metadata: {name: j}\n\nNOTES:\nThank you for installing: {{ broken yaml\n"
    )
    items = docs(text)
    kinds = [(d.root["kind"], d.source, d.start_line) for d in items if isinstance(d, Document) and d.root]
    assert kinds == [("Pod", "demo/templates/test.yaml", 8), ("Job", "demo/templates/job.yaml", 14)]
    assert not [i for i in items if isinstance(i, ParseProblem)]


def test_pointer_escapes():
    assert pointer(("spec", "nodeSelector", "node.kubernetes.io/instance-type", 0, "a~b")) == \
        "/spec/nodeSelector/node.kubernetes.io~1instance-type/0/a~0b"


def test_colons_in_flow_scalars_are_read_like_cloudformation_and_kubernetes_do():
    # libyaml 0.1.7 (ruamel.yaml.clib) rejects these valid plain scalars; the
    # document is re-read with the pure-Python parser, the rest stays on C.
    text = (
        "a: 1\n"
        "---\n"
        "Conditions:\n"
        "  IsProd: !Equals [!Ref AWS::AccountId, '111122223333']\n"
        "spec: {image: nginx:1.25, arn: arn:aws:iam::1:role/x}\n"
        "---\n"
        "c: [3\n"
        "---\n"
        "d: 4\n"
    )
    items = docs(text)
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Document", "Document", "ParseProblem", "Document"]
    second = items[1]
    assert second.root["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "AWS::AccountId"}, "111122223333"]}
    assert second.root["spec"] == {"image": "nginx:1.25", "arn": "arn:aws:iam::1:role/x"}
    span = locate(second, ("spec", "image"))
    assert (span.line, span.column) == (5, 15)
    assert [i.index for i in items if isinstance(i, Document)] == [0, 1, 3]
    assert items[3].root == {"d": 4} and items[3].start_line == 8
