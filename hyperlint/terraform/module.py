"""A Terraform module folder read as one unit.

Every ``*.tf`` file of the folder is parsed; its ``resource``, ``data``,
``variable``, ``locals`` and ``module`` blocks are indexed by address. The
folder's ``*.tfvars`` files hold values for its variables:
``terraform.tfvars`` and ``*.auto.tfvars`` are always loaded by Terraform (a
variable they set never takes its ``default``); any other ``*.tfvars`` is a
``-var-file`` a user may pass, so its values are possible as well as the
default. Files that do not parse are reported (HP001) and left out.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

from . import hcl


class Source(NamedTuple):
    display: str  # the file name findings carry
    text: str


class Located(NamedTuple):
    node: Any  # hcl Block or Attribute
    file: int  # index into Module.files


class VarValue(NamedTuple):
    expr: Any  # hcl expression
    file: int
    where: str  # "default" | "auto" (always-loaded tfvars) | "tfvars"


class Module:
    def __init__(self, folder: str):
        self.folder = folder
        self.files: list[Source] = []
        self.problems: list[tuple[int, hcl.HclError]] = []  # (file, error)
        self.resources: dict[str, Located] = {}  # "aws_eks_cluster.main" -> block
        self.data: dict[str, Located] = {}  # "aws_iam_policy_document.x" -> block
        self.variables: dict[str, Located] = {}
        self.locals: dict[str, Located] = {}  # name -> attribute
        self.modules: dict[str, Located] = {}
        self.tfvars: dict[str, list[VarValue]] = {}  # variable -> values set in tfvars files

    def add(self, display: str, text: str) -> None:
        """Parse one file of the folder (``.tf`` or ``.tfvars``)."""
        index = len(self.files)
        self.files.append(Source(display, text))
        name = os.path.basename(display).lower()
        try:
            body = _json_tfvars(text) if name.endswith(".tfvars.json") else hcl.parse(text)
        except hcl.HclError as exc:
            self.problems.append((index, exc))
            return
        if name.endswith(".tfvars.json"):
            name = name[:-5]
        if name.endswith(".tfvars"):
            where = "auto" if name == "terraform.tfvars" or name.endswith(".auto.tfvars") else "tfvars"
            for item in body:
                if isinstance(item, hcl.Attribute):
                    self.tfvars.setdefault(item.name, []).append(VarValue(item.expr, index, where))
            return
        for block in body:
            if not isinstance(block, hcl.Block):
                continue
            labels = block.labels
            if block.type == "resource" and len(labels) == 2:
                self.resources.setdefault(f"{labels[0]}.{labels[1]}", Located(block, index))
            elif block.type == "data" and len(labels) == 2:
                self.data.setdefault(f"{labels[0]}.{labels[1]}", Located(block, index))
            elif block.type == "variable" and len(labels) == 1:
                self.variables.setdefault(labels[0], Located(block, index))
            elif block.type == "module" and len(labels) == 1:
                self.modules.setdefault(labels[0], Located(block, index))
            elif block.type == "locals":
                for attr in block.body:
                    if isinstance(attr, hcl.Attribute):
                        self.locals.setdefault(attr.name, Located(attr, index))

    def variable_values(self, name: str) -> list[VarValue]:
        """Every value variable ``name`` can take: the always-loaded tfvars value (which
        hides the default), else the default; then the values of other tfvars files.
        Empty when it has neither (its value comes from the command line: unknown).
        A ``default = null`` is no value."""
        located = self.variables.get(name)
        if located is None:
            return []
        values = self.tfvars.get(name, [])
        auto = [v for v in values if v.where == "auto"]
        out = auto[-1:]  # the last always-loaded file wins (lexical order)
        if not out:
            default = located.node.attribute("default")
            if default is not None and not (isinstance(default.expr, hcl.Lit) and default.expr.value is None):
                out.append(VarValue(default.expr, located.file, "default"))
        out += [v for v in values if v.where == "tfvars"]
        return out

    @property
    def has_content(self) -> bool:
        return bool(self.resources or self.modules)


def _json_tfvars(text: str) -> tuple:
    """A ``*.tfvars.json`` file as the attributes of a ``.tfvars`` file (with positions)."""
    from ..parse.document import ParseProblem
    from ..parse.json_pos import parse_json

    (doc,) = parse_json(text)
    if isinstance(doc, ParseProblem):
        raise hcl.HclError(doc.message, doc.line, doc.col)
    if not isinstance(doc.root, dict):
        raise hcl.HclError("a .tfvars.json file holds one JSON object", 0, 0)
    marks = doc.marks.get(id(doc.root), {})
    return tuple(hcl.Attribute(key, _json_node(value, marks[key][2:], doc.marks), marks[key][:2] * 2,
                               marks[key][:2] + marks[key][4:])
                 for key, value in doc.root.items() if isinstance(key, str))


def _json_node(value, pos: tuple, marks: dict):
    """A JSON value (with its position) as the HCL node of the same value."""
    if isinstance(value, dict):
        child = marks.get(id(value), {})
        return hcl.Object(tuple((k, child[k][:2] * 2, _json_node(v, child[k][2:], marks))
                                for k, v in value.items() if isinstance(k, str)), pos)
    if isinstance(value, list):
        child = marks.get(id(value), [])
        return hcl.Tuple(tuple(_json_node(v, child[i][2:], marks) for i, v in enumerate(value)), pos)
    return hcl.Lit(value, pos)
