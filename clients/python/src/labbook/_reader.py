"""Reading results: ``labbook.Reader(store).filter('model == "svc"').to_pandas()``.

Runs come from the store's engine (``listRuns``, with the last value of each metric): the
query language is the CLI's, so Python and the command line agree. Metric series are read
lazily, only when asked for (``readMetric``)."""

from __future__ import annotations

import math
import os
import statistics
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from ._engine_client import connect
from ._errors import StoreNotFoundError
from ._store_location import find_store, store_dir_of, store_exists

__all__ = ["Reader", "RunTable", "flatten", "series", "list_runs"]

AGGREGATES: Dict[str, Callable[[List[float]], float]] = {
    "mean": statistics.fmean,
    "std": lambda v: statistics.stdev(v) if len(v) > 1 else 0.0,
    "min": min,
    "max": max,
    "median": statistics.median,
    "count": len,
    "first": lambda v: v[0],
    "last": lambda v: v[-1],
}


def flatten(value: Mapping[str, Any], prefix: str = "") -> Dict[str, Any]:
    """``{"optimizer": {"lr": 0.1}}`` → ``{"optimizer.lr": 0.1}`` (for JSON objects: nested
    dicts are flattened; a check against ``Mapping`` would cost more than the rest)."""
    flat: Dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and item:
            flat.update(flatten(item, name + "."))
        else:
            flat[name] = item
    return flat


def series(store_dir: Path, run_id: int, key: str) -> List[Optional[float]]:
    """A metric's values in logging order (latest attempt that logged it)."""
    with connect(store=store_dir) as engine:
        return [_metric(value) for value in engine.request("readMetric", {"run": run_id, "key": key})]


def _metric(value: Optional[float]) -> Optional[float]:
    """A metric value as stored (JSON writes 2.0 as 2, which Python would read as an int)."""
    return None if value is None else float(value)


def list_runs(store_dir: Path, experiments: Sequence[str] = (), query: str = "", metrics: bool = False) -> List[Dict[str, Any]]:
    """The run records (as ``labbook ls --json`` gives them) of `experiments` (all when none)
    matching `query`; with `metrics`, each with ``metrics``: the last value of each metric."""
    with connect(store=store_dir) as engine:
        return list(engine.stream("listRuns", {"filter": _run_filter(experiments, query), "metrics": metrics, "chunkRows": 5000}))


def _run_filter(experiments: Sequence[str], query: str) -> Dict[str, Any]:
    """The engine's run filter: those experiments (all when none), runs matching `query` (all when blank)."""
    filter_: Dict[str, Any] = {}
    if experiments:
        filter_["experiments"] = list(experiments)
    if query.strip():
        filter_["query"] = query
    return filter_


class Reader:
    """The runs of a store (`store`: a .labbook directory or a project containing one;
    default: found like the CLI finds it), optionally of some experiments only."""

    def __init__(self, store: Optional[os.PathLike] = None, experiments: Optional[Sequence[str]] = None) -> None:
        found = store_dir_of(store) if store else find_store()
        if found is None or not store_exists(found):
            where = f"at {store}" if store else f"in {os.getcwd()} or above it"
            raise StoreNotFoundError(f"no labbook store {where}; run 'labbook init' in your project, or give Reader the path of a project that has one")
        self.store_dir = found
        self.experiments = list(experiments or [])

    def runs(self, query: str = "") -> List[Dict[str, Any]]:
        """The run records (as ``labbook ls --json`` gives them) matching `query`."""
        return list_runs(self.store_dir, self.experiments, query)

    def filter(self, query: str = "") -> "RunTable":
        """Runs matching `query` in labbook's query language (e.g. ``'model == "svc" & score > 0.9'``)."""
        with connect(store=self.store_dir) as engine:
            table, header = _all_rows(engine.stream("runTable", {"filter": _run_filter(self.experiments, query), "chunkRows": 5000}))
        return RunTable.of_columns(header["columns"], header["metricColumns"], table)


def _all_rows(rows: Iterator[Any]) -> Tuple[List[Any], Any]:
    """The rows of a streamed answer, and its final answer."""
    received: List[Any] = []
    while True:
        try:
            received.append(next(rows))
        except StopIteration as done:
            return received, done.value


class RunTable:
    """Rows of runs: id, experiment, state, attempt, parameters (dotted), the last value of
    each metric, result fields (as the engine's ``runTable`` gives them: columns and rows, made
    into a dict per run only when one is asked for)."""

    def __init__(self, records: List[Dict[str, Any]]) -> None:
        self._records: Optional[List[Dict[str, Any]]] = records
        self._columns: List[str] = []
        self._rows: List[List[Any]] = []

    @classmethod
    def of_columns(cls, columns: List[str], metric_columns: Sequence[str], rows: List[List[Any]]) -> "RunTable":
        table = cls([])
        table._records, table._columns, table._rows = None, columns, rows
        for at in [columns.index(column) for column in metric_columns]:
            for row in rows:
                row[at] = _metric(row[at])
        return table

    @property
    def records(self) -> List[Dict[str, Any]]:
        if self._records is None:
            columns = self._columns
            self._records = [dict(zip(columns, row)) for row in self._rows]
        return self._records

    def __len__(self) -> int:
        return len(self._rows) if self._records is None else len(self._records)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.records)

    def __getitem__(self, index: int) -> Dict[str, Any]:
        return self.records[index]

    def to_records(self) -> List[Dict[str, Any]]:
        return [dict(r) for r in self.records]

    def to_pandas(self):  # type: ignore[no-untyped-def]
        import pandas as pd  # only when a DataFrame is asked for

        if self._records is None:
            return pd.DataFrame(self._rows, columns=self._columns)
        return pd.DataFrame(self.to_records())

    def groupby(self, keys: Sequence[str]) -> "GroupedRuns":
        return GroupedRuns(list(keys), _groups(self.records, keys))


class GroupedRuns:
    def __init__(self, keys: List[str], groups: Dict[Tuple[Any, ...], List[Dict[str, Any]]]) -> None:
        self.keys = keys
        self.groups = groups

    def aggregate(self, spec: Mapping[str, Iterable[str]]) -> RunTable:
        """``{"score": ["mean", "std"]}`` → one row per group with ``score_mean``, ``score_std``."""
        rows = []
        for values, members in self.groups.items():
            row: Dict[str, Any] = dict(zip(self.keys, values))
            row["count"] = len(members)
            for column, functions in spec.items():
                numbers = [float(m[column]) for m in members if isinstance(m.get(column), (int, float)) and not isinstance(m.get(column), bool)]
                numbers = [n for n in numbers if not math.isnan(n)]
                for name in [functions] if isinstance(functions, str) else functions:
                    if name not in AGGREGATES:
                        raise ValueError(f"unknown aggregate {name!r}; use one of {', '.join(AGGREGATES)}")
                    row[f"{column}_{name}"] = AGGREGATES[name](numbers) if numbers else None
            rows.append(row)
        return RunTable(rows)


def _groups(records: Iterable[Dict[str, Any]], keys: Sequence[str]) -> Dict[Tuple[Any, ...], List[Dict[str, Any]]]:
    groups: Dict[Tuple[Any, ...], List[Dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(tuple(_hashable(record.get(k)) for k in keys), []).append(record)
    return groups


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, (list, dict)) else value
