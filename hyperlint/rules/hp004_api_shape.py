"""A SageMaker API document field or enum value that the API does not have.

## What it does
Checks the JSON (or YAML) given to `aws sagemaker create-cluster` /
`update-cluster` (`--cli-input-json`) or saved from `describe-cluster`
against the SageMaker API's own shapes, and reports:

- a field the API does not have where it is written (`Instancecount`,
  `KubernetesConfig` under `Orchestrator.Eks` instead of under an instance
  group), with the field it most likely means or where the API has it;
- a value outside a closed set (`"Mode": "Enabled"` where the API takes
  `Enable` or `Disable`), with the value it most likely means.

The shapes are data generated from botocore's service model
(`schemas/api-shapes.json`: every shape reachable from the `CreateCluster`
and `UpdateCluster` input and the `DescribeCluster` output). A document with
`ClusterStatus`, `CreationTime` or `FailureMessage` is describe-cluster
output; otherwise it is read as the input it fits best. Instance type names
are HP201's; label and taint patterns are HP216's. Template text (`{{ }}`,
`${VAR}`) is not judged.

## Why is this bad?
The AWS CLI validates parameters against the same model before it sends the
request: an unknown field or value fails the whole command
(`Unknown parameter in InstanceGroups[0]: "Instancecount"`, `Invalid value
for parameter AutoScaling.Mode`). In a document kept for reference
(describe-cluster output read by other tools), a misspelt field silently
means something else to hyperlint and to you.

## Example
```yaml
ClusterName: training
Orchestrator:
  Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
NodeRecovery: Automatic
AutoScaling:
  Mode: Enabled
InstanceGroups:
  - InstanceGroupName: workers
    InstanceType: ml.g5.8xlarge
    InstanceCount: 2
    ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Use instead
```yaml
ClusterName: training
Orchestrator:
  Eks: {ClusterArn: "arn:aws:eks:us-west-2:111122223333:cluster/training"}
VpcConfig: {SecurityGroupIds: [sg-0a1b2c3d], Subnets: [subnet-0a1b2c3d]}
NodeRecovery: Automatic
AutoScaling:
  Mode: Enable
InstanceGroups:
  - InstanceGroupName: workers
    InstanceType: ml.g5.8xlarge
    InstanceCount: 2
    ExecutionRole: arn:aws:iam::111122223333:role/hyperpod-exec
```

## Fix
Safe: a field name or value that differs from the API's only in letter case
(`automatic` -> `Automatic`). Unsafe (`--unsafe-fixes`): the one closest
spelling (`Enabled` -> `Enable`), when no other is as close.

## References
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateCluster.html
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateCluster.html
- https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeCluster.html
"""

from __future__ import annotations

from hyperlint.findings import Hit
from hyperlint.safe import VALUE_LIMIT, printable
from hyperlint.templating import is_placeholder

ID = "HP004"
NAME = "api-shape"
SEVERITY = "warning"
TIER = "extended"
FIX = "safe"

# Shapes whose values other rules judge with better messages.
_OTHER_RULES = {"ClusterInstanceType": "HP201"}
_DESCRIBE_ONLY = ("ClusterStatus", "CreationTime", "FailureMessage")
_MAX_DEPTH = 32


def check_api(root, ctx):
    if not isinstance(root, dict):
        return
    shapes = ctx.data.api_shape_map
    operation, shape = _operation(root, ctx.data.api_shapes["operations"], shapes)
    places = _places(shapes, shape)
    stack = [(root, shape, ())]
    seen: set = set()  # (container, shape) pairs walked: a value shared through YAML aliases is checked once
    while stack:
        value, name, path = stack.pop()
        if len(path) > _MAX_DEPTH:
            continue
        if isinstance(value, (dict, list)):
            if (id(value), name) in seen:
                continue
            seen.add((id(value), name))
        spec = shapes.get(name, {})
        kind = spec.get("type")
        if kind == "structure" and isinstance(value, dict):
            members = spec.get("members", {})
            for key, item in value.items():
                if not isinstance(key, str) or is_placeholder(key):
                    continue
                if key in members:
                    if item is not None:
                        stack.append((item, members[key]["shape"], path + (key,)))
                    continue
                yield _unknown_field(key, path, members, _homes(key, shapes, places), operation)
        elif kind == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, spec["member"]["shape"], path + (i,)))
        elif kind == "map" and isinstance(value, dict):
            for key, item in value.items():
                if item is not None:
                    stack.append((item, spec["value"]["shape"], path + (key,)))
        elif kind == "string" and "enum" in spec and isinstance(value, str) and name not in _OTHER_RULES:
            if value not in spec["enum"] and not is_placeholder(value):
                yield _bad_value(value, path, spec["enum"])


def _operation(root: dict, ops: dict, shapes: dict) -> tuple[str, str]:
    """(operation, its root shape) the document is for: describe-cluster output when it
    has a field only that output has, else the operation whose fields (top level and
    instance groups) it fits best (create, then update, then describe on a tie)."""
    candidates = [("DescribeCluster output", ops["DescribeCluster"]["output"]),
                  ("CreateCluster input", ops["CreateCluster"]["input"]),
                  ("UpdateCluster input", ops["UpdateCluster"]["input"])]
    if any(key in root for key in _DESCRIBE_ONLY):
        return candidates[0]
    return min(candidates[1:] + candidates[:1], key=lambda c: _misfits(root, c[1], shapes))


