"""Provenance: declarative, immutable metadata of datasets, transforms, models, predictions
and evaluations, with their lineage (docs/provenance.md; Schelter et al., seeds/004).

Stdlib only. Each ``track_*`` call sends its entities to the store's engine in one request
and returns a :class:`Ref`; the id of an entity is the sha256 of its canonical JSON, computed
here too (as the run hash is), so links between entities need no round trip::

    train = labbook.track_dataset(X_train, y_train, name="digits-train", version="1")
    model = labbook.track(model=pipeline, trained_on=train)
    labbook.track_evaluation(model=model, on=test, metric="accuracy", value=0.93, task="digits")

Extraction from scikit-learn, pandas, NumPy and PyTorch objects is in ``_extract_*``
modules that import those libraries only when given their objects."""

from __future__ import annotations

import atexit
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ._canonical import canonical_json
from ._errors import LabbookError, StoreNotFoundError
from ._store_location import find_store, store_dir_of

__all__ = [
    "Ref",
    "Recorder",
    "recorder",
    "entity_uid",
    "git_commit",
    "track",
    "track_dataset",
    "track_prediction",
    "track_evaluation",
    "annotate",
]


@dataclass(frozen=True)
class Ref:
    """A recorded entity: its id (64 hex digits), kind and name."""

    uid: str
    kind: str
    name: str


def entity_uid(entity: Mapping[str, Any]) -> str:
    """The id of an entity: the sha256 of its canonical JSON, as the engine computes it."""
    return hashlib.sha256(canonical_json(entity).encode("utf-8")).hexdigest()


def git_commit(start: Optional[Path] = None) -> Optional[str]:
    """The commit checked out in the git work tree around `start` (default: the working
    directory), read from .git without running git; None outside a work tree."""
    base = (start or Path.cwd()).resolve()
    for directory in (base, *base.parents):
        dot_git = directory / ".git"
        if dot_git.is_file():  # a worktree: "gitdir: PATH"
            dot_git = (directory / dot_git.read_text().split(":", 1)[1].strip()).resolve()
        if dot_git.is_dir():
            return _resolve_head(dot_git)
    return None


def _resolve_head(git_dir: Path) -> Optional[str]:
    head = (git_dir / "HEAD").read_text().strip()
    if not head.startswith("ref: "):
        return head or None
    ref = head[5:]
    common = git_dir
    if (git_dir / "commondir").is_file():  # a linked worktree keeps its refs in the main .git
        common = (git_dir / (git_dir / "commondir").read_text().strip()).resolve()
    for root in (git_dir, common):
        if (root / ref).is_file():
            return (root / ref).read_text().strip()
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split(" ", 1)[0]
    return None


class Recorder:
    """Sends entities to the engine of one store, on one connection kept open. What code
    produces gets the git commit of the code and, inside a labbook run, a link to its
    training run; a dataset gets neither (the same data is the same dataset, whoever reads it)."""

    def __init__(self, store: Optional[os.PathLike] = None, env: Optional[Mapping[str, str]] = None) -> None:
        self._env = dict(os.environ if env is None else env)
        self._store = store_dir_of(store) if store else None
        self._engine: Any = None
        self._commit: Optional[str] = git_commit()
        self._run_refs: Dict[int, Ref] = {}
        self._pending: List[Tuple[Dict[str, Any], Ref]] = []
        #: The datasets recorded, by content hash: data met again (fitted on, scored on) is the same entity.
        self.datasets: Dict[str, Ref] = {}

    def add(self, entity: Dict[str, Any]) -> Ref:
        """Queues an entity for the next `flush` and returns its ref: later entities may link to it."""
        stamped = self._stamped(entity)
        ref = Ref(entity_uid(stamped), stamped["kind"], stamped["name"])
        self._pending.append((stamped, ref))
        if ref.kind == "dataset":
            self.datasets.setdefault(stamped["contentHash"], ref)
        return ref

    def flush(self) -> None:
        """Sends the queued entities in one request (one transaction in the store)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            answers = self._connection().request("recordEntities", {"entities": [entity for entity, _ in pending]})
        except BaseException:
            # Nothing of the batch was written: forget what it would have made known.
            sent = {ref for _, ref in pending}
            self._run_refs = {run: ref for run, ref in self._run_refs.items() if ref not in sent}
            self.datasets = {key: ref for key, ref in self.datasets.items() if ref not in sent}
            raise
        for (_, ref), answer in zip(pending, answers):
            if answer["uid"] != ref.uid:
                raise LabbookError(f"the engine's id of {ref.kind} {ref.name!r} differs from the client's: a bug in labbook")

    def record(self, entities: Sequence[Dict[str, Any]]) -> List[Ref]:
        """Writes entities (each may link to one before it) in one request; returns their refs."""
        refs = [self.add(entity) for entity in entities]
        self.flush()
        return refs

    def _stamped(self, entity: Dict[str, Any]) -> Dict[str, Any]:
        """Without its unset fields; what code produces (not data, not the run itself) with the
        git commit of the code and the training run it came out of."""
        entity = {key: value for key, value in entity.items() if value is not None}
        if entity["kind"] in ("dataset", "training_run"):
            return entity
        if self._commit and "gitCommit" not in entity:
            entity["gitCommit"] = self._commit
        run = self._training_run()
        if run is not None and "producedBy" not in entity:
            entity["producedBy"] = run.uid
        return entity

    def _training_run(self) -> Optional[Ref]:
        """The training_run entity of the labbook run this process executes, if any (recorded once)."""
        from . import _open_context  # the run's context, without opening one

        ctx = _open_context._current
        if ctx is None or ctx.run_id is None:
            return None
        if ctx.run_id not in self._run_refs:
            entity = {"kind": "training_run", "name": ctx.experiment or "manual", "run": ctx.run_id, "experiment": ctx.experiment or "manual"}
            # Queued before the entity being stamped: sent first, with the entities that link to it.
            self._run_refs[ctx.run_id] = self.add(entity)
        return self._run_refs[ctx.run_id]

    def _connection(self) -> Any:
        if self._engine is None:
            from ._engine_client import connect  # only when something is recorded

            store = self._store or find_store(env=self._env)
            if store is None:
                raise StoreNotFoundError(
                    "no labbook store to record provenance in: run 'labbook init' in your project, or set LABBOOK_STORE"
                )
            self._engine = connect(store=store, env=self._env, client="python-provenance")
            atexit.register(self.close)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None


_recorder: Optional[Recorder] = None


def recorder() -> Recorder:
    """The process's recorder (for the store found as the CLI finds it)."""
    global _recorder
    if _recorder is None:
        _recorder = Recorder()
    return _recorder


