"""What a dataset entity says of data: a hash of the content, columns and types, shape, rows
and summary statistics — never the data. pandas and NumPy objects are recognised by their
type's module, so neither is imported unless the caller already holds one of its objects."""

from __future__ import annotations

import hashlib
import math
from typing import Any, Dict, List, Optional

from ._canonical import canonical_json
from ._identity import identity

__all__ = ["describe_data", "content_hash"]

# Columns beyond these get no statistics (a wide dataset's entity stays small).
MAX_STATS_COLUMNS = 64


def describe_data(data: Any, target: Any = None) -> Dict[str, Any]:
    """The dataset fields (contentHash, columns, rows, shape, stats) of `data`, with `target`
    (the labels) as one more column."""
    parts = [_describe(data, "x")]
    if target is not None:
        parts.append(_describe(target, "target"))
    described: Dict[str, Any] = {"contentHash": _digest(part.pop("hash") for part in parts)}
    columns = [column for part in parts for column in part.get("columns", [])]
    if columns:
        described["columns"] = columns
    first = parts[0]
    for key in ("rows", "shape"):
        if key in first:
            described[key] = first[key]
    stats = {name: value for part in parts for name, value in part.get("stats", {}).items()}
    if stats:
        described["stats"] = stats
    return described


def content_hash(data: Any, target: Any = None) -> str:
    """describe_data's contentHash alone (no statistics): whether the data is known already."""
    return _digest(_hash_part(*pair) for pair in ([(data, "x")] if target is None else [(data, "x"), (target, "target")]))


def _digest(parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


def _kind(data: Any) -> str:
    module = type(data).__module__
    if module.startswith("pandas"):
        return "pandas"
    return "numpy" if module == "numpy" and hasattr(data, "dtype") else "json"


def _hash_part(data: Any, name: str) -> bytes:
    """The bytes of `data` that its dataset's content hash covers: the schema, then the content."""
    kind = _kind(data)
    if kind == "pandas":
        frame = _as_frame(data, name)
        columns = [{"name": str(column), "type": str(dtype)} for column, dtype in frame.dtypes.items()]
        content = _pd().util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
        return canonical_json(columns).encode("utf-8") + hashlib.sha256(content).digest()
    if kind == "numpy":
        array = _np().ascontiguousarray(data)
        header = canonical_json({"dtype": array.dtype.str, "shape": list(array.shape)}).encode("utf-8")
        return header + hashlib.sha256(array.tobytes()).digest()
    return canonical_json(identity(data)).encode("utf-8")  # lists, dicts: their canonical JSON is their content


def _describe(data: Any, name: str) -> Dict[str, Any]:
    described: Dict[str, Any] = {"hash": _hash_part(data, name)}
    kind = _kind(data)
    if kind == "pandas":
        described.update(_describe_frame(_as_frame(data, name)))
    elif kind == "numpy":
        described.update(_describe_array(_np().asarray(data), name))
    elif isinstance(data, (list, tuple)):
        described["rows"] = len(data)
    return described


def _describe_array(array: Any, name: str) -> Dict[str, Any]:
    described: Dict[str, Any] = {"shape": list(array.shape)}
    if array.ndim >= 1:
        described["rows"] = int(array.shape[0])
    names = [name] if array.ndim == 1 else [f"{name}{i}" for i in range(array.shape[1])] if array.ndim == 2 else []
    if names:
        described["columns"] = [{"name": column, "type": str(array.dtype)} for column in names]
    if names and array.dtype.kind in "biuf" and array.shape[0] > 0:
        matrix = array[:, None] if array.ndim == 1 else array[:, :MAX_STATS_COLUMNS]
        described["stats"] = _stats(names[:MAX_STATS_COLUMNS], matrix)
    return described


def _describe_frame(frame: Any) -> Dict[str, Any]:
    numeric = [c for c in list(frame.columns)[:MAX_STATS_COLUMNS] if frame[c].dtype.kind in "biuf"]
    described: Dict[str, Any] = {
        "columns": [{"name": str(column), "type": str(dtype)} for column, dtype in frame.dtypes.items()],
        "rows": int(len(frame)),
        "shape": [int(n) for n in frame.shape],
    }
    if numeric and len(frame) > 0:
        described["stats"] = _stats([str(c) for c in numeric], frame[numeric].to_numpy(dtype=float))
    return described


def _as_frame(data: Any, name: str) -> Any:
    """A Series as a one-column frame (named `name` when it has no name)."""
    return data.to_frame(name=data.name if data.name is not None else name) if isinstance(data, _pd().Series) else data


def _np() -> Any:
    import numpy  # the caller holds an array: NumPy is loaded already

    return numpy


def _pd() -> Any:
    import pandas  # the caller holds a pandas object: pandas is loaded already

    return pandas


def _stats(names: List[str], matrix: Any) -> Dict[str, Dict[str, Optional[float]]]:
    """min, max and mean of each column of a 2-D numeric array (a non-finite one as null),
    computed for all columns at once."""
    lows, highs, means = matrix.min(axis=0).tolist(), matrix.max(axis=0).tolist(), matrix.mean(axis=0).tolist()
    return {name: {"min": _finite(lows[i]), "max": _finite(highs[i]), "mean": _finite(means[i])} for i, name in enumerate(names)}


def _finite(value: Any) -> Optional[float]:
    number = float(value)
    return number if math.isfinite(number) else None
