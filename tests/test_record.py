"""hyperlint.record: the plain data classes' repr, equality, hashing, copying and pickling."""

from __future__ import annotations

import pickle

import pytest

from hyperlint.findings import Finding, Loc
from hyperlint.k8s import K8sObject
from hyperlint.model import Constraint


def test_equality_and_repr_leave_out_quiet_fields():
    a = K8sObject((), {"kind": "Pod"}, "v1", "Pod")
    b = K8sObject((), {"kind": "Pod"}, "v1", "Pod")
    a.memo["identity"] = ("Pod", None, None)
    assert a == b and a != K8sObject((), {}, "v1", "Pod")
    assert repr(a) == "K8sObject(path=(), data={'kind': 'Pod'}, api_version='v1', kind='Pod')"
    loc = Loc("f.yaml", 3, 5)
    assert Finding("HP301", "error", "m", loc, facts={"x": 1}) == Finding("HP301", "error", "m", loc)
    assert Finding("HP301", "error", "m", loc) != Finding("HP302", "error", "m", loc)


def test_values_hash_and_records_do_not():
    assert len({Loc("f", 1, 1), Loc("f", 1, 1), Loc("f", 2, 1)}) == 2
    assert hash(Constraint("k", "In", ("a",))) == hash(Constraint("k", "In", ("a",)))
    with pytest.raises(TypeError):
        hash(Finding("HP301", "error", "m", Loc("f", 1, 1)))


def test_replace_copies_and_rejects_unknown_fields():
    f = Finding("HP301", "error", "m", Loc("f", 1, 1))
    g = f.replace(severity="warning")
    assert (f.severity, g.severity, g.message, g.loc) == ("error", "warning", "m", f.loc)
    with pytest.raises(TypeError, match="no field colour"):
        f.replace(colour="red")


def test_records_pickle_for_worker_processes():
    f = Finding("HP301", "error", "m", Loc("f", 1, 2, 1, 9, "/spec", ("Pod", "ns", "p"), None, 0), facts={"a": 1})
    back = pickle.loads(pickle.dumps(f, pickle.HIGHEST_PROTOCOL))
    assert back == f and back.facts == {"a": 1} and back.loc.pointer == "/spec"
