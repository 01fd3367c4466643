"""Scopes: which cluster sources and manifests of a run belong together.

Cross-document rules (``check_run``, ``refine``, ``hyperlint capacity``) judge
one scope at a time, never the whole run, so unrelated examples in one tree are
never joined.

A **cluster source** is a contribution that defines a cluster or its capacity:
a HyperPod cluster (CloudFormation `AWS::SageMaker::Cluster`, a saved
`create-cluster`/`describe-cluster` JSON, the configuration's `cluster:`
section), an EKS cluster (`AWS::EKS::Cluster`, an eksctl `ClusterConfig`) or
EKS/eksctl node groups. It is identified by its *place*: its file, or the
folder a contribution names in ``Model.place`` (every `.tf` file of one
Terraform module names the module's folder, so they are one source; a Helm
chart's renders name the chart's folder, so they belong where the chart
stands). Karpenter NodePools are manifests applied to a cluster, not sources.

Every other file (manifests, templates without a cluster) joins scopes this way:

1. No or one cluster source in the run: everything is one scope.
2. Several: a file joins the clusters whose `clusters:` entry in the
   configuration lists it (`manifests` globs, relative to the configuration
   file's folder, matched with ``fnmatch``: `*` also crosses folders), else
3. the **nearest-directory match**: walk from the file's folder (a folder
   place: that folder) up to the filesystem root. At each folder, the
   candidates are the sources standing in that folder itself, or, when there
   are none, the sources standing in one of its direct subfolders (`infra/`
   beside `k8s/`). At the first folder with any candidate, the file joins
   that source when it is the only candidate (or all candidates are one
   cluster, below), and no cluster when there are several (ambiguous: never
   a guess). A source deeper below a shared ancestor is another example's.
   Sources of one folder that name each other (a HyperPod cluster's
   `ClusterArn` names the EKS cluster of the other) are one cluster: one scope;
   so are the parts of one deployment: Terraform modules of which one calls the
   other with a local `source`, or that one module of the run calls; templates
   that one parent template names as nested stacks (`TemplateURL`).
4. A file that joins no cluster is judged with the files of its own folder
   that joined none either (cross-document rules see no cluster there, so
   HP401-HP409 stay silent), and ``Grouping.notes`` says once which clusters
   were found and how to map them.

A source file always belongs to its own scope. With rule 3 a folder added
to a run changes nothing outside it as long as each file already found its
source before reaching the folder the new one hangs from. A run whose one
source sits in a sibling folder of its manifests (`infra/`, `k8s/`) needs the
configuration once a second source arrives beside them: which of the two
they belong to cannot be known.

``tied_to_hyperpod`` decides "tied to HyperPod" for the HP1xx rules: a HyperPod
cluster of the scope references the EKS cluster, its file or stack names
HyperPod/SageMaker, or the configuration says so.
"""

from __future__ import annotations

import fnmatch
import os

from .model import Model
from .record import Record

EKS_CLUSTER_RULES = "HP1"  # the HP1xx rules judge the EKS cluster
CROSS_RULES = "HP401-HP409"


class Part(Record):
    """One file's contribution to the run."""

    __slots__ = ("file", "path", "model")

    def __init__(self, file: str, path: str, model: Model) -> None:
        self.file = file  # as findings name it
        self.path = path  # absolute, normalised
        self.model = model


class Source(Record):
    """A cluster source: the files that make it up, at one place."""

    __slots__ = ("place", "shown", "folder", "files", "model", "hyperpod")

    def __init__(self, place: str, shown: str, folder: str, files: list[str], model: Model) -> None:
        self.place = place  # absolute path of its file or folder
        self.shown = shown  # as the user named it
        self.folder = folder  # the folder it stands in (for the nearest-directory match)
        self.files = files
        self.model = model
        self.hyperpod = False  # the configuration says its EKS cluster runs HyperPod


class Scope(Record):
    """Cluster sources and the files that belong with them, with their run model."""

    __slots__ = ("sources", "files", "model")

    def __init__(self, sources: list[Source], files: list[str], model: Model) -> None:
        self.sources = sources
        self.files = files
        self.model = model

    @property
    def label(self) -> str:
        return ", ".join(s.shown for s in self.sources) or "(no cluster)"


