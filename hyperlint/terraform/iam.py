"""IAM in a Terraform view: policy documents and managed-policy attachments.

``data.aws_iam_policy_document.x.json`` is the IAM JSON document its literal
``statement`` blocks build; the attachment resources (``ATTACHMENTS``) that give a
role managed policies become the role's ``ManagedPolicyArns``.
"""

from __future__ import annotations

from . import hcl
from .evaluate import Evaluator
from .mapping import ATTACHMENTS, FREE, NOVALUE
from .module import Module


class Iam(Evaluator):
    """Policy documents and role attachments."""

    _attachments: dict

    def _policy_document(self, located) -> dict:
        """The document an ``aws_iam_policy_document`` data source builds, as IAM JSON."""
        block, file = located.node, located.file
        statements, marks = [], []
        for st in block.blocks("statement"):
            doc: dict = {}
            for attr, key in (("effect", "Effect"), ("actions", "Action"), ("not_actions", "NotAction"),
                              ("resources", "Resource"), ("not_resources", "NotResource"), ("sid", "Sid")):
                a = st.attribute(attr)
                if a is not None:
                    v, f, p = self.tr(a.expr, file, FREE)
                    if v is not NOVALUE:
                        self._set(doc, key, v, self._mark(f, a.key_pos, p, key_file=file))
            if "Effect" not in doc:
                self._set(doc, "Effect", "Allow", self._mark(file, st.pos, st.pos))
            principals: dict = {}
            for pr in st.blocks("principals"):
                ptype, ids = pr.attribute("type"), pr.attribute("identifiers")
                if ptype is None or ids is None or not isinstance(ptype.expr, hcl.Lit):
                    continue
                v, f, p = self.tr(ids.expr, file, FREE)
                self._set(principals, str(ptype.expr.value), v, self._mark(f, pr.pos, p, key_file=file))
            if principals:
                self._set(doc, "Principal", principals, self._mark(file, st.pos, st.pos))
            statements.append(doc)
            marks.append(self._mark(file, st.pos, st.pos))
        document: dict = {}
        self._set(document, "Version", "2012-10-17", self._mark(file, block.pos, block.pos))
        self._set(document, "Statement", statements, self._mark(file, block.pos, block.pos))
        self._put(statements, marks)
        return document

    def _role_attachments(self) -> dict[str, list]:
        """Role address -> the attachment resources that give it managed policies
        (``aws_iam_role_policy_attachment``, ``aws_iam_policy_attachment``'s ``roles``,
        ``aws_iam_role_policy_attachments_exclusive``); "?" -> attachments whose role cannot be
        told (they make every role's policies unknown)."""
        found: dict[str, list] = {}
        for address, located in self.module.resources.items():
            rtype = address.split(".", 1)[0]
            if rtype not in ATTACHMENTS:
                continue
            role_attr, _ = ATTACHMENTS[rtype]
            role = located.node.attribute(role_attr)
            exprs = role.expr.items if role is not None and isinstance(role.expr, hcl.Tuple) and \
                rtype == "aws_iam_policy_attachment" else [role.expr if role else None]
            if rtype == "aws_iam_policy_attachment" and role is None:
                continue  # attached to users or groups only
            for expr in exprs:
                target = _resource_of(expr, self.module)
                if located not in found.get(target or "?", []):
                    found.setdefault(target or "?", []).append(located)
        return found

    def _fold_attachments(self, address: str, props: dict, file: int, block) -> None:
        """The managed policies attached by attachment resources become the role's
        ``ManagedPolicyArns``; an attachment that cannot be read makes the list unknown."""
        attached = self._attachments.get(address, [])
        if self._attachments.get("?"):
            self._set(props, "ManagedPolicyArns", self._unknown("policy attachments"),
                      self._mark(file, block.pos, block.pos))
            return
        if not attached:
            return
        arns = props.get("ManagedPolicyArns")
        if arns is not None and not isinstance(arns, list):
            return
        arns = list(arns or [])
        marks = list(self.marks.get(id(props.get("ManagedPolicyArns")), []))
        for located in attached:
            _, policy_attr = ATTACHMENTS[located.node.labels[0]]
            attr = located.node.attribute(policy_attr)
            if attr is None:
                continue
            v, f, p = self.tr(attr.expr, located.file, FREE)
            if policy_attr == "policy_arns":  # a list of ARNs
                if not isinstance(v, list):
                    self._set(props, "ManagedPolicyArns", self._unknown("policy attachments"),
                              self._mark(file, block.pos, block.pos))
                    return
                item_marks = self.marks.get(id(v), [])
                for i, item in enumerate(v):
                    arns.append(item)
                    marks.append(item_marks[i] if i < len(item_marks) else self._mark(f, None, p))
                continue
            arns.append(v)
            marks.append(self._mark(f, None, p))
        self._set(props, "ManagedPolicyArns", arns, self._mark(file, block.pos, block.pos))
        self._put(arns, marks)


def self_contained_policy(block) -> bool:
    """Whether an ``aws_iam_policy_document`` is made only of its own literal ``statement``
    blocks (no documents merged in, no ``dynamic`` statements, no ``not_principals``)."""
    merged = ("source_policy_documents", "override_policy_documents", "source_json", "override_json")
    if any(block.attribute(name) is not None for name in merged):
        return False
    if any(isinstance(item, hcl.Block) and item.type == "dynamic" for item in block.body):
        return False
    return not any(st.blocks("not_principals") or st.blocks("dynamic") for st in block.blocks("statement"))


def _resource_of(expr, module: Module) -> str | None:
    """The address of the resource a reference names (``aws_iam_role.x.name`` -> ``aws_iam_role.x``)."""
    if isinstance(expr, hcl.Traversal) and len(expr.steps) >= 2 and isinstance(expr.steps[1], str):
        address = f"{expr.steps[0]}.{expr.steps[1]}"
        if address in module.resources:
            return address
    return None
