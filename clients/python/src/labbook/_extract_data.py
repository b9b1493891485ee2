"""What a dataset entity says of data: a hash of the content, columns and types, shape, rows
and summary statistics — never the data. pandas and NumPy objects are recognised by their
type's module, so neither is imported unless the caller already holds one of its objects."""

from __future__ import annotations

import hashlib
import math
from typing import Any, Dict, Optional

from ._canonical import canonical_json
from ._identity import identity

__all__ = ["describe_data"]

# Columns beyond these get no statistics (a wide dataset's entity stays small).
MAX_STATS_COLUMNS = 64


def describe_data(data: Any, target: Any = None) -> Dict[str, Any]:
    """The dataset fields (contentHash, columns, rows, shape, stats) of `data`, with `target`
    (the labels) as one more column."""
    parts = [_describe(data, "x")]
    if target is not None:
        parts.append(_describe(target, "target"))
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.pop("hash"))
    described: Dict[str, Any] = {"contentHash": digest.hexdigest()}
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


def _describe(data: Any, default_name: str) -> Dict[str, Any]:
    module = type(data).__module__
    if module.startswith("pandas"):
        return _pandas(data, default_name)
    if module == "numpy" and hasattr(data, "dtype"):
        return _numpy(data, default_name)
    value = identity(data)  # lists, dicts: their canonical JSON is their content
    return {"hash": canonical_json(value).encode("utf-8"), **({"rows": len(value)} if isinstance(value, list) else {})}


def _numpy(array: Any, name: str) -> Dict[str, Any]:
    import numpy as np  # the caller holds an array: NumPy is loaded already

    array = np.ascontiguousarray(array)
    header = canonical_json({"dtype": array.dtype.str, "shape": list(array.shape)}).encode("utf-8")
    described: Dict[str, Any] = {"hash": header + hashlib.sha256(array.tobytes()).digest(), "shape": list(array.shape)}
    if array.ndim >= 1:
        described["rows"] = int(array.shape[0])
    if array.ndim == 1:
        described["columns"] = [{"name": name, "type": str(array.dtype)}]
        described["stats"] = _stats({name: array})
    elif array.ndim == 2:
        names = [f"{name}{i}" for i in range(array.shape[1])]
        described["columns"] = [{"name": column, "type": str(array.dtype)} for column in names]
        if array.dtype.kind in "biuf" and array.shape[0] > 0:
            described["stats"] = _stats({column: array[:, i] for i, column in enumerate(names[:MAX_STATS_COLUMNS])})
    return described


def _pandas(frame: Any, name: str) -> Dict[str, Any]:
    import pandas as pd  # the caller holds a pandas object: pandas is loaded already

    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=frame.name if frame.name is not None else name)
    columns = [{"name": str(column), "type": str(dtype)} for column, dtype in frame.dtypes.items()]
    content = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    header = canonical_json(columns).encode("utf-8")
    numeric = {str(c): frame[c].to_numpy() for c in list(frame.columns)[:MAX_STATS_COLUMNS] if frame[c].dtype.kind in "biuf"}
    described: Dict[str, Any] = {
        "hash": header + hashlib.sha256(content).digest(),
        "columns": columns,
        "rows": int(len(frame)),
        "shape": [int(n) for n in frame.shape],
    }
    if numeric and len(frame) > 0:
        described["stats"] = _stats(numeric)
    return described


def _stats(columns: Dict[str, Any]) -> Dict[str, Dict[str, Optional[float]]]:
    """min, max and mean of each numeric column (a non-finite one as null)."""
    return {
        name: {"min": _finite(values.min()), "max": _finite(values.max()), "mean": _finite(values.mean())}
        for name, values in columns.items()
        if getattr(values, "size", 0) > 0 and values.dtype.kind in "biuf"
    }


def _finite(value: Any) -> Optional[float]:
    number = float(value)
    return number if math.isfinite(number) else None
