"""Recognise: which walked files are inputs.

The one place that decides what a file met on a directory walk is:

- **chart source**: any file of a Helm chart (a folder holding `Chart.yaml`,
  and everything below it: `templates/`, `values.yaml`, `config/`, `crds/`,
  sub-charts ...). It is not YAML until rendered; discovery names the
  outermost chart once instead (``chart_root``).
- **not an input**, known by its name alone (``by_name``): package and tool
  manifests (`package.json`, `tsconfig.json`, `composer.json` ...), CI and
  build configuration (`buildspec.yml`, `azure-pipelines.yml` ...), compose
  files, site generators (`mkdocs.yml`) and the like. Never opened.
- **not an input**, known by its content, decided after the engine parsed it
  (``by_content``): a file that parsed but holds no Kubernetes object,
  CloudFormation template, eksctl `ClusterConfig` or cluster JSON (Hydra and
  recipe configs, values files, schemas); an empty file; and a file that does
  not parse whose text does not show it is meant as an input
  (``meant_as_input``: `apiVersion:` with `kind:`, `AWSTemplateFormatVersion`,
  `Resources:` with `Type: AWS::`, cluster JSON keys), such as JSON with
  comments or a Hydra config with `{placeholders}`. A file that does not parse
  and holds unrendered template text (a Helm/Go `{{ }}` or Jinja `{% %}` action
  anywhere, an envsubst `${VAR}` where it breaks; never CloudFormation's
  `{{resolve:...}}` or `Fn::Sub` variables) or is named as a template
  (`*-template.yaml`, or a `templates/` folder when nothing in it parsed) is
  template source: it is not an input until rendered.
- a broken symbolic link met on a walk is skipped (``BROKEN_LINK``).

Everything else is an input. A file named on the command line or read from
stdin is always an input: none of this applies to it. Skipped files are
counted in the summary and listed with their reason by `--show-files`.
"""

from __future__ import annotations

import os
import re

from . import lazy

# -- by name ----------------------------------------------------------------------------

# Exact file names (lower case) that are never HyperPod inputs, with what they are.
_NAMES = {
    "package.json": "npm package manifest",
    "package-lock.json": "npm lock file",
    "composer.json": "PHP package manifest",
    "composer.lock": "PHP lock file",
    "bower.json": "package manifest",
    "lerna.json": "monorepo configuration",
    "nx.json": "monorepo configuration",
    "turbo.json": "monorepo configuration",
    "deno.json": "Deno configuration",
    "jsconfig.json": "JavaScript configuration",
    "tslint.json": "linter configuration",
    "babel.config.json": "Babel configuration",
    "vercel.json": "hosting configuration",
    "firebase.json": "hosting configuration",
    "renovate.json": "dependency bot configuration",
    "cdk.json": "AWS CDK app configuration",
    "cdk.context.json": "AWS CDK context",
    "chart.lock": "Helm lock file",
    "pnpm-lock.yaml": "pnpm lock file",
    "pnpm-workspace.yaml": "pnpm workspace",
    "mkdocs.yml": "MkDocs site configuration",
    "mkdocs.yaml": "MkDocs site configuration",
    "_config.yml": "Jekyll site configuration",
    "docusaurus.config.json": "site configuration",
    "buildspec.yml": "CodeBuild build specification",
    "buildspec.yaml": "CodeBuild build specification",
    "azure-pipelines.yml": "CI pipeline",
    "azure-pipelines.yaml": "CI pipeline",
    "bitbucket-pipelines.yml": "CI pipeline",
    "appveyor.yml": "CI pipeline",
    "cloudbuild.yaml": "CI pipeline",
    "cloudbuild.yml": "CI pipeline",
    "codecov.yml": "coverage service configuration",
    "pubspec.yaml": "Dart package manifest",
    "dependabot.yml": "dependency bot configuration",
    "mlc_config.json": "link checker configuration",
}
# Name patterns (lower case): compose files, tsconfig variants, Hydra/pre-commit ...
_PATTERNS = (
    (lazy.pattern(r"^(docker-)?compose([.-][\w.-]*)?\.ya?ml$"), "Docker Compose file"),
    (lazy.pattern(r"^tsconfig([.-][\w.-]*)?\.json$"), "TypeScript configuration"),
    (lazy.pattern(r"^\.?eslintrc(\.[\w-]+)?\.json$"), "linter configuration"),
    (lazy.pattern(r".*\.(tmlanguage|code-workspace|ipynb)\.json$"), "editor file"),
)
# Folders whose files are never inputs, whatever their names (CI workflows are under
# hidden folders, which discovery skips already).
_FOLDERS = {
    "node_modules": "installed npm packages",
}


