"""How Python values that are not JSON (Memento-style callables and classes) take part in a
run's identity.

A function, class, method or builtin is identified by its qualified name,
``module.qualname`` (``sklearn.svm._classes.SVC``); an enum member by its class's
qualified name and its own name. Any other object is identified by its ``repr`` when that
is stable (scikit-learn estimators: ``MinMaxScaler(feature_range=(0, 2))``); an object whose
repr shows a memory address cannot be identified and is refused.
"""

from __future__ import annotations

import enum
from typing import Any, Dict, List, Mapping

__all__ = ["identity", "qualified_name", "IdentityError"]


class IdentityError(TypeError):
    """A parameter value has no stable identity (its repr shows a memory address)."""


def qualified_name(obj: Any) -> str:
    """``module.qualname`` of a function, class, method or builtin."""
    module = getattr(obj, "__module__", None) or "builtins"
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__")
    return f"{module}.{qualname}"


def identity(value: Any) -> Any:
    """The JSON value that stands for `value` in hashes, the store and queries.

    JSON values are returned as they are (tuples become lists); callables and classes become
    their qualified name; containers are converted recursively."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return f"{qualified_name(type(value))}.{value.name}"
    if isinstance(value, Mapping):
        return {_key(k): identity(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [identity(v) for v in value]
    if _is_named_callable(value):
        return qualified_name(value)
    text = repr(value)
    if " at 0x" in text:
        raise IdentityError(
            f"{text} has no stable identity (its repr shows a memory address): give its class a "
            "__repr__ that shows its settings, or pass a function or class instead of an instance"
        )
    return text


def identities(values: List[Any], parameter: str) -> List[Any]:
    """The identities of one parameter's values; two values with the same identity are an
    error (two lambdas would both be ``module.<lambda>``)."""
    seen: Dict[str, Any] = {}
    result = []
    for value in values:
        ident = identity(value)
        key = repr(ident)
        if key in seen and seen[key] is not value:
            raise IdentityError(
                f"parameter {parameter!r}: two different values have the same identity {ident!r}; "
                "use named functions (not lambdas) or objects with distinct reprs"
            )
        seen[key] = value
        result.append(ident)
    return result


def _is_named_callable(value: Any) -> bool:
    import inspect  # on first use: loading it costs every run's start-up ~5 ms

    return (inspect.isclass(value) or inspect.isroutine(value)) and hasattr(value, "__qualname__")


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    raise IdentityError(f"mapping keys must be text, not {type(key).__name__} {key!r}")