def _misfits(root: dict, shape: str, shapes: dict) -> int:
    """Fields of ``root`` (and of the structures in its lists) that ``shape`` does not have."""
    members = shapes[shape].get("members", {})
    count = 0
    for key, value in root.items():
        if key not in members:
            count += 1
            continue
        spec = shapes.get(members[key]["shape"], {})
        if spec.get("type") == "list" and isinstance(value, list):
            inner = shapes.get(spec["member"]["shape"], {}).get("members")
            if inner is not None:
                count += sum(1 for item in value if isinstance(item, dict) for k in item if k not in inner)
    return count


def _places(shapes: dict, root: str) -> dict[str, str]:
    """Shape name -> where it first appears in the document (`InstanceGroups[*].KubernetesConfig`)."""
    found = {root: ""}
    queue = [root]
    while queue:
        name = queue.pop(0)
        spec = shapes.get(name, {})
        here = found[name]
        children = []
        if spec.get("type") == "structure":
            children = [(m["shape"], f"{here}.{key}" if here else key) for key, m in spec.get("members", {}).items()]
        elif spec.get("type") == "list":
            children = [(spec["member"]["shape"], f"{here}[*]")]
        elif spec.get("type") == "map":
            children = [(spec["value"]["shape"], f"{here}.<key>")]
        for child, where in children:
            if child not in found:
                found[child] = where
                queue.append(child)
    return found


def _shown(path: tuple) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "the document"


def _closest(word: str, choices) -> tuple[str | None, bool]:
    """(the choice ``word`` most likely means, whether that is certain: same letters, other case)."""
    same = [c for c in choices if c.lower() == word.lower()]
    if len(same) == 1:
        return same[0], True
    import difflib  # only for a word the API does not have

    close = difflib.get_close_matches(word, list(choices), n=2, cutoff=0.75)
    if len(close) == 1 or (len(close) == 2 and difflib.SequenceMatcher(None, word, close[0]).ratio()
                           - difflib.SequenceMatcher(None, word, close[1]).ratio() >= 0.1):
        return close[0], False
    return None, False


def _homes(key: str, shapes: dict, places: dict) -> list[str]:
    """Where in the document the API has a field named ``key``, shortest first."""
    found = {f"{places[name]}.{key}".lstrip(".") for name in places
             if key in shapes.get(name, {}).get("members", {})}
    return sorted(found, key=lambda w: (len(w), w))


def _unknown_field(key: str, path: tuple, members: dict, homes: list[str], operation: str) -> Hit:
    shown = printable(key, VALUE_LIMIT)
    where = _shown(path)
    meant, certain = _closest(key, members)
    if meant:
        return Hit(path + (key,), f"{where} has no field '{shown}' in the SageMaker API ({operation}); did you mean "
                                  f"'{meant}'?", key=True,
                   facts={"value": key, "fixed": meant, "unsafe_fix": not certain, "key": True})
    hint = f"; the API has it at {homes[0]}" if homes else \
        f" (it has {', '.join(sorted(members)[:12])}{' ...' if len(members) > 12 else ''})"
    effect = "describe-cluster never returns it" if operation.startswith("Describe") else "so the request is refused"
    return Hit(path + (key,), f"{where} has no field '{shown}' in the SageMaker API ({operation}), {effect}{hint}",
               key=True)


def _bad_value(value: str, path: tuple, allowed: list) -> Hit:
    shown = printable(value, VALUE_LIMIT)
    meant, certain = _closest(value, allowed)
    choices = ", ".join(allowed) if len(allowed) <= 8 else ", ".join(allowed[:8]) + " ..."
    if meant:
        return Hit(path, f"{_shown(path)} is '{shown}', which the SageMaker API does not accept; did you mean "
                         f"'{meant}'? (accepted: {choices})",
                   facts={"value": value, "fixed": meant, "unsafe_fix": not certain})
    return Hit(path, f"{_shown(path)} is '{shown}', which the SageMaker API does not accept (accepted: {choices})")


def fix(finding, source):
    """Write the API's spelling of a field name or enum value (the one "did you mean" names)."""
    facts = finding.facts or {}
    if "fixed" not in facts:
        return []
    old, new = str(facts["value"]), str(facts["fixed"])
    if not facts.get("key"):
        edit = source.replace_scalar(finding, old, new)
        return [edit] if edit else []
    from hyperlint.fix import Edit

    start = source.offset(finding.loc.line, finding.loc.column)
    token = old.encode("utf-8")
    text = source.data[start:start + len(token) + 2]
    if text[:1] in (b'"', b"'") and text[1:len(token) + 2] == token + text[:1]:
        start += 1  # a quoted key: replace inside the quotes
    elif not (text.startswith(token) and text[len(token):len(token) + 1] in (b":", b" ", b"")):
        return []
    return [Edit(start, start + len(token), new.encode("utf-8"))]
