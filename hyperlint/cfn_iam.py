"""IAM on CloudFormation templates: whether a role trusts a service, the policy
statements and managed policies that apply to a role, whether a statement may
allow an action on a resource (IAM wildcards, unknown parts match anything), and
what identifies the role a value points at. Everything reads a ``cfn.Template``
(also the CloudFormation-shaped view of Terraform) and answers None when the
policy cannot be read offline."""

from __future__ import annotations

import json
import re
from typing import Iterator

from .cfn import PSEUDO_EXAMPLES, ResourceRef, Template, Unknown, spell

_AWS_MANAGED_POLICY = re.compile(r"^arn:[^:]*:iam::aws:policy/(?:[^\0]*/)?([^/\0]+)$")
_ROLE_ARN = re.compile(r":role/(?:[^:]*/)?([^/:]+)$")
_ROLE_SUB = re.compile(r":role/(?:[^:]*/)?\$\{([A-Za-z0-9]+)(?:\.Arn)?\}$")


def role_trusts(template: Template, role: str, service: str) -> bool | None:
    """Whether the trust policy of the ``AWS::IAM::Role`` ``role`` lets the
    service principal ``service`` (exactly, e.g. ``sagemaker.amazonaws.com``)
    assume it: True, False, or None when the policy cannot be read offline."""
    props = template.properties(role)
    statements = _statements(props.get("AssumeRolePolicyDocument"), ())
    if statements is None:
        return None
    unknown = False
    for st, _ in statements:
        if not isinstance(st, dict) or st.get("Effect", "Allow") != "Allow":
            continue
        principal = st.get("Principal")
        if principal == "*":
            return True
        services = principal.get("Service") if isinstance(principal, dict) else None
        if services is None:
            continue
        for item in services if isinstance(services, list) else [services]:
            spellings = [v.value for v in template.text_parts(item, ())]
            unknown |= not spellings
            for parts in spellings:
                text = spell(parts, None)
                if text is None:
                    unknown = True
                elif text == service:
                    return True
    return None if unknown else False


def role_statements(template: Template, role: str) -> Iterator[tuple[dict, tuple]]:
    """(statement, path) of every IAM policy statement of this template that
    applies to the ``AWS::IAM::Role`` ``role``: its inline ``Policies``, the
    ``AWS::IAM::Policy``/``ManagedPolicy``/``RolePolicy`` resources naming it,
    and the ``AWS::IAM::ManagedPolicy`` resources in its ``ManagedPolicyArns``.
    Documents that cannot be read offline give nothing."""
    props = template.properties(role)
    base = ("Resources", role, "Properties")
    policies = props.get("Policies")
    if isinstance(policies, list):
        for i, pol in enumerate(policies):
            if isinstance(pol, dict):
                yield from _statements(pol.get("PolicyDocument"), base + ("Policies", i, "PolicyDocument")) or ()
    seen = set()
    for name, p, pbase in template.resources_of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        roles = p.get("Roles")
        if isinstance(roles, list) and any(_names_role(template, r, role) for r in roles):
            seen.add(name)
            yield from _statements(p.get("PolicyDocument"), pbase + ("PolicyDocument",)) or ()
    for name, p, pbase in template.resources_of_type("AWS::IAM::RolePolicy"):
        if _names_role(template, p.get("RoleName"), role):
            yield from _statements(p.get("PolicyDocument"), pbase + ("PolicyDocument",)) or ()
    arns = props.get("ManagedPolicyArns")
    for item in arns if isinstance(arns, list) else ():
        target = template.ref_target(item)
        if target not in seen and template.resource_type(target) == "AWS::IAM::ManagedPolicy":
            seen.add(target)
            pbase = ("Resources", target, "Properties")
            yield from _statements(template.properties(target).get("PolicyDocument"), pbase + ("PolicyDocument",)) or ()


def role_managed_policies(template: Template, role: str) -> Iterator[tuple[str | None, tuple]]:
    """(name, path) of each ``ManagedPolicyArns`` entry of the ``AWS::IAM::Role``
    ``role`` that is not an ``AWS::IAM::ManagedPolicy`` of this template: the
    policy name of an AWS managed policy ARN (``arn:aws:iam::aws:policy/NAME``,
    also built with ``!Sub``), None when the entry cannot be read offline or is
    a customer managed policy. A list that cannot be read gives one (None, path)."""
    path = ("Resources", role, "Properties", "ManagedPolicyArns")
    arns = template.properties(role).get("ManagedPolicyArns")
    if arns is None:
        return
    if not isinstance(arns, list):
        yield None, path
        return
    for i, item in enumerate(arns):
        if template.resource_type(template.ref_target(item)) == "AWS::IAM::ManagedPolicy":
            continue
        names = {m.group(1) if m else None
                 for v in template.text_parts(item, path + (i,))
                 for m in [_AWS_MANAGED_POLICY.match(spell(v.value, "\0") or "")]}
        yield (names.pop() if len(names) == 1 else None), path + (i,)


