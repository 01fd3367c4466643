"""Configuration files: find, read, validate, and turn into a ``Config``.

A configuration is ``.hyperlint.yaml`` or ``.hyperlint.yml``, or the
``[tool.hyperlint]`` table of ``pyproject.toml``, found by walking up from the
linted paths (their common folder) to the root of the git repository they
are in, else to the filesystem root (a ``pyproject.toml`` without that table
is skipped; the nearest file wins), or the file named by ``--config``. Paths
in it (``exclude``, ``per-file-ignores``) are relative to its folder. Keys are kebab-case;
``schemas/config.schema.json`` says which keys and values are allowed.

Every problem is a ``ConfigError`` whose one line names the file, the key path
and what is allowed. jsonschema is imported only here, and only when a file is
actually read.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from . import lazy
from .config import Config, ConfigError
from .selectors import resolve, resolve_all, unknown

CONFIG_NAMES = (".hyperlint.yaml", ".hyperlint.yml", "pyproject.toml")
_TOOL_TABLE = lazy.pattern(rb"^\s*\[\s*tool\s*\.\s*hyperlint\s*[.\]]", re.MULTILINE)


# -- finding the file -------------------------------------------------------------

def find_config(start: str | os.PathLike = ".") -> Path | None:
    """The nearest configuration file in ``start`` or one of its parents, up
    to the root of the git repository ``start`` is in."""
    folder = Path(start).resolve()
    for here in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = here / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _mentions_tool_table(candidate):
                continue
            return candidate
        if (here / ".git").exists():  # the repository's root: a configuration above it is not the project's
            return None
    return None


def start_folder(targets) -> str:
    """Where to look for the configuration of a run over ``targets``: the common
    folder of the linted paths (stdin: the current directory), so the same
    files get the same configuration from wherever hyperlint is run."""
    folders = []
    for target in targets:
        if target == "-":
            continue
        path = os.path.abspath(target)
        folders.append(path if os.path.isdir(path) else os.path.dirname(path))
    if not folders:
        return "."
    try:
        return os.path.commonpath(folders)
    except ValueError:  # different drives (Windows)
        return folders[0]


def _mentions_tool_table(path: Path) -> bool:
    try:
        return bool(_TOOL_TABLE.search(path.read_bytes()))
    except OSError:
        return False


def _display(path: Path) -> str:
    """The path relative to the current directory when that is shorter."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return rel if len(rel) <= len(str(path)) else str(path)


def load_config(path: str | None = None, start: str | os.PathLike = ".") -> Config:
    """The configuration named by ``--config``, else the one found from ``start``, else defaults."""
    if path is not None:
        return read_config(path, path)
    found = find_config(start)
    return read_config(found, _display(found)) if found is not None else Config()


# -- reading ------------------------------------------------------------------------

def read_config(path: str | os.PathLike, display: str | None = None) -> Config:
    display = str(display or path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{display}: configuration file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{display}: is a directory, not a configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read ({exc.strerror or exc})") from None
    if str(path).endswith(".toml"):
        table = _toml_table(raw, display, pyproject=Path(path).name == "pyproject.toml")
    else:
        table = _yaml_table(raw, display)
    validate(table, display)
    config = to_config(table)
    config.source = display
    return config


def _yaml_table(raw: bytes, display: str):
    from .parse import ParseProblem, decode, parse_source

    data, problem = decode(raw)
    if problem is not None:
        raise ConfigError(f"{display}: {problem.message}")
    documents = []
    for item in parse_source(data):
        if isinstance(item, ParseProblem) or item.problems:
            p = item if isinstance(item, ParseProblem) else item.problems[0]
            raise ConfigError(f"{display}:{p.line + 1}:{p.col + 1}: {p.message}")
        documents.append(item)
    if len(documents) > 1:
        raise ConfigError(f"{display}: expected one YAML document, found {len(documents)}")
    root = documents[0].root if documents else None
    return {} if root is None else root


def _toml_table(raw: bytes, display: str, pyproject: bool):
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{display}: invalid TOML: {exc}") from None
    if not pyproject:
        return doc
    tool = doc.get("tool")
    if not isinstance(tool, dict) or "hyperlint" not in tool:
        raise ConfigError(f"{display}: has no [tool.hyperlint] table")
    return tool["hyperlint"]


# -- validating -----------------------------------------------------------------------

def schema() -> dict:
    from .data import schemas_dir

    with open(schemas_dir() / "config.schema.json", encoding="utf-8") as fh:
        return json.load(fh)


def validate(table, display: str) -> None:
    """Raise a one-line ConfigError for the first problem of ``table``."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(table))
    if error is not None:
        raise ConfigError(f"{display}: {_explain(error)}")
    where = {"select": table.get("select"), "ignore": table.get("ignore")}
    for glob, ids in (table.get("per-file-ignores") or {}).items():
        where[f"per-file-ignores.{glob}"] = ids
    for key, ids in where.items():
        for i, rule in enumerate(ids or ()):
            if not is_rule_or_prefix(rule):
                raise ConfigError(f"{display}: '{key}[{i}]': {unknown(rule)}")
    from .rules import catalog

    for rule in table.get("severity") or {}:
        if resolve(rule) not in catalog():
            raise ConfigError(f"{display}: 'severity.{rule}': {unknown(rule)}")


def is_rule_or_prefix(text: str) -> bool:
    return resolve(text) is not None


def check_rule_ids(ids, option: str) -> list[str]:
    """For the command line: every selector must name a rule; the IDs or prefixes they stand for."""
    return resolve_all(ids, option)


def key_path(parts) -> str:
    """`cluster.instance-groups[0].labels` from a jsonschema path."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
          "boolean": "true or false", "number": "a number", "null": "empty"}


