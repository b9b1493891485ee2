"""Driving a grid of Python objects through the engine and reading back its results: what
``labbook.run`` and the compat layers share."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from ._canonical import canonical_json, run_hash
from ._cli import Cli
from ._errors import CliError
from ._config import Config
from ._context import Context
from ._engine import run_session
from ._engine_client import connect, start_engine_early
from ._grid import Grid
from ._jobs import jobs_option
from ._notify import Notifier
from ._results import RESULT_FIELDS, RunResult, results_of
from ._runner import run_in_context
from ._store_location import find_store

__all__ = ["drive", "drive_grid", "run", "ensure_store", "experiment_name", "command_line_errors", "read_config", "engine_request"]

# Given a run's parameters as objects, the call that executes it.
CallFactory = Callable[[Dict[str, Any]], Callable[[Context], Any]]


def ensure_store(cli: Cli) -> Path:
    """The store the CLI will use; one is made in the working directory if there is none."""
    if cli.store is not None:
        return cli.store
    found = find_store(cli.cwd, cli.env)
    if found is None:
        cli.run(["init"])
        found = find_store(cli.cwd, cli.env)
    assert found is not None
    return found


def read_config(cli: Cli, path: os.PathLike) -> Any:
    """The data of a YAML (or JSON) file the user named, read as the CLI reads specs: full
    YAML, plain data only; by the store's engine, or by the CLI where there is no store yet
    (MLXP's mlxp.yaml says where to make it). A file that is missing, unreadable or not YAML
    raises SpecError, naming it (and the line and column)."""
    if (cli.store or find_store(cli.cwd, cli.env)) is None:
        return cli.json(["read-config", os.fspath(path)])
    return engine_request(cli, "readConfig", {"path": os.fspath(path), "cwd": str(cli.cwd)})


def engine_request(cli: Cli, method: str, params: Mapping[str, Any]) -> Any:
    """One request to the engine of the CLI's store (made if there is none), on a connection of its own."""
    with connect(cli.cwd, ensure_store(cli), cli.env) as engine:
        return engine.request(method, params)


def experiment_name(func: Callable[..., Any]) -> str:
    """A default experiment name for a function: ``<script or module>.<function>``."""
    module = getattr(func, "__module__", "") or ""
    if module == "__main__":
        main_file = getattr(sys.modules.get("__main__"), "__file__", None)
        module = Path(main_file).stem if main_file else "main"
    name = f"{module.rsplit('.', 1)[-1]}.{getattr(func, '__name__', 'experiment')}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip("._-") or "experiment"


def drive(
    spec: Dict[str, Any],
    handler: Callable[[Mapping[str, str]], int],
    options: Optional[Mapping[str, Any]] = None,
    notify: Any = None,
    cli: Optional[Cli] = None,
    source: Optional[str] = None,
) -> Tuple[List[Dict[str, Any]], set]:
    """Adds the spec's runs and executes the pending ones through the engine, as ``labbook
    run`` would, each run in a slot process forked from this one (`handler` executes it).
    `options` are the session's (``overrides``, ``jobs``, ``rerun``; see _engine.run_session).
    Returns the experiment's run records as the store has them afterwards, and the ids of those
    that COMPLETED without being run by this drive (the cache). A problem in the spec raises
    the engine's error (SpecError for the spec), its message prefixed with `source`: what the
    user wrote the spec in (default: the experiment's name)."""
    cli = cli or Cli()
    start_engine_early(cli, ensure_store(cli))
    with Notifier(notify) as notifier:
        params = {"jobs": os.cpu_count() or 1, **(options or {}), "spec": spec}
        report = run_session(cli, params, handler, notifier.exit_listener, source=source or spec["name"])
    notifier.finished()
    started = set(report["started"])
    runs = report["runs"]
    return runs, {run["id"] for run in runs if run["state"] == "COMPLETED" and run["id"] not in started}


@contextlib.contextmanager
def command_line_errors(from_command_line: bool) -> Iterator[None]:
    """A script launched with overrides on its command line (the decorators) treats a mistake
    in them, or in the spec, as a CLI does: the message and exit status 2, no traceback. Called
    from code (``argv=`` given), the error is raised."""
    try:
        yield
    except CliError as error:
        if not from_command_line or error.exit_status != 2:
            raise
        sys.stderr.write(f"labbook: {error}\n")
        raise SystemExit(2) from None


def drive_grid(grid: Grid, make_call: CallFactory, options: Optional[Mapping[str, Any]] = None, notify: Any = None, cli: Optional[Cli] = None) -> List[RunResult]:
    """`drive` for a grid of Python objects: each run calls ``make_call(config)(ctx)`` with
    its parameters as the objects; returns one RunResult per run, in grid order."""
    cli = cli or Cli()
    start_engine_early(cli, ensure_store(cli))  # while the grid is walked
    by_hash = grid.by_hash()
    spec = grid.spec()
    report_options = {**(options or {}), "runFields": RESULT_FIELDS}
    runs, completed_before = drive(spec, _handler(by_hash, canonical_json(spec["settings"]), make_call), report_options, notify, cli)
    return results_of(runs, completed_before, ensure_store(cli), by_hash)


def _handler(by_hash: Mapping[str, Dict[str, Any]], settings: str, make_call: CallFactory) -> Callable[[Mapping[str, str]], int]:
    """Runs with the grid's parameters and settings (as canonical JSON) call `make_call`; a
    run queued by an earlier version of the script is refused: the objects this script has
    are not what it was planned with."""

    # The settings' text of the run checked last: a driver's runs come with the same settings.
    agreed: Optional[str] = None

    def handle(env: Mapping[str, str]) -> int:
        nonlocal agreed
        params_text = env.get("LABBOOK_PARAMS") or "{}"
        config = by_hash.get(env.get("LABBOOK_RUN_HASH") or run_hash(json.loads(params_text)))
        if config is None:
            return _refuse(env, f"has parameters {json.loads(params_text)} that are not in the grid this script gives")
        planned = env.get("LABBOOK_SETTINGS") or "{}"
        if planned != agreed:
            if canonical_json(json.loads(planned)) != settings:
                return _refuse(env, f"was planned with the settings {json.loads(planned)}, not those this script gives")
            agreed = planned
        return run_in_context(env, make_call(config))

    return handle


def _refuse(env: Mapping[str, str], why: str) -> int:
    sys.stderr.write(f"labbook: run {env.get('LABBOOK_RUN_ID')} {why}; run the script that added it, or cancel it (labbook cancel)\n")
    return 2


def run(
    exp_func: Callable[[Context, Config], Any],
    config_matrix: Mapping[str, Any],
    workers: Optional[int] = None,
    notify: Any = None,
    experiment: Optional[str] = None,
    store: Optional[os.PathLike] = None,
    retries: int = 0,
) -> List[RunResult]:
    """Runs ``exp_func(ctx, config)`` for every configuration of a Memento-style matrix
    ``{"parameters": {...}, "settings": {...}, "exclude": [...]}`` on `workers` processes
    (default: one per CPU), through the engine: runs are added to the store, COMPLETED ones
    are the cache, a failing run fails alone (its traceback stored). Parameter values may be
    callables and classes (identified by qualified name). Returns one RunResult per run, in
    grid order; `notify` is told as runs finish (see labbook._notify). A `workers` that is not
    a whole number of at least 1 raises UsageError. With ``"provenance": {"sklearn": True,
    "task": "digits"}`` in the matrix, each run records what scikit-learn fits, predicts and
    scores (labbook.track_sklearn), linked to its training run."""
    jobs = jobs_option(workers)
    provenance = config_matrix.get("provenance") if isinstance(config_matrix, Mapping) else None
    matrix = {key: value for key, value in config_matrix.items() if key != "provenance"} if provenance is not None else config_matrix
    grid = Grid.from_matrix(experiment or experiment_name(exp_func), matrix)
    if retries:
        grid.extra = {"retries": retries}

    def make_call(config: Dict[str, Any]) -> Callable[[Context], Any]:
        def call(ctx: Context) -> Any:
            if provenance is not None:
                _start_provenance(provenance)
            return exp_func(ctx, Config(config, grid.settings))

        return call

    return drive_grid(grid, make_call, {"jobs": jobs}, notify, Cli(store=store) if store else None)


def _start_provenance(provenance: Mapping[str, Any]) -> None:
    """What the matrix's ``provenance`` asks of each run (docs/provenance.md)."""
    unknown = set(provenance) - {"sklearn", "task"}
    if unknown:
        raise ValueError(f"unknown provenance keys {sorted(unknown)}: use sklearn (true) and task (a name)")
    if provenance.get("sklearn"):
        from ._extract_sklearn import track_sklearn

        track_sklearn(task=provenance.get("task"))
