"""The tree of a Terraform view and its marks: where each value is written.

``Marks`` builds the CloudFormation-shaped tree (``_set``, ``_add``) with a mark
for each value. Marks are on virtual lines (one per source line used, ``_line``);
``real_loc`` turns a Loc made on the view's document into the real file, line and
column, and ``related_variable`` names the ``variable`` block a value in a
``.tfvars`` file or a module call sets.
"""

from __future__ import annotations

import re

from ..findings import Loc
from .module import Module

_QUOTED_KEY = re.compile(r'("(?:[^"\\]|\\.)*")[ \t]*[=:]')  # `"sagemaker.amazonaws.com/x" = ...`
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?:=(?!=)|\{|\"|[A-Za-z_])")  # `name =`, `block {`, `resource "x"`


class Marks:
    """Positions of the view (see the module docstring); ``TerraformView`` sets the state."""

    module: Module
    base: int
    files: list
    vlines: list[tuple[int, int]]
    _vl: dict[tuple[int, int], int]
    marks: dict
    _alive: list
    identity: dict[str, tuple]
    var_of_value: dict[tuple[int, int], tuple[int, tuple]]
    _lines: dict[int, list[str]]
    resources: dict

    def _line(self, file: int, line: int) -> int:
        key = (self.base + file, line)
        v = self._vl.get(key)
        if v is None:
            v = self._vl[key] = len(self.vlines)
            self.vlines.append(key)
        return v

    def _mark(self, file: int | None, key_pos, pos, key_file: int | None = None) -> tuple:
        """A mark of the view for a value at ``pos`` of ``file`` (its key at ``key_pos`` of
        ``key_file``, default the same). ``file`` None: ``pos`` is already a mark of the view
        (a value a ``for`` expression bound to its variable)."""
        if file is None:
            if key_pos is None or key_file is None:
                return pos
            return (self._line(key_file, key_pos[0]), key_pos[1]) + tuple(pos[2:])
        kf = file if key_file is None else key_file
        key_pos = key_pos or pos
        return (self._line(kf, key_pos[0]), key_pos[1], self._line(file, pos[0]), pos[1],
                self._line(file, pos[2]), pos[3])

    def _set(self, container: dict, key, value, mark: tuple) -> None:
        container[key] = value
        marks = self.marks.get(id(container))
        if marks is None:
            marks = self._put(container, {})
        marks[key] = mark

    def _put(self, container, marks):
        """Record the marks of ``container``'s children. Marks are keyed by ``id()``, so every
        container given marks is kept alive with the view (a value made and dropped while
        evaluating would otherwise hand its id, and its stale marks, to a new one)."""
        self._alive.append(container)
        self.marks[id(container)] = marks
        return marks

    def _rename_key(self, mapping: dict, old: str, new: str, value=None) -> None:
        mark = self.marks.get(id(mapping), {}).pop(old, None)
        item = mapping.pop(old)
        self._set(mapping, new, item if value is None else value, mark or (0,) * 6)

    def _add(self, address, cfn_type, props, file, block, identity) -> None:
        """Add the resource a Terraform ``block`` declares."""
        start = block.pos
        self._add_at(address, cfn_type, props, self._mark(file, start, start), identity,
                     type_mark=self._mark(file, None, block.label_pos[0] if block.label_pos else start))

    def _add_at(self, address, cfn_type, props, mark, identity, type_mark=None) -> None:
        """Add a resource at ``mark`` (its type at ``type_mark``, default the same)."""
        resource: dict = {}
        self._set(resource, "Type", cfn_type, mark if type_mark is None else type_mark)
        self._set(resource, "Properties", props, mark)
        self._set(self.resources, address, resource, mark)
        self.identity[address] = identity

    def real_loc(self, loc: Loc) -> Loc:
        """``loc`` (made on ``document``) in the Terraform file it points at."""
        if not self.vlines:
            return loc
        file, line = self.vlines[min(max(loc.line - 1, 0), len(self.vlines) - 1)]
        end_line = None
        if loc.end_line is not None:
            efile, eline = self.vlines[min(max(loc.end_line - 1, 0), len(self.vlines) - 1)]
            end_line = eline + 1 if efile == file else None
        obj = loc.object
        if obj is not None and len(obj) == 3 and obj[2] in self.identity:
            obj = self.identity[obj[2]]
        end_column = loc.end_column if end_line is not None else None
        key = self._key_at(file, line, loc.column - 1)
        if key is not None:  # a finding on a key: its end is the Terraform name's, not the property's
            end_line, end_column = line + 1, loc.column + len(key)
        return Loc(self.files[file].display, line + 1, loc.column, end_line, end_column, "", obj, None, None)

    def _key_at(self, file: int, line: int, col: int) -> str | None:
        """The attribute or block name that starts at ``line``/``col`` of a file, if one does."""
        lines = self._lines.get(file)
        if lines is None:
            lines = self._lines[file] = self.files[file].text.split("\n")
        if line >= len(lines):
            return None
        m = _KEY.match(lines[line], col) or _QUOTED_KEY.match(lines[line], col)
        return m.group(1) if m else None

    def related_variable(self, loc: Loc) -> Loc | None:
        """The ``variable`` block a value at ``loc`` (in a .tfvars file or a module call) sets."""
        for index, source in enumerate(self.files):
            if source.display == loc.file and (index, loc.line - 1) in self.var_of_value:
                file, pos = self.var_of_value[(index, loc.line - 1)]
                return Loc(self.files[file].display, pos[0] + 1, pos[1] + 1)
        return None

    def _note_variable(self, name: str, file: int, line: int, base: int | None = None) -> None:
        """Remember that the value at ``file``/``line`` (of this module, or of the module whose
        first file is ``base``) sets this module's variable ``name``."""
        located = self.module.variables.get(name)
        if located is not None:
            block = located.node
            pos = block.label_pos[0] if block.label_pos else block.pos
            self.var_of_value[((self.base if base is None else base) + file, line)] = (self.base + located.file, pos)
