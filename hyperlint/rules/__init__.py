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

and its hook functions say where it looks (all optional)::

    check_object(obj, ctx)        # every Kubernetes object (eksctl ClusterConfig included)
    check_pod(pod, ctx)           # every pod template of every object
    check_cfn(template, ctx)      # every CloudFormation template
    check_run(run, ctx)           # once per run, on the cross-document model
    refine(finding, run)          # adjust or drop a document finding once the run is known

Document hooks yield ``hyperlint.findings.Hit`` (a path and a message); the
engine adds identity, severity, position and suppression. ``check_run`` yields
``hyperlint.findings.RunHit`` (a location from the run model and a message). Modules are found by
name, so adding a rule touches nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Callable

ID_PATTERN = re.compile(r"^HP\d{3}$")
HOOKS = ("check_object", "check_pod", "check_cfn", "check_run", "refine")
_MODULE_NAME = re.compile(r"^hp\d{3}_[a-z0-9_]+$")


@dataclass(frozen=True)
class Rule:
    """A rule module's constants and hooks."""

    id: str
    name: str
    severity: str
    tier: str
    fix: str | None
    emits: tuple[str, ...]
    doc: str
    module: str
    hooks: dict[str, Callable] = field(default_factory=dict, compare=False, hash=False)

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
    )


@lru_cache(maxsize=None)
def all_rules() -> dict[str, Rule]:
    """Every rule, by ID, in ID order."""
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(__path__):
        if not _MODULE_NAME.match(info.name):
            continue
        rule = _rule_from_module(importlib.import_module(f"{__name__}.{info.name}"))
        if rule.id in found:
            raise ValueError(f"duplicate rule ID {rule.id} in {rule.module} and {found[rule.id].module}")
        found[rule.id] = rule
    return dict(sorted(found.items()))


def get(rule_id: str) -> Rule | None:
    return all_rules().get(rule_id.upper())


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
