"""What every kind of input extracts the same way: locations, and labels, taints
and lists reduced to plain scalars (never a nested structure from the input)."""

from __future__ import annotations

from ..findings import Loc
from ..locate import loc_of


def _loc(doc, path, ctx, identity=None, key=False) -> Loc:
    return loc_of(doc, path, ctx.file, identity, key=key)


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _scalar(value) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _labels(value) -> dict:
    """Node labels as the model keeps them: only scalar keys and values (never a
    nested structure from the input, which may be an alias bomb or 10,000 levels deep)."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and _scalar(v)}


def _taints(value) -> list:
    """Taints as flat mappings of scalars (eksctl also writes them as a mapping of key to `value:effect`)."""
    if isinstance(value, dict):
        value = [{"key": k, "value": str(v).split(":", 1)[0], "effect": str(v).split(":", 1)[-1]}
                 for k, v in value.items() if isinstance(k, str) and isinstance(v, str)]
    if not isinstance(value, list):
        return []
    return [{k: v for k, v in t.items() if isinstance(k, str) and _scalar(v)} for t in value if isinstance(t, dict)]


def _str_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


_HMA_KEY = "health-monitoring-agent"


def _autoscaling(value) -> bool:
    return isinstance(value, dict) and str(value.get("Mode", "")).lower() == "enable"


def arn_cluster_name(value) -> str | None:
    """`arn:aws:eks:<region>:<account>:cluster/<name>` -> `<name>`."""
    if isinstance(value, str) and value.startswith("arn:") and ":cluster/" in value:
        return value.rsplit(":cluster/", 1)[1] or None
    return None
