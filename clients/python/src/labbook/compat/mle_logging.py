"""mle-logging's logger on labbook: ``from labbook.compat.mle_logging import MLELogger,
load_log, load_config`` and a ``train.py`` written for mle-logging 0.0.x runs unchanged.

The script is a run of the store (``labbook.context()``: the run a worker started, or one it
records by hand, docs/python-api.md). ``update(clock_tick, stats_tick, model=…)`` logs the
stats as the run's metrics at the first tracked time variable's value, and the model as the
run's checkpoint; ``extra_obj`` becomes an artifact. Beside the store, the series are kept
where mle-logging keeps its ``.hdf5`` (``<experiment_dir>/<config>/logs/log_<seed>.json``),
so that ``load_log`` and mle-scheduler's merges read them back without a store query per
value, seeds averaged as mle-logging averages them."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from .._errors import UsageError
from .._open_context import context
from ._mle_files import DotMap, MetaLog, experiment_name, read_data, write_data

__all__ = ["MLELogger", "load_log", "load_config"]


def load_config(config_fname: str, return_dotmap: bool = False) -> Any:
    """The configuration in a ``.yaml`` or ``.json`` file: a dict, or with `return_dotmap` one
    whose keys are attributes too (``config.lrate``)."""
    config = read_data(config_fname)
    return DotMap(config) if return_dotmap else config


class MLELogger:
    """mle-logging's constructor; the TensorBoard, W&B, printing and top-k checkpoint
    arguments are accepted and ignored (the store keeps every checkpoint's latest)."""

    def __init__(
        self,
        experiment_dir: str = "/",
        time_to_track: Sequence[str] = (),
        what_to_track: Sequence[str] = (),
        config_fname: Optional[str] = None,
        config_dict: Optional[Mapping[str, Any]] = None,
        seed_id: Union[str, int] = "no_seed_provided",
        overwrite: bool = False,
        verbose: bool = False,
        **ignored: Any,
    ) -> None:
        self.time_to_track = list(time_to_track)
        self.what_to_track = list(what_to_track)
        self.seed_id = f"seed_{seed_id}" if isinstance(seed_id, int) else str(seed_id)
        self.config_dict = load_config(config_fname) if config_fname is not None else dict(config_dict or {})
        self.base_str = os.path.split(config_fname)[1].split(".")[0] if config_fname is not None else ""
        self.experiment_dir = os.path.join(experiment_dir, self.base_str) if self.base_str else experiment_dir
        self.log_save_fname = os.path.join(self.experiment_dir, "logs", f"log_{self.seed_id}.json")
        self.verbose = verbose
        self.time: Dict[str, List[float]] = {name: [] for name in self.time_to_track}
        self.stats: Dict[str, List[float]] = {name: [] for name in self.what_to_track}
        params = {**self.config_dict, "seed": seed_id}
        self.ctx = context(params=params, experiment=experiment_name(experiment_dir))
        if not overwrite and os.path.exists(self.log_save_fname):
            kept = read_data(self.log_save_fname)
            self.time.update(kept["time"])
            self.stats.update(kept["stats"])

    def update(
        self,
        clock_tick: Mapping[str, Any],
        stats_tick: Mapping[str, Any],
        model: Any = None,
        plot_fig: Any = None,
        extra_obj: Any = None,
        grads: Any = None,
        save: bool = False,
    ) -> None:
        """Records one tick: the time and stats values, the model as the run's checkpoint."""
        unknown = sorted(set(clock_tick) - set(self.time) | set(stats_tick) - set(self.stats))
        if unknown:
            raise UsageError(f"MLELogger.update: {unknown} not tracked; add them to time_to_track or what_to_track (or extend_tracking)")
        for name, value in clock_tick.items():
            self.time[name].append(float(value))
        for name, value in stats_tick.items():
            self.stats[name].append(float(value))
        first_clock = next((clock_tick[name] for name in self.time_to_track if name in clock_tick), None)
        step = int(first_clock) if first_clock is not None else max((len(v) for v in self.stats.values()), default=1) - 1
        self.ctx.log_metrics({name: float(value) for name, value in stats_tick.items()}, step=step)
        if model is not None:
            self.save_model(model)
        if extra_obj is not None:
            self.ctx.log_artifact(extra_obj, name=f"extra_{self.seed_id}_{step}.pkl")
        if self.verbose:
            print(" ".join(f"{k}={v}" for k, v in {**clock_tick, **stats_tick}.items()))
        if save:
            self.save()

    def save_model(self, model: Any) -> None:
        """The model as the run's latest checkpoint (``ctx.restore()`` gives it back)."""
        self.ctx.checkpoint(model)

    def extend_tracking(self, add_track_vars: Sequence[str]) -> None:
        for name in add_track_vars:
            self.stats.setdefault(name, [])

    def save(self) -> None:
        """Writes the series to ``logs/log_<seed>.json`` and flushes the run's metrics."""
        write_data({"run": self.ctx.run_id, "time": self.time, "stats": self.stats}, self.log_save_fname)
        self.ctx.flush()


def load_log(experiment_dir: str, aggregate_seeds: bool = False, reload_log: bool = False) -> DotMap:
    """The log of one configuration's directory (``log.stats.test_loss``; over several seeds,
    or with `aggregate_seeds`, ``.mean`` and ``.std`` per tick), or of an experiment directory
    of configurations: ``log[config].stats.test_loss.mean``, ``log.eval_ids``."""
    root = Path(experiment_dir)
    seed_logs = sorted((root / "logs").glob("log_*.json"))
    if seed_logs:
        return _config_log([read_data(path) for path in seed_logs], aggregate_seeds)
    configs = sorted(sub for sub in root.iterdir() if (sub / "logs").is_dir()) if root.is_dir() else []
    if not configs:
        raise UsageError(f"{experiment_dir}: no logs here (an MLELogger writes <experiment_dir>/<config>/logs/log_<seed>.json)")
    return MetaLog({sub.name: load_log(str(sub), aggregate_seeds=True) for sub in configs})


def _config_log(seeds: List[Mapping[str, Any]], aggregate: bool) -> DotMap:
    if len(seeds) == 1 and not aggregate:
        only = seeds[0]
        return DotMap({"meta": {"runs": [only["run"]]}, "time": only["time"], "stats": only["stats"]})
    stats = {name: _mean_std([seed["stats"][name] for seed in seeds]) for name in seeds[0]["stats"]}
    return DotMap({"meta": {"runs": [seed["run"] for seed in seeds]}, "time": seeds[0]["time"], "stats": stats})


def _mean_std(series: List[List[float]]) -> Dict[str, List[float]]:
    """Per tick over the seeds (to the shortest series, as stacking them would)."""
    ticks = list(zip(*series))
    means = [sum(values) / len(values) for values in ticks]
    stds = [math.sqrt(sum((v - m) ** 2 for v in values) / len(values)) for values, m in zip(ticks, means)]
    return {"mean": means, "std": stds}
