"""The rule registry.

A rule is one module ``hpNNN_<name>.py`` in this package. Its docstring is its
documentation (``hyperlint rule HPNNN`` prints it); its module constants say
what it is::

    ID = "HP301"
    NAME = "instance-type-without-ml-prefix"
    SEVERITY = "error"            # default; a finding may raise or lower it
    EMITS = ("error", "warning")  # optional: every severity its findings can have
    TIER = "core"                 # or "extended"
    FIX = None                    # or "safe" / "unsafe" (hyperlint check --fix)
    OBJECT_KINDS = ("Node",)      # optional: check_object sees only objects of these kinds

and its hook functions say where it looks (all optional)::

    check_object(obj, ctx)        # every Kubernetes object (eksctl ClusterConfig included)
    check_pod(pod, ctx)           # every pod template of every object
    check_cfn(template, ctx)      # every CloudFormation template
    check_api(document, ctx)      # every SageMaker API document (create/update/describe-cluster JSON)
    check_run(run, ctx)           # once per run, on the cross-document model
    refine(finding, run)          # adjust or drop a document finding once the run is known

Document hooks yield ``hyperlint.findings.Hit`` (a path and a message); the
engine adds identity, severity, position and suppression. ``check_run`` yields
``hyperlint.findings.RunHit`` (a location from the run model and a message). Modules are found by
name, so adding a rule touches nothing else.
"""

from __future__ import annotations

import importlib
import os
import re
from functools import lru_cache
from types import ModuleType
from typing import Callable, NamedTuple

from ..record import Value

ID_PATTERN = re.compile(r"^HP\d{3}$")
HOOKS = ("check_object", "check_pod", "check_cfn", "check_api", "check_run", "refine")
_MODULE_NAME = re.compile(r"^hp\d{3}_[a-z0-9_]+$")


class Rule(Value):
    """A rule module's constants and hooks."""

    __slots__ = ("id", "name", "severity", "tier", "fix", "emits", "doc", "module", "hooks", "object_kinds")
    _quiet = ("hooks",)

    def __init__(
        self,
        id: str,
        name: str,
        severity: str,
        tier: str,
        fix: str | None,
        emits: tuple[str, ...],
        doc: str,
        module: str,
        hooks: dict[str, Callable] | None = None,
        object_kinds: frozenset[str] | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.severity = severity
        self.tier = tier
        self.fix = fix
        self.emits = emits
        self.doc = doc
        self.module = module
        self.hooks = {} if hooks is None else hooks
        self.object_kinds = object_kinds  # None: check_object sees every object

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.name

    @property
    def url(self) -> str | None:
        """The first AWS documentation link of the rule's docs."""
        m = re.search(r"https://docs\.aws\.amazon\.com/\S+?(?=[)\s>]|$)", self.doc)
        return m.group(0) if m else None


def _rule_from_module(mod: ModuleType) -> Rule:
    rid = getattr(mod, "ID", None)
    if not isinstance(rid, str) or not ID_PATTERN.match(rid):
        raise ValueError(f"{mod.__name__}: ID must match {ID_PATTERN.pattern}")
    if not mod.__name__.rsplit(".", 1)[-1].startswith(rid.lower() + "_"):
        raise ValueError(f"{mod.__name__}: module name must start with {rid.lower()}_")
    severity = getattr(mod, "SEVERITY", "error")
    if severity not in ("error", "warning", "info"):
        raise ValueError(f"{mod.__name__}: SEVERITY must be error, warning or info")
    return Rule(
        id=rid,
        name=getattr(mod, "NAME", rid.lower()),
        severity=severity,
        tier=getattr(mod, "TIER", "core"),
        fix=getattr(mod, "FIX", None),
        emits=tuple(getattr(mod, "EMITS", (severity,))),
        doc=(mod.__doc__ or "").strip(),
        module=mod.__name__,
        hooks={h: getattr(mod, h) for h in HOOKS if callable(getattr(mod, h, None))},
        object_kinds=frozenset(mod.OBJECT_KINDS) if hasattr(mod, "OBJECT_KINDS") else None,
    )


class _Entry(NamedTuple):
    module: str  # the module's full name
    hooks: frozenset  # the hooks its source defines


_HOOK_DEF = re.compile(rb"^def (" + "|".join(HOOKS).encode() + rb")\(", re.MULTILINE)


@lru_cache(maxsize=None)
def catalog() -> dict[str, _Entry]:
    """Every rule ID (from its module's file name) with the hooks its source
    defines, in ID order, without importing any rule: a run imports only the
    rules its inputs need (no CloudFormation rule for a folder of manifests)."""
    found: dict[str, _Entry] = {}
    folder = os.path.dirname(__file__)
    for entry in os.scandir(folder):
        name, ext = os.path.splitext(entry.name)
        if ext != ".py" or not _MODULE_NAME.match(name):
            continue
        rid = "HP" + name[2:5]
        if rid in found:
            raise ValueError(f"duplicate rule ID {rid} in {found[rid].module} and {__name__}.{name}")
        with open(entry.path, "rb") as fh:
            hooks = frozenset(m.group(1).decode() for m in _HOOK_DEF.finditer(fh.read()))
        found[rid] = _Entry(f"{__name__}.{name}", hooks)
    return dict(sorted(found.items()))


def rule_ids() -> list[str]:
    return list(catalog())


@lru_cache(maxsize=None)
def load(rule_id: str) -> Rule:
    """The rule ``rule_id`` (imports its module)."""
    entry = catalog()[rule_id]
    rule = _rule_from_module(importlib.import_module(entry.module))
    if rule.id != rule_id or set(rule.hooks) != entry.hooks:
        raise ValueError(f"{entry.module}: ID {rule.id} and hooks {sorted(rule.hooks)} must match its file name "
                         f"and its top-level `def` of {sorted(entry.hooks)}")
    return rule


def all_rules() -> dict[str, Rule]:
    """Every rule, by ID, in ID order (imports them all)."""
    return {rid: load(rid) for rid in catalog()}


def get(rule_id: str) -> Rule | None:
    rid = rule_id.upper()
    return load(rid) if rid in catalog() else None


def matches(rule_id: str, prefixes) -> int:
    """Length of the longest prefix in ``prefixes`` that ``rule_id`` starts with (0: none)."""
    best = 0
    for p in prefixes:
        p = p.upper()
        if (p == "ALL" or rule_id.startswith(p)) and len(p) > best:
            best = len(p) if p != "ALL" else 1
    return best


def is_selected(rule_id: str, select=None, ignore=()) -> bool:
    """flake8-style selection: the most specific matching prefix decides."""
    chosen = matches(rule_id, select) if select else 1
    if not chosen:
        return False
    return matches(rule_id, ignore) < chosen if ignore else True