def by_name(name: str) -> str | None:
    """Why a walked file called ``name`` is not an input, or None (look closer)."""
    low = name.lower()
    known = _NAMES.get(low)
    if known:
        return f"not an input: {known}"
    for pattern, what in _PATTERNS:
        if pattern.match(low):
            return f"not an input: {what}"
    return None


def skipped_folder(name: str) -> str | None:
    """Why a walk does not enter the folder ``name``, or None."""
    what = _FOLDERS.get(name)
    return f"not an input: {what}" if what else None


BROKEN_LINK = "not an input: broken symbolic link (its target does not exist)"


# -- charts -----------------------------------------------------------------------------

CHART_FILE = "Chart.yaml"


def is_chart_dir(names) -> bool:
    """Whether a folder listing (its entry names) holds a Helm chart's `Chart.yaml`."""
    return CHART_FILE in names


def chart_above(folder: str, stop: str | None = None) -> str | None:
    """The outermost chart folder holding ``folder``, or None: ``folder`` or a
    parent up to ``stop`` (inclusive) that holds `Chart.yaml`, or, at any
    height, the parent of a `templates/` folder that holds `Chart.yaml` (a file
    inside a chart's templates is chart source wherever the walk starts)."""
    here = os.path.abspath(folder)
    limit = os.path.abspath(stop) if stop is not None else None
    found = None
    below_limit = limit is not None and (here == limit or here.startswith(limit.rstrip(os.sep) + os.sep))
    while True:
        parent = os.path.dirname(here)
        if below_limit and os.path.isfile(os.path.join(here, CHART_FILE)):
            found = here
        elif os.path.basename(here) == "templates" and os.path.isfile(os.path.join(parent, CHART_FILE)):
            found = parent
        if here == limit:
            below_limit = False
        if parent == here:
            return found
        here = parent


# -- by content -------------------------------------------------------------------------

_K8S_API = lazy.pattern(rb'^[ \t-]*"?apiVersion"?[ \t]*:', re.MULTILINE)
_K8S_KIND = lazy.pattern(rb'^[ \t-]*"?kind"?[ \t]*:', re.MULTILINE)
_K8S_JSON = lazy.pattern(rb'"apiVersion"\s*:')
_K8S_JSON_KIND = lazy.pattern(rb'"kind"\s*:')
_CFN_RESOURCES = lazy.pattern(rb'(?:^[ \t]*Resources|"Resources")[ \t]*:', re.MULTILINE)
_CFN_TYPE = lazy.pattern(rb'"?Type"?[ \t]*:[ \t]*["\']?(AWS|Custom)::')
_API_GROUPS = lazy.pattern(rb'"InstanceGroups"\s*:')
_API_NAME = lazy.pattern(rb'"Cluster(Name|Arn)"\s*:')