class Grouping(Record):
    """The scopes of a run, the scopes of each file, and what to tell the user once
    (files that belong to no cluster, `clusters:` entries that name no source of the run)."""

    __slots__ = ("scopes", "by_file", "notes")

    def __init__(self, scopes: list[Scope], by_file: dict[str, list[Scope]], notes: list[str] | None = None) -> None:
        self.scopes = scopes
        self.by_file = by_file
        self.notes = [] if notes is None else notes

    def scope_of(self, file: str) -> Scope | None:
        """The scope a finding in ``file`` is judged in (its first, when configuration lists it in
        several); with several scopes, None for a place that is no file of the run."""
        found = self.by_file.get(file)
        return found[0] if found else (self.scopes[0] if len(self.scopes) == 1 else None)


def absolute(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


def group(parts: list[Part], config, configured: Model | None = None, whole: Model | None = None) -> Grouping:
    """Group ``parts`` (each file's model fragment) into scopes; ``configured``
    is the configuration's `cluster:` section, a source placed at the configuration file;
    ``whole``, when given, is all of them merged already (the one scope of most runs)."""
    sources, others = _sources(parts, config, configured)
    linked = _linked(sources, _deployments(parts))
    if len(linked) <= 1:
        model = whole if whole is not None else \
            _merged([p.model for p in parts] + ([configured] if configured is not None else []))
        scope = Scope(sources, [p.file for p in parts], model)
        return Grouping([scope], {f: [scope] for f in scope.files + _config_files(sources)},
                        _unknown_entries(sources, config))
    scopes = [Scope(together, [f for s in together for f in s.files], Model()) for together in linked]
    scope_of = {id(s): scope for scope in scopes for s in scope.sources}
    members: dict[int, list[Part]] = {id(scope): [] for scope in scopes}
    orphans: dict[str, list[Part]] = {}
    for part in others:
        mapped = _configured(part, sources, config)
        chosen = []
        for s in mapped or _nearest(part, sources):
            if scope_of[id(s)] not in chosen:
                chosen.append(scope_of[id(s)])
        if len(chosen) > 1 and not mapped:
            chosen = []  # several clusters at the same distance: ambiguous, never a guess
        for scope in chosen:
            members[id(scope)].append(part)
            scope.files.append(part.file)
        if not chosen:
            orphans.setdefault(os.path.dirname(part.path), []).append(part)
    for scope in scopes:
        scope.model = _merged([s.model for s in scope.sources] + [p.model for p in members[id(scope)]])
    for folder in sorted(orphans):
        items = orphans[folder]
        scopes.append(Scope([], [p.file for p in items], _merged([p.model for p in items])))
    by_file: dict[str, list[Scope]] = {}
    for scope in scopes:
        for f in scope.files + _config_files(scope.sources):
            by_file.setdefault(f, []).append(scope)
    unmapped = [p.file for items in orphans.values() for p in items if p.model.manifests_seen]
    notes = ([_note(sources, unmapped, config)] if unmapped else []) + _unknown_entries(sources, config)
    return Grouping(scopes, by_file, notes)


def _linked(sources: list[Source], deployments: list[set[str]] | None = None) -> list[list[Source]]:
    """Sources that describe one cluster together: in the same folder, a HyperPod
    cluster of one names (`Orchestrator.Eks.ClusterArn`) an EKS cluster of the other
    (an eksctl `ClusterConfig` beside its `create-cluster` input); or both are parts of one
    deployment (``deployments``: the places that one parent stack or root module puts together)."""
    deployments = deployments or []
    groups: list[list[Source]] = []
    for s in sources:
        joined = None
        for g in groups:
            if any(o.folder == s.folder and (_names(o, s) or _names(s, o))
                   or any(o.place in d and s.place in d for d in deployments) for o in g):
                if joined is None:
                    g.append(s)
                    joined = g
                else:  # s links two groups: one
                    joined += g
                    g.clear()
        groups = [g for g in groups if g]
        if joined is None:
            groups.append([s])
    return groups


TERRAFORM_CALLER = "terraform-caller"  # Model.markers entry: (this, folder of a module that calls this module)
NESTED_STACK = "cfn-nested-stack"  # Model.markers entry: (this, TemplateURL of a nested stack, as written)


def _deployments(parts: list[Part]) -> list[set[str]]:
    """The places (absolute) that make one deployment: a Terraform module and every local module
    it calls; a CloudFormation template and the nested stacks whose `TemplateURL` names a file
    (a relative path from the template's folder, or a URL whose last segment is a file beside it)."""
    by_caller: dict[str, set[str]] = {}
    out = []
    for part in parts:
        place = absolute(part.model.place) if part.model.place else part.path
        children = set()
        for marker in part.model.markers:
            if len(marker) != 2:
                continue
            if marker[0] == TERRAFORM_CALLER:
                caller = absolute(marker[1])
                by_caller.setdefault(caller, {caller}).add(place)
            elif marker[0] == NESTED_STACK:
                children.add(os.path.normpath(os.path.join(os.path.dirname(part.path), marker[1])))
        if children:
            out.append(children | {place})
    merged: list[set[str]] = []
    for places in out + list(by_caller.values()):  # a root calling a module that calls another: one
        for other in [m for m in merged if m & places]:
            places |= other
            merged.remove(other)
        merged.append(places)
    return merged


def nested_stacks(template) -> list[str]:
    """The files the nested stacks (`AWS::CloudFormation::Stack`) of ``template`` name in their
    `TemplateURL`, relative to the template's folder: a relative path as written, or the last
    segment of a URL (`https://bucket.s3.amazonaws.com/templates/eks.yaml`: `eks.yaml` beside it)."""
    found = []
    for _, props, _ in template.resources_of_type("AWS::CloudFormation::Stack"):
        url = props.get("TemplateURL")
        if isinstance(url, dict) and len(url) == 1 and "Fn::Sub" in url:
            url = url["Fn::Sub"][0] if isinstance(url["Fn::Sub"], list) and url["Fn::Sub"] else url["Fn::Sub"]
        if not isinstance(url, str) or not url.strip():
            continue
        target = url.rsplit("/", 1)[-1] if "://" in url or "${" in url else url
        if target and "${" not in target and not target.endswith("/"):
            found.append(target)
    return found


def _names(hyperpod: Source, eks: Source) -> bool:
    names = {e.name for e in eks.model.eks_clusters if e.name}
    return any(names & set(c.eks) for c in hyperpod.model.clusters)


def _config_files(sources: list[Source]) -> list[str]:
    return [s.shown for s in sources if not s.files]


def _sources(parts: list[Part], config, configured: Model | None) -> tuple[list[Source], list[Part]]:
    by_place: dict[str, Source] = {}
    others = []
    for part in parts:
        if not part.model.is_cluster_source:
            others.append(part)
            continue
        place = absolute(part.model.place) if part.model.place else part.path
        folder = place if part.model.place else os.path.dirname(place)
        source = by_place.get(place)
        if source is None:
            shown = part.model.place if part.model.place else part.file
            source = by_place[place] = Source(place, shown, folder, [], Model())
        source.files.append(part.file)
        source.model.merge(part.model)
    if configured is not None:
        shown = config.source or "<configuration>"
        place = absolute(shown)
        source = by_place.get(place) or Source(place, shown, os.path.dirname(place), [], Model())
        source.model.merge(configured)
        by_place[place] = source
    base = _base(config)
    for entry in config.clusters:
        target = by_place.get(absolute(os.path.join(base, entry["source"])))
        if target is not None and entry.get("hyperpod"):
            target.hyperpod = True
    return list(by_place.values()), others


def _base(config) -> str:
    return os.path.dirname(absolute(config.source)) if config.source else absolute(".")


def _configured(part: Part, sources: list[Source], config) -> list[Source]:
    """The sources whose `clusters:` entry lists ``part`` among its manifests."""
    if not config.clusters:
        return []
    base = _base(config)
    try:
        rel = os.path.relpath(part.path, base).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return []
    by_place = {s.place: s for s in sources}
    chosen = []
    for entry in config.clusters:
        if any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g.rstrip("/") + "/*") for g in entry["manifests"]):
            source = by_place.get(absolute(os.path.join(base, entry["source"])))
            if source is not None and source not in chosen:
                chosen.append(source)
    return chosen


