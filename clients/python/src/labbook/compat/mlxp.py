"""MLXP's API on labbook: ``import labbook.compat.mlxp as mlxp`` (and
``from labbook.compat.mlxp import AvgStd`` for ``mlxp.data_structures.contrib.aggregation_maps``).

``@launch(config_path='./configs')`` reads ``configs/config.yaml``, applies the Hydra
overrides of the command line, and runs ``task_function(ctx)`` for each combination through
the engine. ``ctx.logger`` records into the run; ``Reader(dir)`` reads the store back, with
metrics as lazily loaded series (``results[0]['train.loss']``). A thin layer: no engine of
its own. See docs/migrating.md."""

from __future__ import annotations

import functools
import math
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .._cli import Cli
from .._config import Config
from .._context import Context as _LabbookContext
from .._driver import command_line_errors, drive, experiment_name, read_config
from .._reader import Reader as _Reader
from .._reader import _groups, flatten, list_runs, series
from .._runner import run_in_context
from .._store_location import STORE_DIR, find_store

__all__ = ["launch", "Context", "Logger", "Reader", "DataFrame", "AvgStd", "ConfigDict"]

ConfigDict = Config
_STATUS = {"COMPLETED": "COMPLETE", "FAILED": "FAILED", "RUNNING": "RUNNING", "PENDING": "PENDING", "CANCELLED": "CANCELLED"}
LAZY = "METRIC"


class Logger:
    """MLXP's logger over a labbook run: ``log_metrics(d, log_name)`` makes metrics named
    ``<log_name>.<key>`` (step = the call's index for that log name)."""

    def __init__(self, ctx: _LabbookContext) -> None:
        self._ctx = ctx
        self._steps: Dict[str, int] = {}

    @property
    def log_id(self) -> Optional[int]:
        return self._ctx.run_id

    @property
    def log_dir(self) -> str:
        return str(self._ctx.run_dir)

    def log_metrics(self, metrics_dict: Mapping[str, Any], log_name: str) -> None:
        step = self._steps.get(log_name, 0)
        self._steps[log_name] = step + 1
        numbers = {f"{log_name}.{k}": v for k, v in metrics_dict.items() if isinstance(v, (int, float))}
        self._ctx.log_metrics(numbers, step=step)
        others = {k: v for k, v in metrics_dict.items() if not isinstance(v, (int, float))}
        if others:
            self._ctx.log(f"{log_name}: {others}")

    def log_checkpoint(self, checkpoint: Any, log_name: str = "checkpoint") -> None:
        """The run's checkpoint holds every named checkpoint; the latest of each wins."""
        saved = self._ctx.restore(default={})
        saved[log_name] = checkpoint
        self._ctx.checkpoint(saved)

    def load_checkpoint(self, log_name: str = "checkpoint", root: Optional[str] = None) -> Any:
        saved = self._ctx.restore(default={})
        if log_name not in saved:
            raise FileNotFoundError(f"no checkpoint named {log_name!r} for this run (yet)")
        return saved[log_name]

    def log_artifacts(self, artifact: Any, artifact_name: str, artifact_type: str = "pickle") -> None:
        self._ctx.log_artifact(artifact, f"{artifact_type}/{artifact_name}")

    def load_artifacts(self, artifact_name: str, artifact_type: str = "pickle", root: Optional[str] = None) -> Any:
        with open(Path(root or self._ctx.run_dir) / "artifacts" / artifact_type / artifact_name, "rb") as f:
            return pickle.load(f)


class Context:
    """What ``task_function(ctx)`` receives: ``ctx.config`` (nested, attribute access) and
    ``ctx.logger``."""

    def __init__(self, ctx: _LabbookContext) -> None:
        self.config = Config(ctx.params)
        self.logger = Logger(ctx)
        self.labbook = ctx


