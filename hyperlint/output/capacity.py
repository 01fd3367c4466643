"""`hyperlint capacity`: a table per instance group, as text, Markdown or JSON."""

from __future__ import annotations

import json

from ..capacity import GroupPlan, Plan

COLUMNS = ("group", "type", "count", "max pods/node", "DaemonSet pods/node", "workload pods", "free slots")


def _row(g: GroupPlan) -> list[str]:
    def show(v):
        return "-" if v is None else str(v)
    return [g.name, g.instance_type, show(g.group.count), show(g.max_pods),
            show(g.daemonset_pods if g.max_pods is not None else None), str(g.workload_pods), show(g.free_slots)]


def render(plan: Plan, out, fmt: str = "text") -> None:
    clusters: dict = {}
    for g in plan.groups:
        clusters.setdefault(id(g.cluster), (g.cluster, []))[1].append(g)
    unplaced = [(w.label, reason) for w, reason in plan.unplaced()]
    if fmt == "json":
        doc = {
            "clusters": [
                {"name": c.name, "origin": c.origin, "file": c.loc.file, "line": c.loc.line,
                 "node_recovery": c.node_recovery, "autoscaling": c.autoscaling,
                 "groups": [{"name": g.name, "instance_types": sorted(set(g.group.instance_types)),
                             "count": g.group.count, "max_pods_per_node": g.max_pods,
                             "daemonset_pods_per_node": g.daemonset_pods,
                             "daemonsets": [d.label for d in g.daemonsets],
                             "workload_pods": g.workload_pods,
                             "workloads": [{"workload": w.label, "pods": w.pods} for w in g.workloads
                                           if not w.host_network],
                             "host_network": [{"workload": w.label, "pods": None if w.daemonset else w.pods,
                                               "daemonset": w.daemonset} for w in g.host_network],
                             "free_slots": g.free_slots} for g in groups]}
                for c, groups in clusters.values()
            ],
            "unplaced": [{"workload": w, "reason": r} for w, r in unplaced],
        }
        json.dump(doc, out, indent=2)
        out.write("\n")
        return
    if not plan.groups:
        out.write("hyperlint: no HyperPod cluster in these files (a CloudFormation AWS::SageMaker::Cluster, "
                  "a saved `aws sagemaker describe-cluster` JSON, or `cluster:` in the configuration)\n")
        return
    for cluster, groups in clusters.values():
        title = f"{cluster.name or 'HyperPod cluster'} ({cluster.origin}, {cluster.loc.file}:{cluster.loc.line})"
        rows = [_row(g) for g in groups]
        if fmt == "markdown":
            out.write(f"### {title}\n\n| " + " | ".join(c.replace("max pods/node", "max pods")
                                                          .replace("DaemonSet pods/node", "DaemonSet pods")
                                                          for c in COLUMNS) + " |\n")
            out.write("|" + "---|" * len(COLUMNS) + "\n")
            for r in rows:
                out.write("| " + " | ".join(r) + " |\n")
            out.write("\n")
        else:
            widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(COLUMNS)]
            out.write(title + "\n")
            out.write("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)).rstrip() + "\n")
            for r in rows:
                out.write("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() + "\n")
            out.write("\n")
    host = [(g, w) for g in plan.groups for w in g.host_network]
    if host:
        out.write("**hostNetwork pods** (they use the node's address, not a pod slot)\n\n" if fmt == "markdown"
                  else "hostNetwork pods (they use the node's address, not a pod slot):\n")
        for g, w in host:
            pods = "one per node" if w.daemonset else f"{w.pods if w.pods is not None else '?'} pods"
            out.write(f"- {g.name}: {w.label} ({pods})\n" if fmt == "markdown" else f"  {g.name}: {w.label} ({pods})\n")
        out.write("\n" if fmt == "markdown" else "")
    if unplaced:
        out.write("**Cannot be placed**\n\n" if fmt == "markdown" else "cannot be placed:\n")
        for w, reason in unplaced:
            out.write(f"- {w}: {reason}\n" if fmt == "markdown" else f"  {w}: {reason}\n")