def _nearest(part: Part, sources: list[Source]) -> list[Source]:
    """The sources of the nearest folder (from the file's own, upwards) that has any:
    those standing in that folder itself, else those standing in one of its direct
    subfolders (`infra/` beside `k8s/`). Sources deeper down belong to other examples."""
    here = absolute(part.model.place) if part.model.place else os.path.dirname(part.path)
    while True:
        found = [s for s in sources if s.folder == here] or \
            [s for s in sources if os.path.dirname(s.folder) == here and s.folder != here]
        if found:
            return found
        parent = os.path.dirname(here)
        if parent == here:
            return []
        here = parent


def _merged(models: list[Model]) -> Model:
    out = Model()
    for m in models:
        out.merge(m)
    return out


def _unknown_entries(sources: list[Source], config) -> list[str]:
    """A `clusters:` entry whose source is no cluster source of this run (a typo, or a
    folder not linted this time): said, never an error."""
    base = _base(config)
    places = {s.place for s in sources}
    return [f"{config.source or 'configuration'}: clusters[{i}].source {entry['source']!r} is not a cluster "
            f"source of this run (a template, create/describe-cluster JSON, eksctl ClusterConfig or Terraform "
            f"folder among the linted files); its entry is not used"
            for i, entry in enumerate(config.clusters) if absolute(os.path.join(base, entry["source"])) not in places]


