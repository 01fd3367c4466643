"""Targets HyperPod: a pod template whose nodeSelector or required node affinity
uses an ``ml.*`` instance type, any ``sagemaker.amazonaws.com/*`` node label, or
an instance-group name known from the run; or the configuration says every
workload targets HyperPod.

That is the definition the rules share, and this module is its one home:

- ``targets_hyperpod(terms, prefix)``: what one pod template says by itself
  (a required ``ml.*`` instance type or HyperPod node label).
- ``targeting_facts(terms, ctx)`` then ``targets_in_run(facts, run)``: the same
  completed with the configuration (every workload targets HyperPod) and with
  the run (a selector on an instance-group name or on a custom label of an
  instance group).
- ``unless_scope_shows_hyperpod(finding, run)``: a rule unsure that a workload
  targets HyperPod reports info unless its scope shows HyperPod.
- ``cannot_reach_hyperpod`` and ``excludes_hyperpod``: the other direction, a
  required selection that no HyperPod node satisfies.
"""

from __future__ import annotations

from .k8s import Term
from .templating import is_placeholder


def required_pairs(terms: list[Term]) -> list[tuple[str, str]]:
    """(key, value) of every required In/nodeSelector requirement."""
    return [(t.key, v) for t in terms if t.required and t.operator == "In"
            for v, _ in t.values if isinstance(v, str)]


def targets_hyperpod(terms: list[Term], prefix: str) -> bool:
    """What one pod template says by itself: a required selection on an `ml.`
    instance type or on any `sagemaker.amazonaws.com/*` node label."""
    for t in terms:
        if not t.required or t.operator not in ("In", "Exists"):
            continue
        if t.key.startswith(prefix):
            return True
        if any(isinstance(v, str) and v.startswith("ml.") for v, _ in t.values):
            return True
    return False


def targeting_facts(terms: list[Term], ctx) -> dict | None:
    """Facts for a rule that applies only to HyperPod-targeting pods.

    None: the pod cannot target HyperPod whatever the run holds (no required
    selection at all, and the configuration does not say every workload does)."""
    local = ctx.config.assume_hyperpod or targets_hyperpod(terms, ctx.data.hyperpod_prefix)
    pairs = required_pairs(terms)
    if not local and not pairs:
        return None
    return {"targets": local, "pairs": pairs}


def targets_in_run(facts: dict | None, run) -> bool:
    """Completes ``targeting_facts`` with the run: a selector on an instance-group
    name or on a custom label of an instance group also targets HyperPod."""
    if not facts:
        return False
    if facts.get("targets"):
        return True
    names = run.instance_group_names
    labels = run.instance_group_labels
    return any(value in names or (key, value) in labels for key, value in facts.get("pairs", ()))


def unless_scope_shows_hyperpod(finding, run):
    """A rule unsure that a workload targets HyperPod reports info unless its
    scope shows HyperPod (a HyperPod cluster or NodePool, or HyperPod-targeting workloads)."""
    return finding if run.shows_hyperpod or finding.severity == "info" else finding.with_(severity="info")


def cannot_reach_hyperpod(terms: list[Term], data) -> bool:
    """A required selection that only non-HyperPod nodes satisfy (an EKS node
    group, Fargate, a non-`ml.` instance type)."""
    for t in terms:
        if not t.required or t.operator != "In":
            continue
        if t.key in data.non_hyperpod_node_keys:
            return True
        if t.key in data.instance_type_keys:
            values = [v for v, _ in t.values if isinstance(v, str) and not is_placeholder(v)]
            if values and not any(v.startswith("ml.") or data.ml_form(v) for v in values):
                return True
    return False


def excludes_hyperpod(terms: list[Term], data) -> bool:
    """``cannot_reach_hyperpod``, or a required selection that every HyperPod
    node fails: `DoesNotExist` on a label all HyperPod nodes carry, or `NotIn`
    all of its values."""
    if cannot_reach_hyperpod(terms, data):
        return True
    labels = {e["key"]: e.get("values") for e in data.workloads["hyperpod_node_labels"]["entries"]}
    for t in terms:
        if not t.required or t.key not in labels:
            continue
        if t.operator == "DoesNotExist":
            return True
        values = labels[t.key]
        if t.operator == "NotIn" and values and set(values) <= {v for v, _ in t.values if isinstance(v, str)}:
            return True
    return False
