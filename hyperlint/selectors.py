"""Rule selectors: what `--select`, `--ignore`, `per-file-ignores` and `severity` accept.

A selector is a rule ID (``HP307``), an ID prefix (``HP3``), ``ALL``, or a
rule's name (``host-network-on-hyperpod``). Names come from the rule modules'
file names (``hp307_host_network_on_hyperpod.py``), so no rule is imported to
resolve one. Anything else is a usage error with the nearest valid spelling.
"""

from __future__ import annotations

from functools import lru_cache

from .config import ConfigError


@lru_cache(maxsize=None)
def names() -> dict[str, str]:
    """Rule name -> rule ID."""
    from .rules import catalog

    return {entry.module.rsplit(".", 1)[-1][6:].replace("_", "-"): rid for rid, entry in catalog().items()}


def resolve(text: str) -> str | None:
    """The ID or prefix ``text`` stands for (upper case), or None when it names no rule."""
    from .rules import catalog

    name = names().get(text.strip().lower())
    if name is not None:
        return name
    upper = text.strip().upper()
    if upper == "ALL" or (upper and any(rid.startswith(upper) for rid in catalog())):
        return upper
    return None


def unknown(text: str) -> str:
    """The message for a selector that names no rule."""
    from .rules import catalog
    from .suggest import did_you_mean

    return f"unknown rule {text!r}{did_you_mean(text, [*catalog(), *names()])} (`hyperlint rules` lists them all)"


def resolve_all(values, option: str) -> list[str]:
    """Every selector of ``values`` resolved, or a ConfigError naming ``option``."""
    out = []
    for value in values or ():
        rid = resolve(value)
        if rid is None:
            raise ConfigError(f"{option}: {unknown(value)}")
        out.append(rid)
    return out