def track_dataset(
    data: Any = None,
    target: Any = None,
    *,
    name: str,
    version: Optional[str] = None,
    pointer: Optional[str] = None,
    derived_from: Sequence[Ref] = (),
    fold: Optional[Mapping[str, Any]] = None,
    content_hash: Optional[str] = None,
) -> Ref:
    """Records a dataset: `data` (and its `target`) described, never stored: a hash of the
    content, columns and types, shape, rows, summary statistics. Data held elsewhere is
    described by `pointer` and `content_hash`. `fold`: ``{"set": "cv5", "index": 0,
    "count": 5, "part": "test"}`` for a cross-validation fold of `derived_from`."""
    from ._extract_data import describe_data

    entity: Dict[str, Any] = {"kind": "dataset", "name": name, "version": version, "pointer": pointer}
    if data is not None:
        entity.update(describe_data(data, target))
    if content_hash is not None:
        entity["contentHash"] = content_hash
    if "contentHash" not in entity:
        raise ValueError("a dataset needs data to describe, or a content_hash of the data at its pointer")
    if derived_from:
        entity["derivedFrom"] = [ref.uid for ref in derived_from]
    if fold is not None:
        entity["fold"] = dict(fold)
    recorder_ = recorder()
    ref = recorder_.add(entity)
    recorder_.datasets[entity["contentHash"]] = ref  # named data wins over a hash-named record of it
    recorder_.flush()
    return ref


def track(model: Any, trained_on: Any, *, target: Any = None, name: Optional[str] = None, version: Optional[str] = None, pointer: Optional[str] = None) -> Ref:
    """Records a fitted model with what it was trained on (a dataset Ref, or the data itself:
    then a dataset is recorded too, unless the same content was). scikit-learn estimators and
    Pipelines give their hyper-parameters and step DAG (a Transform); PyTorch modules their
    layer layout. One request for everything."""
    from ._extract_model import describe_model

    recorder_ = recorder()
    trained = trained_on if isinstance(trained_on, Ref) else data_ref(trained_on, target)
    described, transform = describe_model(model)
    entity = {"kind": "model", **described, "trainedOn": trained.uid, "pointer": pointer, "version": version}
    if name is not None:
        entity["name"] = name
    if transform is not None:
        entity["transform"] = recorder_.add(transform).uid
    ref = recorder_.add(entity)
    recorder_.flush()
    return ref


def data_ref(data: Any, target: Any = None) -> Ref:
    """The dataset of `data` (and `target`): the one recorded with the same content, else a new
    one named by its hash, queued for the next flush."""
    from ._extract_data import content_hash, describe_data

    recorder_ = recorder()
    known = recorder_.datasets.get(content_hash(data, target))
    if known is not None:
        return known
    described = describe_data(data, target)
    return recorder_.add({"kind": "dataset", "name": f"data-{described['contentHash'][:12]}", **described})


def track_prediction(model: Ref, on: Ref, *, name: Optional[str] = None, pointer: Optional[str] = None) -> Ref:
    """Records predictions of `model` on the dataset `on` (where they are: `pointer`)."""
    entity = {"kind": "prediction", "name": name or f"{model.name} on {on.name}", "model": model.uid, "dataset": on.uid, "pointer": pointer}
    return recorder().record([entity])[0]


def track_evaluation(
    model: Ref,
    on: Ref,
    metric: str,
    value: float,
    *,
    definition: Optional[str] = None,
    higher_is_better: bool = True,
    task: Optional[str] = None,
    prediction: Optional[Ref] = None,
    name: Optional[str] = None,
    version: Optional[str] = None,
) -> Ref:
    """Records the value of `metric` for `model` on the dataset `on`. Two evaluations are
    comparable only with the same dataset content and the same metric definition
    (`definition`: what computes it, e.g. ``sklearn.metrics.accuracy_score``)."""
    entity = {
        "kind": "evaluation",
        "name": name or metric,
        "version": version,
        "task": task,
        "metric": {"name": metric, "definition": definition or metric, "higherIsBetter": higher_is_better},
        "value": float(value),
        "model": model.uid,
        "dataset": on.uid,
        "prediction": prediction.uid if prediction else None,
    }
    return recorder().record([entity])[0]


def annotate(ref: Ref, annotations: Optional[Mapping[str, Any]] = None, tags: Sequence[str] = ()) -> Dict[str, Any]:
    """Adds annotations (a key keeps its first value) and tags to a recorded entity; returns it as stored."""
    return recorder()._connection().request("annotateEntity", {"ref": ref.uid, "annotations": dict(annotations or {}), "tags": list(tags)})