def _note(sources: list[Source], unmapped: list[str], config) -> str:
    shown = ", ".join(s.shown for s in sources[:6]) + (" ..." if len(sources) > 6 else "")
    files = f"{len(unmapped)} file{'s' if len(unmapped) != 1 else ''} with Kubernetes manifests ({unmapped[0]}" + \
        (" ..." if len(unmapped) > 1 else "") + ") " + ("belongs" if len(unmapped) == 1 else "belong")
    where = config.source or ".hyperlint.yaml"
    return (f"{len(sources)} cluster sources in this run ({shown}); {files} to none of them, so the "
            f"cross-document rules ({CROSS_RULES}) skip them. Map them in {where}: "
            f"clusters: [{{source: {sources[0].shown}, manifests: ['<folder>/*']}}, ...]")


# -- "Tied to HyperPod" ---------------------------------------------------------------------

def names_hyperpod(data, *texts) -> bool:
    """Does one of ``texts`` (a name, a path, a description) name HyperPod or SageMaker?"""
    words = data.node_pools["hyperpod_words"]["words"]
    return any(isinstance(t, str) and any(w in t.lower() for w in words) for t in texts)


def judges_eks_cluster(rule) -> bool:
    """An HP1xx rule whose findings are info on an EKS cluster not tied to HyperPod:
    it says so by listing info among its EMITS (rules whose subject is HyperPod's
    by definition, HP108's HYPERPOD_LINUX access entries, do not)."""
    return rule is not None and rule.id.startswith(EKS_CLUSTER_RULES) and "info" in rule.emits


def tied_to_hyperpod(scope: Scope, file: str, data, config) -> bool:
    """Is the EKS cluster that a finding in ``file`` judges tied to HyperPod?

    The EKS clusters are those of ``file``'s own source, else those of its scope.
    Tied: the configuration says so (`assume-hyperpod`, or `hyperpod: true` on its
    `clusters:` entry); a HyperPod cluster of the same source, or of the scope
    naming it in `Orchestrator.Eks.ClusterArn` (or naming no knowable cluster);
    HyperPod NodePools, HyperPod-targeting workloads or a HyperPod add-on in the scope; its name,
    logical ID, stack description or file path names HyperPod or SageMaker.
    A scope that defines no EKS cluster (manifests only: an `aws-node` DaemonSet, a
    Calico install) is tied when it shows HyperPod (a HyperPod cluster, HyperPod
    NodePools, HyperPod-targeting workloads, a HyperPod add-on) or the file's path
    names HyperPod or SageMaker: an EKS-only repository's add-on manifests are not HyperPod's."""
    if config.assume_hyperpod:
        return True
    own = [s for s in scope.sources if file in s.files and s.model.eks_clusters]
    candidates = own or [s for s in scope.sources if s.model.eks_clusters]
    model = scope.model
    if any(i.kind == "addon" and i.name in data.hyperpod_addons for i in model.installed):
        return True  # a HyperPod add-on (training operator, task governance ...) is installed in it
    if not candidates:
        return model.shows_hyperpod or names_hyperpod(data, file)
    if ("hyperpod-nodepool",) in model.markers or any(w.targets_hyperpod for w in model.workloads):
        return True
    for s in candidates:
        names = {e.name for e in s.model.eks_clusters}
        if s.hyperpod or s.model.clusters or any(e.named_hyperpod for e in s.model.eks_clusters) \
                or names_hyperpod(data, s.shown):
            return True
        if any(not c.eks or names & set(c.eks) for c in model.clusters):
            return True
    return False


def untied_note() -> str:
    return ("; info only: nothing ties this EKS cluster to HyperPod (no HyperPod cluster names it); if it runs "
            "HyperPod, say so with `hyperpod: true` on its `clusters:` entry in the configuration")
