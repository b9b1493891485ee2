"""scikit-learn: the hyper-parameters of an estimator (``get_params``), the DAG of a Pipeline's
steps with its FeatureUnion and ColumnTransformer branches, and ``track_sklearn()``, which
records every top-level ``fit``, ``predict`` and ``score`` as they happen. Imported only when
scikit-learn is in use."""

from __future__ import annotations

import math
import threading
import weakref
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._identity import qualified_name

__all__ = ["describe_estimator", "transform_graph", "track_sklearn"]


def class_name(obj: Any) -> str:
    """``sklearn.decomposition.PCA``: the class under its public module (private parts dropped)."""
    cls = obj if isinstance(obj, type) else type(obj)
    public = [part for part in cls.__module__.split(".") if not part.startswith("_")]
    return ".".join([*public, cls.__name__])


def json_param(value: Any) -> Any:
    """A parameter value as JSON: estimators by class, callables by qualified name, other
    objects by a repr that carries no memory address."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) or type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float) and not math.isfinite(number):
            return str(number)
        return number
    if hasattr(value, "get_params") and not isinstance(value, type):
        return class_name(value)
    if isinstance(value, dict):
        return {str(k): json_param(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_param(v) for v in value]
    if callable(value) and hasattr(value, "__qualname__"):
        return qualified_name(value)
    text = repr(value)
    return class_name(value) if " at 0x" in text else text


def _own_slice(deep: Dict[str, Any], prefix: str) -> Dict[str, Any]:
    """The parameters of the step at `prefix` (``features__pca__``) out of the outermost step's
    ``get_params(deep=True)``: what its own ``get_params(deep=False)`` gives, without asking it
    (sklearn inspects each class's signature on every call)."""
    return {key[len(prefix) :]: value for key, value in deep.items() if key.startswith(prefix) and "__" not in key[len(prefix) :]}


def _is_pipeline(est: Any) -> bool:
    return hasattr(est, "steps") and hasattr(est, "named_steps")


def _branches(est: Any) -> Optional[List[Tuple[str, Any, Any]]]:
    """The parallel branches of a FeatureUnion (name, transformer, None) or a ColumnTransformer
    (name, transformer, columns); None for anything else."""
    if hasattr(est, "transformer_list"):
        return [(name, t, None) for name, t in est.transformer_list]
    if hasattr(est, "transformers") and hasattr(est, "remainder"):
        branches = [(name, t, columns) for name, t, columns in est.transformers]
        if est.remainder != "drop":
            branches.append(("remainder", est.remainder, "remainder"))
        return branches
    return None


def transform_graph(est: Any, deep: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The steps as a DAG from an ``input`` node: a Pipeline chains its steps, a FeatureUnion or
    ColumnTransformer sends its input to every branch and joins them in a node of its own.
    `deep`: the JSON form of ``est.get_params(deep=True)``, when the caller has it."""
    params = deep if deep is not None else {key: json_param(value) for key, value in est.get_params(deep=True).items()}
    nodes: List[Dict[str, Any]] = [{"id": "input", "step": "input", "params": {}}]
    edges: List[Dict[str, str]] = []

    def node(node_id: str, step: str, own: Dict[str, Any], inputs: List[str]) -> List[str]:
        nodes.append({"id": node_id, "step": step, "params": own})
        edges.extend({"from": source, "to": node_id} for source in inputs)
        return [node_id]

    def walk(obj: Any, path: str, prefix: str, inputs: List[str], columns: Any = None) -> List[str]:
        extra = {} if columns is None else {"columns": json_param(columns)}
        if obj is None or isinstance(obj, str):  # "passthrough" (or None in a Pipeline), "drop"
            return [] if obj == "drop" else node(path, "passthrough", extra, inputs)
        if _is_pipeline(obj):
            current = inputs
            for name, step in obj.steps:
                current = walk(step, f"{path}/{name}", f"{prefix}{name}__", current)
            return current
        branches = _branches(obj)
        if branches is not None:
            outputs = [out for name, branch, cols in branches for out in walk(branch, f"{path}/{name}", f"{prefix}{name}__", inputs, cols)]
            own = {k: v for k, v in _own_slice(params, prefix).items() if k not in ("transformer_list", "transformers")}
            return node(path, class_name(obj), own, outputs)
        return node(path, class_name(obj), {**_own_slice(params, prefix), **extra}, inputs)

    walk(est, type(est).__name__.lower(), "", ["input"])
    return {"nodes": nodes, "edges": edges}


def _final_estimator(est: Any) -> Any:
    while _is_pipeline(est) and est.steps:
        last = est.steps[-1][1]
        if last is None or isinstance(last, str):
            break
        est = last
    return est


def describe_estimator(est: Any) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
    """The model fields of an estimator, and the transform entity of its steps when it has some."""
    import sklearn

    final = _final_estimator(est)
    deep = {key: json_param(value) for key, value in est.get_params(deep=True).items()}
    fields = {"name": type(final).__name__, "algorithm": class_name(final), "algorithmVersion": sklearn.__version__, "hyperParameters": deep}
    if not _is_pipeline(est) and _branches(est) is None:
        return fields, None
    graph = transform_graph(est, deep)
    transform = {"kind": "transform", "name": type(est).__name__, "step": class_name(est), "params": _own_slice(deep, ""), "graph": graph}
    return fields, transform


_state = threading.local()
_models: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()
_settings: Dict[str, Any] = {"task": None, "installed": False}


def track_sklearn(task: Optional[str] = None) -> None:
    """From now on, each top-level ``fit`` records the model, its training data and its steps;
    ``predict`` a prediction; ``score`` a prediction and its evaluation (accuracy for a
    classifier, r2 for a regressor; task `task`). Calls made inside another (a Pipeline's steps,
    a search's refits) are not recorded. Calling it again only changes the task."""
    _settings["task"] = task
    if _settings["installed"]:
        return
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

    for cls in (BaseEstimator, *_subclasses(BaseEstimator), ClassifierMixin, RegressorMixin):
        _patch(cls)
    original = BaseEstimator.__dict__["__init_subclass__"] if "__init_subclass__" in BaseEstimator.__dict__ else None

    def init_subclass(cls: type, **kwargs: Any) -> None:  # classes defined later are patched too
        if original is not None:
            original.__func__(cls, **kwargs)
        else:
            super(BaseEstimator, cls).__init_subclass__(**kwargs)
        _patch(cls)

    BaseEstimator.__init_subclass__ = classmethod(init_subclass)  # type: ignore[assignment]
    _settings["installed"] = True


def _subclasses(cls: type) -> List[type]:
    found: List[type] = []
    for sub in cls.__subclasses__():
        found.extend([sub, *_subclasses(sub)])
    return found


def _patch(cls: type) -> None:
    for name, record in (("fit", _record_fit), ("predict", _record_predict), ("score", _record_score)):
        method = cls.__dict__.get(name)
        if callable(method) and not getattr(method, "_labbook", False):
            setattr(cls, name, _outermost(method, record))
        elif callable(getattr(method, "fn", None)) and not getattr(method.fn, "_labbook", False):
            # available_if (a Pipeline's predict and score): the descriptor calls its `fn`.
            method.fn = _outermost(method.fn, record)


def _outermost(method: Callable[..., Any], record: Callable[..., None]) -> Callable[..., Any]:
    """`method`, recording its outermost call (after it returned) with `record`."""

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        depth = getattr(_state, "depth", 0)
        _state.depth = depth + 1
        try:
            value = method(self, *args, **kwargs)
        finally:
            _state.depth = depth
        if depth == 0:
            record(self, value, args, kwargs)
        return value

    wrapper._labbook = True  # type: ignore[attr-defined]
    wrapper.__wrapped__ = method  # type: ignore[attr-defined]
    wrapper.__name__ = method.__name__
    wrapper.__qualname__ = method.__qualname__
    wrapper.__doc__ = method.__doc__
    return wrapper


def _xy(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Tuple[Any, Any]:
    return (args[0] if args else kwargs.get("X"), args[1] if len(args) > 1 else kwargs.get("y"))


def _record_fit(est: Any, _value: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
    from .provenance import track

    X, y = _xy(args, kwargs)
    _models[est] = track(model=est, trained_on=X, target=y)


def _record_predict(est: Any, _value: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
    from .provenance import data_ref, recorder

    model = _models.get(est)
    if model is None:  # fitted before tracking began: nothing to link to
        return
    data = data_ref(_xy(args, kwargs)[0])
    recorder().add({"kind": "prediction", "name": f"{model.name} on {data.name}", "model": model.uid, "dataset": data.uid})
    recorder().flush()


def _record_score(est: Any, value: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
    from .provenance import data_ref, recorder

    model = _models.get(est)
    if model is None:
        return
    X, y = _xy(args, kwargs)
    data = data_ref(X, y)
    prediction = recorder().add({"kind": "prediction", "name": f"{model.name} on {data.name}", "model": model.uid, "dataset": data.uid})
    name, definition = _default_metric(est)
    evaluation = {
        "kind": "evaluation",
        "name": name,
        "task": _settings["task"],
        "metric": {"name": name, "definition": definition, "higherIsBetter": True},
        "value": float(value),
        "model": model.uid,
        "dataset": data.uid,
        "prediction": prediction.uid,
    }
    recorder().add(evaluation)
    recorder().flush()


def _default_metric(est: Any) -> Tuple[str, str]:
    """What ``score`` computes: accuracy for classifiers, r2 for regressors, else the method itself."""
    from sklearn.base import is_classifier, is_regressor

    if is_classifier(est):
        return "accuracy", "sklearn.metrics.accuracy_score"
    if is_regressor(est):
        return "r2", "sklearn.metrics.r2_score"
    return "score", qualified_name(getattr(type(est).score, "__wrapped__", type(est).score))
