"""What linting one file works with: the context rules read (``Context``), the rules
selected for the run (``RuleSet``), what one file gives (``FileResult``), and how a
rule's hook is run inside the isolation boundary (``run_hook``). Shared by the file
linter (``hyperlint.lintfile``) and the Terraform module linter (``hyperlint.terraform``).
"""

from __future__ import annotations

from . import rules as registry
from .config import Config
from .data import Data
from .findings import Finding
from .locate import make_finding, source_text
from .model import Model
from .parse import Document
from .record import Record
from .safe import describe_failure


class Context(Record):
    """What rules may read: the data tables, the configuration, the file."""

    __slots__ = ("data", "config", "file", "run", "doc", "text", "scope", "_lf_only")
    _quiet = ("_lf_only",)

    def __init__(
        self,
        data: Data,
        config: Config,
        file: str = "",
        run: Model | None = None,
        doc: Document | None = None,
        text: bytes = b"",
        scope=None,
    ) -> None:
        self.data = data
        self.config = config
        self.file = file
        self.run = run  # cross-document phase: the model of the scope being judged (hyperlint.scopes)
        self.doc = doc  # the document being checked
        self.text = text  # its file's bytes, for `raw`
        self.scope = scope  # cross-document phase: that scope
        self._lf_only: bool | None = None  # whether LF is its only line break (found on the first `raw`)

    def raw(self, path) -> str | None:
        """The source text of the scalar at ``path`` (``1.30`` where the tree holds 1.3)."""
        if self.doc is None or not self.text:
            return None
        if self._lf_only is None:
            from .parse.lines import only_lf

            self._lf_only = only_lf(self.text, self.file.lower().endswith(".json"))
        return source_text(self.doc, path, self.text, self._lf_only)


class FileResult(Record):
    """What linting one file gives: findings, its model fragment, suppressions, errors."""

    __slots__ = ("file", "findings", "model", "directives", "errors", "skipped", "digests")

    def __init__(
        self,
        file: str,
        findings: list[Finding] | None = None,
        model: Model | None = None,
        directives: list | None = None,
        errors: list[str] | None = None,
        skipped: str | None = None,
        digests: dict | None = None,
    ) -> None:
        self.file = file
        self.findings = [] if findings is None else findings
        self.model = Model() if model is None else model
        self.directives = [] if directives is None else directives  # suppressions (hyperlint.suppress)
        self.errors = [] if errors is None else errors  # internal errors: exit code 2
        self.skipped = skipped  # why a walked file is not an input (hyperlint.recognise), else None
        # file -> digest of the bytes linted, for files with findings (hyperlint.fix checks it)
        self.digests = {} if digests is None else digests


class RuleSet:
    """The selected rules, grouped by hook (none: only parse and build the run model).

    Rule modules are imported when a hook first needs them, so a folder of
    manifests never loads the CloudFormation rules."""

    def __init__(self, config: Config, none: bool = False):
        catalog = registry.catalog()
        self.ids = frozenset() if none else frozenset(
            rid for rid in catalog if registry.is_selected(rid, config.select, config.ignore))
        self.rules = _LazyRules(self.ids)
        self.by_hook = _LazyHooks({h: [rid for rid in catalog if rid in self.ids and h in catalog[rid].hooks]
                                   for h in registry.HOOKS})
        self._by_kind: tuple[dict, list] | None = None

    def object_rules(self, kind: str) -> list:
        """The ``check_object`` rules for objects of ``kind``: a rule with OBJECT_KINDS
        sees only those kinds (one list per kind the rules name; any other kind gets
        the rules without OBJECT_KINDS, so the table never grows with the input)."""
        if self._by_kind is None:
            rules = self.by_hook["check_object"]
            named = {k for r in rules for k in r.object_kinds or ()}
            self._by_kind = ({k: [r for r in rules if r.object_kinds is None or k in r.object_kinds] for k in named},
                             [r for r in rules if r.object_kinds is None])
        by_kind, any_kind = self._by_kind
        return by_kind.get(kind, any_kind)

    def __contains__(self, rule_id: str) -> bool:
        return rule_id in self.ids

    def load_all(self) -> None:
        """Import every selected rule now (before forking workers, which then share them)."""
        for hook in registry.HOOKS:
            self.by_hook[hook]


class _LazyRules(dict):
    """Rule ID -> Rule for the selected IDs, each imported on first access."""

    def __init__(self, ids):
        super().__init__()
        self._ids = ids

    def __missing__(self, rule_id):
        if rule_id not in self._ids:
            raise KeyError(rule_id)
        rule = self[rule_id] = registry.load(rule_id)
        return rule

    def get(self, rule_id, default=None):
        return self[rule_id] if rule_id in self._ids else default


class _LazyHooks(dict):
    """Hook name -> the selected rules that define it, imported on first access."""

    def __init__(self, ids_by_hook: dict):
        super().__init__()
        self._ids = ids_by_hook

    def __missing__(self, hook):
        rules = self[hook] = [registry.load(rid) for rid in self._ids[hook]]
        return rules


def digest(data: bytes) -> bytes:
    """What identifies the exact bytes a file's findings were found in (``hyperlint.fix``
    fixes nothing else)."""
    import hashlib

    return hashlib.blake2b(data, digest_size=20).digest()


def run_hook(rule, hook, subject, ctx, doc, identity, result: FileResult, ruleset: RuleSet, mapped=None) -> None:
    """Run one hook of ``rule`` on ``subject``; ``mapped`` turns each hit's paths
    into paths of ``doc`` when the rule reads a view of it (``ApiView``)."""
    try:
        for hit in rule.hooks[hook](subject, ctx) or ():
            reporter = ruleset.rules.get(hit.rule) if hit.rule else rule
            if reporter is not None:
                if mapped is not None:
                    hit = mapped(hit)
                result.findings.append(make_finding(reporter, hit, doc, ctx.file, identity))
    except Exception as exc:  # a rule bug must not stop the run
        result.errors.append(f"internal error in {rule.id} on {ctx.file}: {describe_failure(exc)}")