def launch(config_path: str = "./configs", seeding_function: Optional[Callable[[Any], None]] = None) -> Callable[..., Any]:
    """``@launch(config_path=...)`` on ``def task_function(ctx)``; calling ``task_function()``
    runs every combination of the command line's overrides (``lr=10.,1. seed=1,2``)."""

    def decorate(task_function: Callable[[Context], Any]) -> Callable[..., Any]:
        @functools.wraps(task_function)
        def launcher(argv: Optional[Sequence[str]] = None) -> Any:
            config_dir = Path(config_path)

            def call(ctx: _LabbookContext) -> Any:
                mlxp_ctx = Context(ctx)
                if seeding_function is not None and "seed" in mlxp_ctx.config:
                    seeding_function(mlxp_ctx.config.seed)
                return task_function(mlxp_ctx)

            overrides = list(sys.argv[1:] if argv is None else argv)
            with command_line_errors(argv is None):  # a mistake in the YAML files too
                settings = _read_yaml(Cli(), config_dir / "mlxp.yaml")
                parent_log_dir = (settings.get("logger") or {}).get("parent_log_dir", "./logs")
                cli = Cli(store=_store_for(parent_log_dir))
                config = _read_yaml(cli, config_dir / "config.yaml")
                spec = {"name": experiment_name(task_function), "parameters": config_parameters(config)}
                options = {"overrides": overrides, "jobs": 1}
                runs, _ = drive(spec, lambda env: run_in_context(env, call), options, cli=cli, source=str(config_dir / "config.yaml"))
            return runs

        return launcher

    return decorate


def config_parameters(config: Mapping[str, Any]) -> Dict[str, Any]:
    """A config as spec parameters, one value each: mappings become groups, a list is one
    value (``[[64, 64]]``), not a sweep."""
    return {k: config_parameters(v) if isinstance(v, Mapping) else ([v] if isinstance(v, list) else v) for k, v in config.items()}


def _read_yaml(cli: Cli, path: Path) -> Dict[str, Any]:
    """The mapping of MLXP's YAML file `path` (none when it does not exist), read by the engine."""
    return (read_config(cli, path) or {}) if path.exists() else {}


def _store_for(directory: Union[str, os.PathLike]) -> Path:
    """The project's store if there is one, else a store inside MLXP's log directory."""
    found = find_store(directory if Path(directory).exists() else None)
    if found is not None:
        return found
    target = Path(directory) / STORE_DIR
    target.parent.mkdir(parents=True, exist_ok=True)
    Cli(cwd=target.parent).run(["init"])
    return target


class _LazySeries:
    def __init__(self, store_dir: Path, run_id: int, key: str) -> None:
        self.store_dir, self.run_id, self.key = store_dir, run_id, key

    def load(self) -> List[Optional[float]]:
        return series(self.store_dir, self.run_id, self.key)

    def __repr__(self) -> str:
        return LAZY


class _Row(dict):
    """One run; metric series load when accessed."""

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if isinstance(value, _LazySeries):
            value = value.load()
            super().__setitem__(key, value)
        return value


class DataFrame(list):
    """MLXP's lazy data frame: a list of rows (dicts) with ``config.*``, ``info.*`` and
    ``<log_name>.<key>`` columns."""

    def toPandas(self):  # type: ignore[no-untyped-def]  # noqa: N802 - MLXP's name
        import pandas as pd

        return pd.DataFrame([{k: row[k] for k in row} for row in self])

    def keys(self) -> List[str]:
        return sorted({k for row in self for k in dict.keys(row)})

    def diff(self, start_key: str = "config") -> List[str]:
        columns = [k for k in self.keys() if k.startswith(start_key)]
        return [k for k in columns if len({repr(dict.get(row, k)) for row in self}) > 1]

    def groupby(self, keys: Sequence[str]) -> "GroupedDataFrame":
        groups = _groups(self, keys)
        try:  # in key order, as MLXP's pandas-backed groupby gives them
            ordered = sorted(groups.items(), key=lambda item: item[0])
        except TypeError:  # keys of mixed types keep the order runs were listed in
            ordered = list(groups.items())
        return GroupedDataFrame(list(keys), {k: DataFrame(v) for k, v in ordered})

    groupBy = groupby  # noqa: N815 - the name MLXP's paper uses


