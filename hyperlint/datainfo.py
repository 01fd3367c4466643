"""What data hyperlint judges by: `hyperlint data` and the dates `hyperlint --version` prints.

Every table in ``schemas/`` with its title, as-of date, sources and, for generated
tables, the package version it was generated from. Overrides go under ``data:`` in
the configuration file.
"""

from __future__ import annotations

import json

from .data import load_table, table_names, table_summary


def version_lines() -> list[str]:
    """One line per table: ``  instance-types  2026-12-06``."""
    summaries = [table_summary(name) for name in table_names()]
    width = max(len(s["name"]) for s in summaries)
    return ["data tables (as of):"] + [f"  {s['name']:<{width}}  {s['as_of']}" for s in summaries]


def render(fmt: str = "text") -> str:
    summaries = [table_summary(name) for name in table_names()]
    if fmt == "json":
        return json.dumps(summaries, indent=2) + "\n"
    out = []
    for s in summaries:
        dates = s["as_of"] if s["oldest"] == s["as_of"] else f"{s['as_of']} (oldest fact {s['oldest']})"
        out.append(f"{s['name']}.json: {s['title']}")
        out.append(f"  as of:  {dates}")
        if s["package"]:
            out.append(f"  generated from: {s['package']} (scripts/refresh_data.py)")
        for url in s["sources"]:
            out.append(f"  source: {url}")
        out.append("")
    keys = ", ".join(load_table("config.schema")["properties"]["data"]["properties"])
    out.append(f"Override a fact under `data:` in the configuration file (.hyperlint.yaml or "
               f"[tool.hyperlint.data]): {keys}.")
    return "\n".join(out) + "\n"
