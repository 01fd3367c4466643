"""What data hyperlint judges by: `hyperlint data` and the dates `hyperlint --version` prints.

Every table in ``schemas/`` with its title, as-of date, sources and, for generated
tables, the package version it was generated from. Overrides go under ``data:`` in
the configuration file.
"""

from __future__ import annotations

import json

from .data import load_table, schemas_dir


def table_names() -> list[str]:
    """Every data table in ``schemas/`` (not the JSON Schemas, not config.schema.json)."""
    return sorted(p.stem for p in schemas_dir().glob("*.json") if not p.name.endswith(".schema.json"))


def _dates(node, out: set) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("as_of"), str):
            out.add(node["as_of"])
        for value in node.values():
            _dates(value, out)
    elif isinstance(node, list):
        for value in node:
            _dates(value, out)


def table_summary(name: str) -> dict:
    """{name, title, as_of (newest date in the table), oldest, sources, package}."""
    doc = load_table(name)
    dates: set = set()
    _dates(doc, dates)
    found: set = set()
    _sources(doc, found)
    sources = sorted(found)
    return {"name": name, "title": doc.get("title", name), "as_of": max(dates) if dates else None,
            "oldest": min(dates) if dates else None, "sources": sources,
            "package": doc.get("source_package") or doc.get("generated_from", {}).get("api_enum")}


def _sources(node, out: set) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("source") and isinstance(value, str) and value.startswith("https://"):
                out.add(value)
            elif key == "sources" and isinstance(value, dict):
                out.update(v for v in value.values() if isinstance(v, str) and v.startswith("https://"))
            else:
                _sources(value, out)
    elif isinstance(node, list):
        for value in node:
            _sources(value, out)


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