def may_allow(template: Template, statement: dict, action: str, resource: tuple) -> bool | None:
    """Whether the IAM policy ``statement`` may allow ``action`` (``s3:GetObject``)
    on ``resource`` (a tuple of parts as from ``text_parts``; unknown parts
    may be anything): True, False, or None when the statement cannot be read
    offline (``NotAction``/``NotResource``, actions or resources from
    parameters without a value). Wildcards ``*`` and ``?`` follow IAM;
    conditions are not evaluated (a conditional grant may allow)."""
    effect = statement.get("Effect")
    if effect != "Allow":
        return None if not isinstance(effect, str) else False
    if "NotAction" in statement or "NotResource" in statement:
        return None
    target = _glob_items(resource, pattern=False)
    verdicts = []
    for key, wanted in (("Action", _glob_items((action.lower(),), pattern=False)), ("Resource", target)):
        items = statement.get(key)
        items = items if isinstance(items, list) else [items]
        found, unknown = False, False
        for item in items:
            spellings = [v.value for v in template.text_parts(item, ())]
            unknown |= not spellings
            for parts in spellings:
                if key == "Action":
                    parts = tuple(p.lower() if isinstance(p, str) else p for p in parts)
                found |= _glob_match(_glob_items(parts, pattern=True), wanted)
        verdicts.append(True if found else (None if unknown else False))
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _names_role(template: Template, value, role: str) -> bool:
    """``value`` (an item of a policy's ``Roles``, a ``RoleName``) names ``role``."""
    if template.ref_target(value) == role:
        return True
    name = template.properties(role).get("RoleName")
    return isinstance(value, str) and isinstance(name, str) and value == name


def role_identities(template: Template, value, path: tuple) -> set[tuple[str, str]]:
    """What identifies the IAM role ``value`` points at: ("resource", logical ID)
    and/or ("name", role name from an ARN or a literal RoleName). Two
    references name the same role when their identities intersect."""
    found: set[tuple[str, str]] = set()
    for v in template.values(value, path):
        if isinstance(v.value, ResourceRef):
            if template.resource_type(v.value.name) == "AWS::IAM::Role":
                found.add(("resource", v.value.name))
                name = template.properties(v.value.name).get("RoleName")
                if isinstance(name, str):
                    found.add(("name", name))
        elif isinstance(v.value, str):
            m = _ROLE_ARN.search(v.value)
            if m:
                found.add(("name", m.group(1)))
    sub = value.get("Fn::Sub") if isinstance(value, dict) and len(value) == 1 else None
    text = sub[0] if isinstance(sub, list) and sub and isinstance(sub[0], str) else sub
    if isinstance(text, str):
        m = _ROLE_SUB.search(text)
        if m and m.group(1) in template.resources:
            found.add(("resource", m.group(1)))
        elif m is None and (m := _ROLE_ARN.search(text)) and "${" not in m.group(1):
            found.add(("name", m.group(1)))
    return found


def _statements(doc, path: tuple) -> list[tuple[dict, tuple]] | None:
    """(statement, path) of an IAM policy document; None when it cannot be read
    offline. A document written as a JSON string is read too (its statements
    then all point at the string)."""
    if isinstance(doc, str):
        try:
            doc = json.loads(doc)
        except ValueError:
            return None
        statements = doc.get("Statement") if isinstance(doc, dict) else None
        statements = [statements] if isinstance(statements, dict) else statements
        return [(st, path) for st in statements if isinstance(st, dict)] if isinstance(statements, list) else None
    if not isinstance(doc, dict):
        return None
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        return [(statements, path + ("Statement",))]
    if not isinstance(statements, list):
        return None
    return [(st, path + ("Statement", i)) for i, st in enumerate(statements) if isinstance(st, dict)]


_ANY = object()  # any string: `*` of an IAM pattern, or a part that cannot be known offline
_ONE = object()  # any one character: `?` of an IAM pattern


def _glob_items(parts: tuple, pattern: bool) -> list:
    """Characters of ``parts`` with wildcards: unknown parts (and, in a pattern,
    ``*``/``?``) match anything; pseudo parameters take their typical value."""
    items: list = []
    for p in parts:
        if isinstance(p, Unknown) and p.name in PSEUDO_EXAMPLES:
            p = PSEUDO_EXAMPLES[p.name]
        if not isinstance(p, str):
            items.append(_ANY)
            continue
        for ch in p:
            items.append(_ANY if pattern and ch == "*" else _ONE if pattern and ch == "?" else ch)
    return items


def _glob_match(a: list, b: list) -> bool:
    """Whether some string fits both ``a`` and ``b`` (character lists with _ANY/_ONE)."""
    n, m = len(a), len(b)
    # ok[i][j]: a[i:] and b[j:] can spell the same string
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n and j == m:
                continue
            x = a[i] if i < n else None
            y = b[j] if j < m else None
            if x is _ANY and (ok[i + 1][j] or (j < m and ok[i][j + 1])):
                ok[i][j] = True
            elif y is _ANY and (ok[i][j + 1] or (i < n and ok[i + 1][j])):
                ok[i][j] = True
            elif x is not None and y is not None and (x is _ONE or y is _ONE or x == y):
                ok[i][j] = ok[i + 1][j + 1]
    return ok[0][0]