class GroupedDataFrame(dict):
    def __init__(self, keys: List[str], groups: Dict[Tuple[Any, ...], DataFrame]) -> None:
        super().__init__(groups)
        self.group_keys = keys

    def aggregate(self, maps: Union["AvgStd", Tuple[Callable, Any], Iterable[Any]]) -> DataFrame:
        """AvgStd maps (``[AvgStd('train.loss')]``) or ``(function, keys)`` pairs."""
        if isinstance(maps, (AvgStd, tuple)):
            maps = [maps]
        rows = DataFrame()
        for values, members in self.items():
            row = _Row(zip(self.group_keys, values))
            for entry in maps:
                row.update(entry.apply(members) if isinstance(entry, AvgStd) else _apply_function(entry, members))
            rows.append(row)
        return rows


class AvgStd:
    """Element-wise mean and standard deviation of a series over a group's runs (truncated
    to the shortest): ``<key>_avg`` and ``<key>_std``."""

    def __init__(self, key: str) -> None:
        self.key = key

    def apply(self, rows: Sequence[Mapping[str, Any]]) -> Dict[str, List[float]]:
        data = [[math.nan if v is None else float(v) for v in _as_list(row[self.key])] for row in rows]
        length = min(len(d) for d in data) if data else 0
        avg = [sum(d[i] for d in data) / len(data) for i in range(length)]
        std = [math.sqrt(max(sum(d[i] ** 2 for d in data) / len(data) - avg[i] ** 2, 0.0)) for i in range(length)]
        return {f"{self.key}_avg": avg, f"{self.key}_std": std}


def _apply_function(entry: Tuple[Callable, Any], rows: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    function, keys = entry
    return {f"f{function.__name__}.{key}": function([row[key] for row in rows]) for key in ([keys] if isinstance(keys, str) else keys)}


def _as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else [value]


class Reader:
    """``Reader(src_dir)``: the runs of the store for MLXP's log directory (``parent_log_dir``).
    The store is read live: MLXP 1.0's `dst_dir` (where it writes its database of runs) and
    `refresh` are accepted and ignored."""

    def __init__(self, src_dir: Union[str, os.PathLike] = "./logs", dst_dir: Optional[str] = None, *, refresh: bool = True) -> None:
        directory = Path(src_dir)
        store = directory / STORE_DIR if (directory / STORE_DIR).exists() else find_store(directory if directory.exists() else None)
        self._reader = _Reader(store)

    def __len__(self) -> int:
        return len(self._reader.runs())

    def filter(self, query_string: str = "", result_format: Optional[str] = None) -> Any:
        runs = list_runs(self._reader.store_dir, query=translate_query(query_string), metrics=True)
        rows = DataFrame(self._row(run) for run in runs)
        return rows.toPandas() if result_format == "pandas" else rows

    def _row(self, run: Mapping[str, Any]) -> _Row:
        row = _Row({f"config.{k}": v for k, v in flatten(run.get("params") or {}).items()})
        row.update({
            "info.status": _STATUS.get(run["state"], run["state"]), "info.log_id": run["id"],
            "info.experiment": run["experiment"], "info.start_date": run.get("startedAt"), "info.end_date": run.get("finishedAt"),
        })  # fmt: skip
        store_dir = self._reader.store_dir
        row.update({key: _LazySeries(store_dir, run["id"], key) for key in sorted(run["metrics"])})
        return row


def translate_query(query: str) -> str:
    """An MLXP query in labbook's query language: ``config.`` prefixes dropped,
    ``info.status`` is the run's state (``'COMPLETE'`` is ``COMPLETED``)."""
    text = query.replace("info.status", "state").replace("'COMPLETE'", "'COMPLETED'").replace('"COMPLETE"', '"COMPLETED"')
    return text.replace("config.", "")
