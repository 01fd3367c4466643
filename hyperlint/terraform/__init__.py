"""Terraform: ``.tf`` module folders and ``terraform show -json`` plans.

A module folder is one unit: ``group`` turns the ``.tf`` and ``.tfvars``
inputs of each folder into one ``ModuleInput``, which the engine lints with
``hyperlint.terraform.run.lint_module`` (through ``TerraformView``, a
CloudFormation-shaped view of the module). Plan JSON is an ordinary JSON
input, classified as ``terraform-plan`` and read through ``PlanView``.

HCL is read by ``hyperlint.terraform.reader`` (fast, no dependency);
python-hcl2, the optional extra ``pip install 'hyperlint[terraform]'``, is the
reference parser it defers to for text it cannot read, imported only then.

The modules, each depending only on those listed before it:

- ``nodes``: the HCL nodes; ``reader_scan``, ``reader_expr``, ``reader``: the
  fast reader; ``hcl2tree``: python-hcl2's tree -> nodes; ``hcl``: ``parse``;
- ``module``: a folder's variables, locals, resources, module calls, tfvars;
- ``mapping``: Terraform -> CloudFormation type and property names;
- the view, one layer each: ``viewmarks`` (the tree and its positions),
  ``evaluate`` (expressions), ``iam`` (policy documents, attachments),
  ``references`` (variables, locals, resources), ``network`` (security group
  rules, routes), ``eks`` (access entries, the community EKS module), ``view``
  (``TerraformView``: assembles the template);
- ``plan``: ``PlanView``; ``run``: linting a module or a plan.
"""

from __future__ import annotations

import os

from .. import lazy
from ..record import Record

EXTENSIONS = (".tf", ".tfvars", ".tfvars.json")


def is_terraform_file(name: str) -> bool:
    return name.lower().endswith(EXTENSIONS)


class ModuleInput(Record):
    """The ``.tf``/``.tfvars`` inputs of one folder, linted together (in place of an ``Input``)."""

    __slots__ = ("callers", "display", "files", "path", "problem", "stdin")

    def __init__(self, display: str, files: tuple, callers: tuple = ()) -> None:
        self.display = display  # the folder
        self.files = files  # the Inputs of the folder, in name order
        self.callers = callers  # ModuleInputs whose `module` blocks may have this folder as `source`
        self.path = self.stdin = self.problem = None

    @property
    def is_json(self) -> bool:
        return False


def group(inputs: list) -> list:
    """``inputs`` with the Terraform files of each folder replaced by one ModuleInput
    (at the place of the folder's first file)."""
    if not any(is_terraform_file(i.display) and i.problem is None for i in inputs):
        return inputs
    folders: dict[str, list] = {}
    for inp in inputs:
        if is_terraform_file(inp.display) and inp.problem is None:
            folders.setdefault(os.path.dirname(inp.display), []).append(inp)
    out, done = [], set()
    for inp in inputs:
        if not (is_terraform_file(inp.display) and inp.problem is None):
            out.append(inp)
            continue
        folder = os.path.dirname(inp.display)
        if folder not in done:
            done.add(folder)
            files = tuple(sorted(folders[folder], key=lambda i: i.display))
            if any(i.display.lower().endswith(".tf") for i in files):
                out.append(ModuleInput(folder or ".", files))
            # tfvars alone (no .tf beside them) are values for a module elsewhere: nothing to lint
    _link_callers([m for m in out if isinstance(m, ModuleInput)])
    return out


_LOCAL_SOURCE = lazy.pattern(rb'(?m)^[ \t]*source[ \t]*=[ \t]*"(\.\.?/[^"\n]*)"')


def _link_callers(modules: list) -> None:
    """Set ``callers`` of each module folder that another folder of the run calls with a
    local ``source = "./modules/x"`` (a cheap look at the text; the call is read later)."""
    by_folder = {os.path.normpath(m.display): m for m in modules}
    if len(by_folder) < 2:
        return
    callers: dict[str, list] = {}
    for m in modules:
        for f in m.files:
            if f.path is None or not f.display.endswith(".tf"):
                continue
            try:
                with open(f.path, "rb") as fh:
                    data = fh.read(4 * 1024 * 1024)
            except OSError:
                continue
            for src in _LOCAL_SOURCE.findall(data):
                target = os.path.normpath(os.path.join(m.display, src.decode("utf-8", "replace")))
                if target in by_folder and by_folder[target] is not m and m not in callers.get(target, []):
                    callers.setdefault(target, []).append(m)
    for target, found in callers.items():
        by_folder[target].callers = tuple(found)
