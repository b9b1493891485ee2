"""PyExperimenter's API on labbook: ``from labbook.compat.pyexperimenter import
PyExperimenter, ResultProcessor`` and a script written for py_experimenter 1.4 (1.4.0 to
1.4.2) runs unchanged.

The experiment configuration file, in 1.4's YAML (keyfields with values, resultfields,
n_jobs, Custom), becomes a labbook experiment named after the table; ``execute`` runs a
session of the store's engine as ``labbook worker`` would (start it on as many machines as
share the store) whose runs call the experiment function in processes forked from this one. Results and errors are
written back to the store; ``get_table()`` shows them as PyExperimenter's table. A thin
layer: no engine of its own. See docs/migrating.md."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

from .._cli import Cli
from .._context import Context as _LabbookContext
from .._driver import engine_request, ensure_store, read_config
from .._engine import run_session
from .._errors import SpecError
from .._reader import list_runs
from .._jobs import jobs_option
from .._runner import run_in_context

__all__ = ["PyExperimenter", "ResultProcessor", "ExperimentStatus"]

# PyExperimenter's status names ↔ labbook's run states.
ExperimentStatus = {"created": "PENDING", "running": "RUNNING", "done": "COMPLETED", "error": "FAILED", "cancelled": "CANCELLED"}
_STATUS_OF = {state: status for status, state in ExperimentStatus.items()}


class ResultProcessor:
    """``process_results({...})`` fills result fields (kept when the run completes);
    ``process_logs({table: {...}})`` records numeric log entries as metrics ``table.key``."""

    def __init__(self, ctx: _LabbookContext) -> None:
        self._ctx = ctx
        self._results: Dict[str, Any] = {}
        self.experiment_id = ctx.run_id

    def process_results(self, results: Mapping[str, Any]) -> None:
        self._results.update(results)
        self._ctx.set_result(dict(self._results))

    def process_logs(self, logs: Mapping[str, Mapping[str, Any]]) -> None:
        for table, entry in logs.items():
            self._ctx.log_metrics({f"{table}.{k}": v for k, v in entry.items() if isinstance(v, (int, float))})


class PyExperimenter:
    """PyExperimenter 1.4's constructor; the database arguments, CodeCarbon and logging ones
    are accepted and ignored (the store is labbook's, see docs/migrating.md)."""

    def __init__(
        self,
        experiment_configuration_file_path: str = os.path.join("config", "experiment_configuration.yml"),
        database_credential_file_path: Optional[str] = None,
        use_ssh_tunnel: Optional[bool] = None,
        table_name: Optional[str] = None,
        database_name: Optional[str] = None,
        use_codecarbon: bool = True,
        name: str = "PyExperimenter",
        logger_name: str = "py-experimenter",
        log_level: Any = None,
        log_file: Optional[str] = None,
    ) -> None:
        self._cli = Cli()
        ensure_store(self._cli)
        root = _read_configuration(self._cli, Path(experiment_configuration_file_path))
        table = (root.get("Database") or {}).get("table") or {}
        self.name = name
        self.table_name = table_name or table.get("name") or "experiments"
        self.n_jobs = int(root.get("n_jobs", 1))
        self.keyfields: Dict[str, Any] = table.get("keyfields") or {}
        self.resultfields: List[str] = list((table.get("resultfields") or {}).keys())
        self.custom_config: Dict[str, Any] = dict(root.get("Custom") or {})

    def _spec(self, parameters: Dict[str, List[Any]], include: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
        spec: Dict[str, Any] = {"name": self.table_name, "parameters": parameters, "settings": self.custom_config}
        if include:
            spec["include"] = include
        return spec

    def _add(self, spec: Dict[str, Any]) -> None:
        engine_request(self._cli, "enqueue", {"spec": {**spec, "driver": "python"}})

    def fill_table_from_config(self) -> None:
        """Adds the cartesian product of the keyfields' values (runs already there are kept)."""
        self._add(self._spec({k: _values(v) for k, v in self.keyfields.items()}))

    def fill_table_with_rows(self, rows: List[Dict[str, Any]]) -> None:
        """Adds one run per row; each row gives a value for every keyfield."""
        if rows:
            self._add(self._spec({k: [v] for k, v in rows[0].items()}, include=list(rows)))

    def execute(self, experiment_function: Callable[..., Any], random_order: bool = False, n_jobs: Optional[int] = None, max_experiments: int = -1) -> None:
        """Executes open experiments on `n_jobs` processes (default: the configuration's
        ``n_jobs``) until none are left (or `max_experiments` ran), in the queue's order
        (`random_order` is accepted and ignored):
        ``experiment_function(keyfields, result_processor, custom_config)``. An experiment that
        raises is an 'error' row, as in PyExperimenter; an engine that refuses to work (a store
        it cannot open, a bad ``n_jobs``) raises labbook's error."""
        if max_experiments == 0:  # PyExperimenter executes none; the engine's --max-runs takes 1 or more
            return
        jobs = jobs_option(self.n_jobs if n_jobs is None else n_jobs, "n_jobs")
        # PyExperimenter's results are in its table: of the report's runs, only their ids.
        params: Dict[str, Any] = {"experiments": [self.table_name], "jobs": jobs, "runFields": ["id"]}
        if max_experiments >= 0:
            params["maxRuns"] = max_experiments
        run_session(self._cli, params, self._handler(experiment_function))

    def add_experiment_and_execute(self, keyfield_values: Dict[str, Any], experiment_function: Callable[..., Any]) -> None:
        """Adds one experiment and executes it, on one process. The engine works through the
        table's queue: experiments still 'created' run too (PyExperimenter runs only this one)."""
        spec = self._spec({k: [v] for k, v in keyfield_values.items()})
        run_session(self._cli, {"spec": spec, "jobs": 1, "runFields": ["id"]}, self._handler(experiment_function), source=self.table_name)

    def _handler(self, function: Callable[..., Any]) -> Callable[[Mapping[str, str]], int]:
        custom = self.custom_config

        def call(ctx: _LabbookContext) -> Any:
            processor = ResultProcessor(ctx)
            function(dict(ctx.params), processor, dict(custom))
            return None

        return lambda env: run_in_context(env, call)

    def reset_experiments(self, *states: str) -> None:
        """Puts experiments with these statuses ('error', 'done', 'running', 'all') back to 'created'."""
        wanted = ["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"] if "all" in states else [ExperimentStatus[s] for s in states]
        engine_request(self._cli, "resetRuns", {"experiments": [self.table_name], "states": wanted})

    def get_table(self):  # type: ignore[no-untyped-def]
        """PyExperimenter's table as a pandas DataFrame: ID, keyfields, status, dates,
        result fields and error."""
        import pandas as pd

        rows = []
        for run in list_runs(ensure_store(self._cli), [self.table_name]):
            result = run.get("result") if isinstance(run.get("result"), dict) else {}
            row: Dict[str, Any] = {"ID": run["id"], **run["params"]}
            row.update(creation_date=_date(run.get("createdAt")), status=_STATUS_OF.get(run["state"], run["state"].lower()))
            row.update(start_date=_date(run.get("startedAt")), name=self.name, machine=run.get("workerId"))
            row.update({field: result.get(field) for field in self.resultfields})
            row.update(end_date=_date(run.get("finishedAt")), error=run.get("error"))
            rows.append(row)
        return pd.DataFrame(rows)

    def get_codecarbon_table(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError("labbook does not run CodeCarbon; the run environment is kept instead (labbook show RUN)")


# PyExperimenter before 1.4 read an INI file whose first section is this.
_INI_SECTION = re.compile(r"^\[PY_EXPERIMENTER\]\s*$", re.MULTILINE)


def _read_configuration(cli: Cli, path: Path) -> Dict[str, Any]:
    """The ``PY_EXPERIMENTER`` mapping of a PyExperimenter 1.4 YAML configuration file (read by
    the engine); any other file is a SpecError that says what labbook reads instead."""
    text = _read_text(path)
    ini = _INI_SECTION.search(text)
    if ini:
        line = text.count("\n", 0, ini.start()) + 1
        raise SpecError(
            f"{path}:{line}: this is the INI configuration of PyExperimenter 1.3 and older ([PY_EXPERIMENTER], keyfields = …); "
            "labbook reads PyExperimenter 1.4's YAML: PY_EXPERIMENTER: {n_jobs: …, Database: {table: {name: …, keyfields: …}}, Custom: …} "
            "(see docs/migrating.md)"
        )
    data = read_config(cli, path)
    root = data.get("PY_EXPERIMENTER") if isinstance(data, dict) else None
    if not isinstance(root, dict):
        raise SpecError(
            f"{path}: no PY_EXPERIMENTER mapping at the top; PyExperimenter's YAML configuration starts with "
            "PY_EXPERIMENTER: and holds Database: {table: {name: …, keyfields: …}} (see docs/migrating.md)"
        )
    return root


def _read_text(path: Path) -> str:
    """The configuration file's text (to tell PyExperimenter's older INI format), with the
    engine's codes: LB_SPEC_NOT_FOUND when it is missing, LB_SPEC_UNREADABLE when the system
    cannot read it, LB_SPEC_INVALID when it is not UTF-8 text."""
    what = "experiment configuration file"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = "give the path of PyExperimenter's YAML configuration, e.g. PyExperimenter('config/experiment_configuration.yml')"
        raise SpecError(f"{path}: no such {what}; {hint}", "LB_SPEC_NOT_FOUND") from None
    except OSError as error:
        raise SpecError(f"{path}: cannot read the {what} ({error.strerror or error}); check the path and its permissions", "LB_SPEC_UNREADABLE") from None
    except UnicodeDecodeError as error:
        raise SpecError(f"{path}: the {what} is not UTF-8 text (byte {error.start}); save it as UTF-8") from None


def _values(field: Mapping[str, Any]) -> List[Any]:
    values = field.get("values") if isinstance(field, Mapping) else field
    if isinstance(values, Mapping):
        start, stop, step = values["start"], values["stop"], values.get("step", 1)
        count = int(-(-(stop - start) // step))
        return [json.loads(json.dumps(start + i * step)) for i in range(count)]
    return list(values or [])


def _date(ms: Optional[int]) -> Any:
    import pandas as pd

    return pd.to_datetime(ms, unit="ms") if ms else None
