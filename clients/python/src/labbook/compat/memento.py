"""Memento's API on labbook: ``import labbook.compat.memento as memento`` and a script
written for memento-ml runs unchanged (see docs/migrating.md).

``Memento(exp_func, notif_provider).run(config_matrix)`` drives the grid through the engine
(labbook.run); the store's COMPLETED runs are Memento's cache. A thin layer: no engine of
its own."""

from __future__ import annotations

import datetime
import logging
from typing import Any, Callable, Dict, List, Mapping, Optional

from .._cli import Cli
from .._config import Config
from .._context import Context as _LabbookContext
from .._driver import drive_grid, ensure_store, experiment_name
from .._reader import list_runs
from .._grid import Grid
from .._identity import identity
from .._jobs import jobs_option
from .._results import RunResult

__all__ = [
    "Memento",
    "Context",
    "Config",
    "Configurations",
    "Result",
    "generate_configurations",
    "NotificationProvider",
    "DefaultNotificationProvider",
    "ConsoleNotificationProvider",
    "FileSystemNotificationProvider",
    "AggregateException",
    "CacheMiss",
]

logger = logging.getLogger(__name__)


class AggregateException(Exception):
    """Some tasks failed; ``exceptions`` holds their errors (tracebacks as text)."""

    def __init__(self, exceptions: List[Any]) -> None:
        super().__init__(f"{len(exceptions)} task(s) failed:\n" + "\n".join(str(e).strip().splitlines()[-1] for e in exceptions))
        self.exceptions = exceptions


class CacheMiss(Exception):
    """``force_cache=True`` and a configuration has no cached result."""


class NotificationProvider:
    def task_completed(self) -> None: ...
    def all_tasks_completed(self) -> None: ...
    def task_failure(self) -> None: ...


class DefaultNotificationProvider(NotificationProvider):
    """Does nothing; extend it for your own notifications."""


class ConsoleNotificationProvider(DefaultNotificationProvider):
    """Writes notifications to the console (stdout)."""

    def task_completed(self) -> None:
        print("Task completed")

    def all_tasks_completed(self) -> None:
        print("All tasks completed")

    def task_failure(self) -> None:
        print("Task failed")


class FileSystemNotificationProvider(DefaultNotificationProvider):
    """Appends notifications to a file (default ``memento.log``)."""

    def __init__(self, filepath: Optional[str] = None) -> None:
        self.filepath = filepath or "memento.log"

    def _write(self, message: str) -> None:
        with open(self.filepath, "a", encoding="utf-8") as f:
            f.write(message + "\n")

    def task_completed(self) -> None:
        self._write("Task completed")

    def all_tasks_completed(self) -> None:
        self._write("All tasks completed")

    def task_failure(self) -> None:
        self._write("Task failed")


class Context:
    """Memento's task context over a labbook run context: checkpoints are the run's."""

    def __init__(self, ctx: _LabbookContext) -> None:
        self._ctx = ctx
        self.key = ctx.run_id

    def checkpoint_exist(self) -> bool:
        return self._ctx.checkpoint_exists()

    def checkpoint(self, *values: Any) -> None:
        self._ctx.checkpoint(values)

    def restore(self) -> Any:
        saved = self._ctx.restore()
        return saved[0] if isinstance(saved, tuple) and saved else saved

    def record(self, value_dict: Mapping[str, Any]) -> None:
        """Memento metrics: ``{"name": value}`` or ``{"name": (x, y)}``."""
        for name, value in value_dict.items():
            if isinstance(value, tuple):
                self._ctx.log_metrics({name: value[1]}, step=int(value[0]))
            else:
                self._ctx.log_metrics({name: value})

    def progress(self, delta: Any, total: Any = None) -> None:
        raise NotImplementedError("feature: progress")


class Configurations(list):
    """The configurations of a matrix; ``settings`` holds the matrix's settings."""

    def __init__(self, configs: List[Config], settings: Mapping[str, Any]) -> None:
        super().__init__(configs)
        self.settings = dict(settings)