def _explain(error) -> str:
    path = key_path(error.absolute_path)
    name = f"'{path}'" if path else "the configuration"
    kind, schema_, value = error.validator, error.schema, error.instance
    if "propertyNames" in error.absolute_schema_path:
        desc = schema_.get("description") or "a non-empty key"
        return f"{name}: key {value!r} is not {desc}"
    if kind == "additionalProperties":
        import difflib

        allowed = list(schema_.get("properties", {}))
        extras = [k for k in value if k not in allowed]
        bad = extras[0] if extras else "?"
        full = f"{path}.{bad}" if path else bad
        hint = difflib.get_close_matches(str(bad), allowed, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        return f"{full!r} is not a known key (allowed: {', '.join(allowed)}){suggestion}"
    if kind == "type":
        expected = schema_["type"]
        text = _TYPES.get(expected, expected) if isinstance(expected, str) else " or ".join(expected)
        quote = "; quote it" if expected == "string" and isinstance(value, (int, float, bool)) else ""
        return f"{name} must be {text} (got {_show(value)}){quote}"
    if kind == "enum":
        return f"{name} must be one of {', '.join(map(str, schema_['enum']))} (got {_show(value)})"
    if kind == "pattern":
        return f"{name}: {value!r} is not {schema_.get('description', 'of the form ' + schema_['pattern'])}"
    if kind == "required":
        missing = [k for k in schema_["required"] if k not in value]
        return f"{name} needs the key {missing[0]!r}" if missing else f"{name}: {error.message}"
    if kind == "minimum":
        return f"{name} must be at least {schema_['minimum']} (got {_show(value)})"
    if kind == "minLength":
        return f"{name} must not be empty"
    return f"{name}: {error.message}"


def _show(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


# -- mapping to Config -----------------------------------------------------------------

def to_config(table: dict) -> Config:
    """A validated table (kebab-case keys) as a ``Config`` (snake_case data)."""
    config = Config()
    if "select" in table:
        config.select = [resolve(r) or r.upper() for r in table["select"]]
    config.ignore = [resolve(r) or r.upper() for r in table.get("ignore", [])]
    config.per_file_ignores = {glob: [resolve(r) or r.upper() for r in ids]
                               for glob, ids in table.get("per-file-ignores", {}).items()}
    config.severity = {resolve(rule) or rule.upper(): sev for rule, sev in table.get("severity", {}).items()}
    config.fail_on = table.get("fail-on", config.fail_on)
    config.exclude = list(table.get("exclude", [])) + list(table.get("extend-exclude", []))
    config.respect_gitignore = bool(table.get("respect-gitignore", True))
    config.assume_hyperpod = bool(table.get("assume-hyperpod", False))
    config.data = _snake(table.get("data", {}))
    config.cluster = _snake(table["cluster"]) if "cluster" in table else None
    config.clusters = [{"source": c["source"], "manifests": list(c.get("manifests", [])),
                        "hyperpod": bool(c.get("hyperpod", False))} for c in table.get("clusters", [])]
    config.charts = dict(table.get("charts", {}))  # chart folders and values files are paths: kept as written
    return config


_VERBATIM = frozenset({"labels"})  # user maps: their keys are label names, kept as written


def _snake(value):
    if isinstance(value, dict):
        return {k.replace("-", "_"): (v if k in _VERBATIM else _snake(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value
