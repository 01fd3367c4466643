"""Plain data classes without start-up cost.

The classes every run creates (locations, findings, the run model, the
configuration) derive from ``Record``: named fields in ``__slots__``, an
``__init__`` written out, and the ``repr``, equality and ``replace`` that
``dataclasses`` would generate. ``@dataclass`` compiles those methods each time
a module loads (about 0.6 ms a class, some 15 ms of a 100 ms run on one small
manifest); written once here they come from the bytecode cache.
"""

from __future__ import annotations


class Record:
    """Fields are the names in ``__slots__`` (but ``__weakref__``); ``_quiet``
    ones (caches) are left out of ``repr`` and equality. Mutable: not hashable."""

    __slots__: tuple[str, ...] = ()
    _fields: tuple[str, ...] = ()
    _shown: tuple[str, ...] = ()
    _quiet: tuple[str, ...] = ()

    def __init_subclass__(cls) -> None:
        cls._fields = tuple(name for name in cls.__slots__ if not name.startswith("__"))
        cls._shown = tuple(name for name in cls._fields if name not in cls._quiet)

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._shown)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    # unhashable (as a mutable dataclass); typeshed declares object.__hash__ as a method
    __hash__ = None  # type: ignore[assignment]

    def replace(self, **changes):
        """A copy with ``changes`` (``dataclasses.replace``)."""
        new = object.__new__(type(self))
        for name in self._fields:
            setattr(new, name, changes.pop(name) if name in changes else getattr(self, name))
        if changes:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(changes)}")
        return new


class Value(Record):
    """A record that is never changed once made: hashable (set members, dict keys)."""

    __slots__ = ()

    # hashable again: correct at run time, but mypy holds the override to Record.__hash__ = None
    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._values())