def meant_as_input(text: bytes) -> bool:
    """Whether text that did not parse shows it is meant as an input: a Kubernetes
    object or eksctl ClusterConfig (`apiVersion:` with `kind:`), a CloudFormation
    template (`AWSTemplateFormatVersion`, or `Resources:` with `Type: AWS::`), a
    create-cluster/describe-cluster JSON (`InstanceGroups` with `ClusterName`)."""
    if _cfn_text(text):
        return True
    if b"apiVersion" in text and b"kind" in text and (
            (_K8S_API.search(text) and _K8S_KIND.search(text))
            or (_K8S_JSON.search(text) and _K8S_JSON_KIND.search(text))):
        return True
    return bool(b"InstanceGroups" in text and _API_GROUPS.search(text) and _API_NAME.search(text))


def _cfn_text(text: bytes) -> bool:
    """`AWSTemplateFormatVersion`, or `Resources:` with `Type: AWS::` (a CloudFormation template)."""
    return b"AWSTemplateFormatVersion" in text or bool(
        b"Resources" in text and _CFN_RESOURCES.search(text) and _CFN_TYPE.search(text))


_TEMPLATE_NAME = lazy.pattern(r"(^|[._-])(template|tmpl|tpl)s?([._-]|$)", re.IGNORECASE)
_ENV_LINE = lazy.pattern(rb"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
# A Helm/Go template action (`{{ .Values.x }}`, `{{- if ... }}`) or a Jinja statement
# (`{% if %}`) on one line; not CloudFormation's dynamic references (`{{resolve:ssm:...}}`).
_ACTION = lazy.pattern(rb"\{\{(?!resolve:)[^\n]{0,400}?\}\}|\{%[^\n]{0,400}?%\}")


def _line(text: bytes, n: int) -> bytes:
    start = 0
    for _ in range(n):
        start = text.find(b"\n", start) + 1
        if start == 0:
            return b""
    end = text.find(b"\n", start)
    return text[start:end if end >= 0 else len(text)]


def template_source(display: str, text: bytes, line: int, folder: bool = True) -> str | None:
    """Why a file that does not parse (first error on 0-based ``line``) is
    template source, or None: unrendered template text on or just before that
    line, or a file named as a template (`*-template.yaml`), or (``folder``) one
    in a folder named so (`templates/`)."""
    envsubst = not _cfn_text(text)  # `${Name}` in a template is Fn::Sub's, not envsubst's
    for n in range(max(line - 2, 0), line + 1):
        shown = _line(text, n)
        if _ACTION.search(shown) or (envsubst and _ENV_LINE.search(shown)):
            return f"template source: unrendered template text on line {n + 1}; lint what it renders"
    action = _ACTION.search(text)
    if action is not None:  # a Helm/Go or Jinja action elsewhere: the file is a template as a whole
        n = text.count(b"\n", 0, action.start())
        return f"template source: unrendered template text on line {n + 1}; lint what it renders"
    parts = display.replace("\\", "/").split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if _TEMPLATE_NAME.search(stem) or (folder and any(p.lower() in _TEMPLATE_FOLDERS for p in parts[:-1])):
        return "template source (named as a template; does not parse until rendered); lint what it renders"
    return None


_TEMPLATE_FOLDERS = ("templates", "k8s_templates", "template")


def by_content(display: str, text: bytes, problem_line: int | None, units: int) -> str | None:
    """Why a walked file the engine read is not an input, or None (it is one).

    ``problem_line``: 0-based line of its first parse problem (None: it parsed);
    ``units``: how many Kubernetes objects, templates and cluster documents it held."""
    if units:
        # some documents are objects, but the file breaks where template text or a
        # file named as a template says it is template source: not an input until rendered
        return None if problem_line is None else template_source(display, text, problem_line, folder=False)
    if not text or text.isspace():  # no copy of a large file
        return "not an input: empty file"
    if problem_line is None:
        return ("not an input: no Kubernetes object, CloudFormation template, eksctl ClusterConfig "
                "or cluster JSON in it")
    template = template_source(display, text, problem_line)
    if template:
        return template
    if meant_as_input(text):
        return None
    return "not an input: does not parse, and nothing in it looks like a Kubernetes object, template or cluster"


NOT_TEXT = "not an input: not YAML or JSON text (binary, or a broken encoding)"
