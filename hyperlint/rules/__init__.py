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
    check_run(run, ctx)           # once per scope, on its cross-document model
    refine(finding, run)          # adjust or drop a document finding once the run is known
    fix(finding, source)          # only with FIX: the Edit that fixes a finding (default: replace
                                  # the reported scalar with the finding's ``fix_value`` fact)

A hook may be defined (``def check_pod``) or assigned (``refine = shared.refine``).
Document hooks yield ``hyperlint.findings.Hit`` (a path and a message); the
engine adds identity, severity, position and suppression. ``check_run`` yields
``hyperlint.findings.RunHit`` (a location from the run model and a message). Modules are found by
name, so adding a rule touches nothing else.

The registry enforces this contract when it loads a rule (``load``): a wrong constant, a
``fix`` hook without ``FIX``, ``OBJECT_KINDS`` without ``check_object``, is an error naming the
module, never a silently disabled rule. (HP001-HP003 have no hook: the engine reports them.)
"""

from __future__ import annotations

import importlib
import os
import re
from functools import lru_cache
from types import ModuleType
from typing import Callable, NamedTuple

from .. import lazy
from ..findings import SEVERITIES
from ..record import Value

ID_PATTERN = lazy.pattern(r"^HP\d{3}$")
HOOKS = ("check_object", "check_pod", "check_cfn", "check_api", "check_run", "refine")
FIX_HOOK = "fix"
TIERS = ("core", "extended")
FIX_KINDS = (None, "safe", "unsafe")
_NAME = lazy.pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MODULE_NAME = lazy.pattern(r"^hp\d{3}_[a-z0-9_]+$")


class Rule(Value):
    """A rule module's constants and hooks."""

    __slots__ = ("id", "name", "severity", "tier", "fix", "emits", "doc", "module", "hooks", "object_kinds",
                 "fixer")
    _quiet = ("hooks", "fixer")

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
        fixer: Callable | None = None,
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
        self.fixer = fixer  # the module's `fix` hook (None: the generic scalar replacement)

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.name

    @property
    def url(self) -> str | None:
        """The first AWS documentation link of the rule's docs."""
        m = re.search(r"https://docs\.aws\.amazon\.com/\S+?(?=[)\s>]|$)", self.doc)
        return m.group(0) if m else None


def _rule_from_module(mod: ModuleType) -> Rule:
    name = mod.__name__

    def require(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(f"{name}: {what}")

    rid = getattr(mod, "ID", None)
    if not (isinstance(rid, str) and ID_PATTERN.match(rid)):
        raise ValueError(f"{name}: ID must match {ID_PATTERN.pattern}")
    require(name.rsplit(".", 1)[-1].startswith(rid.lower() + "_"), f"module name must start with {rid.lower()}_")
    severity = getattr(mod, "SEVERITY", "error")
    require(severity in SEVERITIES, f"SEVERITY must be one of {', '.join(SEVERITIES)}, not {severity!r}")
    emits = getattr(mod, "EMITS", (severity,))
    require(isinstance(emits, (tuple, list)) and bool(emits) and set(emits) <= set(SEVERITIES) and severity in emits,
            f"EMITS must be a tuple of severities that includes SEVERITY ({severity!r}), not {emits!r}")
    tier = getattr(mod, "TIER", "core")
    require(tier in TIERS, f"TIER must be one of {', '.join(TIERS)}, not {tier!r}")
    fix = getattr(mod, "FIX", None)
    require(fix in FIX_KINDS, f"FIX must be None, 'safe' or 'unsafe', not {fix!r}")
    rule_name = getattr(mod, "NAME", rid.lower())
    require(isinstance(rule_name, str) and bool(_NAME.match(rule_name)), f"NAME must be kebab-case, not {rule_name!r}")
    hooks = {h: getattr(mod, h) for h in HOOKS if callable(getattr(mod, h, None))}
    fixer = getattr(mod, FIX_HOOK, None)
    require(fixer is None or (callable(fixer) and fix is not None), "a `fix` hook needs FIX = 'safe' or 'unsafe'")
    kinds = getattr(mod, "OBJECT_KINDS", None)
    if kinds is not None:
        require(isinstance(kinds, tuple) and all(isinstance(k, str) for k in kinds),
                "OBJECT_KINDS must be a tuple of kind names")
        require("check_object" in hooks, "OBJECT_KINDS needs a check_object hook")
    doc = (mod.__doc__ or "").strip()
    require(bool(doc), "a rule is documented by its module docstring")
    return Rule(
        id=rid,
        name=rule_name,
        severity=severity,
        tier=tier,
        fix=fix,
        emits=tuple(emits),
        doc=doc,
        module=name,
        hooks=hooks,
        object_kinds=frozenset(kinds) if kinds is not None else None,
        fixer=fixer,
    )


class _Entry(NamedTuple):
    module: str  # the module's full name
    hooks: frozenset  # the hooks its source defines


# `def check_pod(` or `refine = ...` at the top level of the module's source
_HOOK_DEF = lazy.pattern(rb"^(?:def )?(" + "|".join(HOOKS).encode() + rb")\s*[(=]", re.MULTILINE)


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
                         f"and the hooks its source defines or assigns at the top level ({sorted(entry.hooks)})")
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
