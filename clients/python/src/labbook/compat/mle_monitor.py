"""mle-monitor's experiment protocol on labbook: ``from labbook.compat.mle_monitor import
MLEProtocol``; ``add`` and ``complete`` as mle-monitor 0.0.x has them.

The protocol is a JSON file at `protocol_fname` (mle-monitor's is a pickleDB JSON file too):
an entry per experiment with its meta data, status and times. The runs themselves are in the
store: each entry names the labbook experiment its jobs are runs of (``labbook_experiment``,
from its ``experiment_dir``), and ``complete`` records how many of them completed."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Union

from .._cli import Cli
from .._driver import ensure_store
from .._errors import UsageError
from .._reader import list_runs
from ._mle_files import experiment_name, read_data

__all__ = ["MLEProtocol"]

_TYPES = ("hyperparameter-search", "multiple-configs", "single-config")
_TIME = "%m/%d/%y %H:%M"


class MLEProtocol:
    """``MLEProtocol(protocol_fname)``: opens (or starts) the protocol file. The GCS
    arguments (`cloud_settings`, `send_gcs`, `pull_gcs`) are accepted and ignored."""

    def __init__(self, protocol_fname: str, cloud_settings: Optional[Mapping[str, Any]] = None, verbose: bool = False) -> None:
        self.protocol_fname = protocol_fname
        self.verbose = verbose
        self.load()

    def load(self, pull_gcs: bool = True) -> None:
        path = Path(self.protocol_fname)
        self.db: Dict[str, Dict[str, Any]] = json.loads(path.read_text()) if path.exists() and path.stat().st_size else {}
        self.experiment_ids = list(self.db)
        self.last_experiment_id = max((int(i) for i in self.db), default=0)

    def save(self, send_gcs: bool = True) -> None:
        Path(self.protocol_fname).write_text(json.dumps(self.db, indent=2) + "\n")

    def add(self, standard: Mapping[str, Any], extra: Optional[Mapping[str, Any]] = None, save: bool = True, send_gcs: bool = True) -> int:
        """Records a new experiment (status ``running``); returns its id (1, 2, …)."""
        entry = {"purpose": "None provided", "experiment_type": "single-config", "experiment_dir": "experiments", **standard, **(extra or {})}
        if entry["experiment_type"] not in _TYPES:
            raise UsageError(f"MLEProtocol.add: experiment_type {entry['experiment_type']!r} is not one of {', '.join(_TYPES)}")
        configs = [entry["config_fname"]] if isinstance(entry.get("config_fname"), str) else list(entry.get("config_fname") or [])
        entry.update(
            job_status="running",
            start_time=datetime.now().strftime(_TIME),
            labbook_experiment=experiment_name(entry["experiment_dir"]),
            loaded_config=[read_data(path) for path in configs if Path(path).is_file()],
        )
        experiment_id = self.last_experiment_id + 1
        self.db[str(experiment_id)] = entry
        self.experiment_ids.append(str(experiment_id))
        self.last_experiment_id = experiment_id
        if save:
            self.save()
        return experiment_id

    def get(self, experiment_id: Union[int, str], var_name: Optional[str] = None) -> Any:
        entry = self._entry(experiment_id)
        return entry if var_name is None else entry[var_name]

    def status(self, experiment_id: Union[int, str]) -> str:
        return str(self._entry(experiment_id)["job_status"])

    def update(self, experiment_id: Union[int, str], var_name: str, var_value: Any, save: bool = True) -> None:
        self._entry(experiment_id)[var_name] = var_value
        if save:
            self.save()

    def abort(self, experiment_id: Union[int, str], save: bool = True, send_gcs: bool = True) -> None:
        self.update(experiment_id, "job_status", "aborted", save)

    def complete(self, experiment_id: Union[int, str], report: bool = False, save: bool = True) -> None:
        """Marks the experiment completed, with its stop time, duration and the number of its
        runs the store has COMPLETED."""
        self.load()
        entry = self._entry(experiment_id)
        stop = datetime.now().strftime(_TIME)
        duration = datetime.strptime(stop, _TIME) - datetime.strptime(entry["start_time"], _TIME)
        runs = list_runs(ensure_store(Cli()), experiments=[entry["labbook_experiment"]])
        entry.update(job_status="completed", stop_time=stop, duration=str(duration), completed_jobs=sum(1 for run in runs if run.get("state") == "COMPLETED"))
        if save:
            self.save()

    def __len__(self) -> int:
        return len(self.db)

    def _entry(self, experiment_id: Union[int, str]) -> Dict[str, Any]:
        try:
            return self.db[str(experiment_id)]
        except KeyError:
            raise UsageError(f"{self.protocol_fname}: no experiment {experiment_id} (it has {', '.join(self.db) or 'none'})") from None