def generate_configurations(matrix: Mapping[str, Any]) -> Configurations:
    grid = Grid.from_matrix("memento", matrix)
    return Configurations([Config(c, grid.settings) for c in grid.configs()], grid.settings)


class Result:
    """One task's outcome: ``inner`` is what the experiment function returned."""

    def __init__(self, run: RunResult, settings: Mapping[str, Any]) -> None:
        started, finished = run.started_at, run.finished_at
        self.config = Config(run.config, settings)
        self.inner = run.value
        self.metrics: Dict[str, Any] = {}
        self.start_time = datetime.datetime.fromtimestamp(started / 1000) if started else None
        self.runtime = datetime.timedelta(milliseconds=finished - started) if started and finished else None
        self.cpu_time = None
        self.memory = None
        self.was_cached = run.was_cached
        self.run_id = run.run_id

    def __repr__(self) -> str:
        return f"Result(config={self.config!r}, inner={self.inner!r}, was_cached={self.was_cached})"


class Memento:
    """``Memento(exp_func, notification_provider, num_workers).run(matrix)``."""

    def __init__(self, func: Callable[[Context, Config], Any], notification_provider: Optional[NotificationProvider] = None, num_workers: Optional[int] = None) -> None:
        self.func = func
        self._notification_provider = notification_provider or DefaultNotificationProvider()
        self._jobs = jobs_option(num_workers, "num_workers")

    def run(
        self,
        matrix: Mapping[str, Any],
        dry_run: bool = False,
        force_run: bool = False,
        force_cache: bool = False,
        cache_path: Optional[str] = None,
        notify_on_complete: bool = True,
    ) -> Optional[List[Result]]:
        """Runs every configuration not already COMPLETED in the store and returns all
        results in matrix order. Raises AggregateException if some failed (the others are
        stored). `cache_path` is the labbook store to use (default: the project's)."""
        grid = Grid.from_matrix(experiment_name(self.func), _reachable_excludes(matrix))
        configs = list(grid.configs())
        logger.info("Running configurations:")
        for config in configs:
            logger.info("  %s", config)
        if dry_run:
            logger.info("Exiting due to dry run")
            return None
        cli = Cli(store=cache_path) if cache_path else Cli()
        if force_cache:
            _require_cached(cli, grid)
        func = self.func
        options = {"jobs": self._jobs, "rerun": force_run}
        runs = drive_grid(grid, lambda config: lambda ctx: func(Context(ctx), Config(config, grid.settings)), options, _TaskNotifier(self._notification_provider), cli)
        results = [Result(run, grid.settings) for run in runs]
        if notify_on_complete:
            self._notification_provider.all_tasks_completed()
        failures = [run.error or f"run {run.run_id} {run.state}" for run in runs if not run.ok]
        if failures:
            raise AggregateException(failures)
        return results


class _TaskNotifier:
    """Relays per-task events; the final one is sent by Memento.run itself."""

    def __init__(self, provider: NotificationProvider) -> None:
        self.provider = provider

    def task_completed(self) -> None:
        self.provider.task_completed()

    def task_failure(self) -> None:
        self.provider.task_failure()


def _reachable_excludes(matrix: Mapping[str, Any]) -> Dict[str, Any]:
    """Memento ignores exclude entries that match nothing; labbook refuses them (they are
    usually typos). Keep only those that can match."""
    parameters = matrix.get("parameters", {})
    values = {k: [identity(v) for v in (vs if isinstance(vs, (list, tuple, range)) else [vs])] for k, vs in parameters.items()}
    kept = [e for e in matrix.get("exclude") or [] if all(k in values and identity(v) in values[k] for k, v in e.items())]
    return {**matrix, "exclude": kept}


def _require_cached(cli: Cli, grid: Grid) -> None:
    done = {r["hash"] for r in list_runs(ensure_store(cli), [grid.name]) if r["state"] == "COMPLETED"}
    for digest, config in grid.by_hash().items():
        if digest not in done:
            raise CacheMiss(config)
