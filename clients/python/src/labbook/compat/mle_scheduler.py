"""mle-scheduler's queue on labbook: ``from labbook.compat.mle_scheduler import MLEQueue`` and
a script written for mle-scheduler 0.0.x runs unchanged.

``MLEQueue(...).run()`` plans every configuration × seed as a run of the experiment named
after `experiment_dir` (a spec written to ``<experiment_dir>/labbook-queue.yaml``) and executes
them with ``labbook run -j max_running_jobs``: each is ``python <job_filename> -exp_dir …
-config … -seed …`` as mle-scheduler launches it, its MLELogger recording into the run. Only
``resource_to_run="local"``: for Slurm and other clusters, ``labbook submit`` the same spec
(docs/schedulers.md). ``merge_configs(merge_seeds=True)`` loads the logs, seeds averaged:
``queue.log[run_id].stats.test_loss.mean``."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from .._cli import Cli
from .._driver import ensure_store
from .._errors import CliError, UsageError
from ._mle_files import MetaLog, experiment_name, write_data
from .mle_logging import load_log

__all__ = ["MLEQueue"]


class MLEQueue:
    """mle-scheduler's constructor; the Slack, cloud, SSH and logger arguments are accepted
    and ignored."""

    def __init__(
        self,
        resource_to_run: str,
        job_filename: str,
        job_arguments: Optional[Mapping[str, Any]] = None,
        config_filenames: Union[str, Sequence[str], None] = None,
        experiment_dir: Optional[str] = None,
        num_seeds: int = 1,
        default_seed: int = 0,
        random_seeds: Optional[Sequence[int]] = None,
        max_running_jobs: int = 10,
        automerge_seeds: bool = False,
        automerge_configs: bool = False,
        protocol_db: Any = None,
        **ignored: Any,
    ) -> None:
        if resource_to_run != "local":
            raise UsageError(
                f"MLEQueue: resource_to_run={resource_to_run!r} is not run by this layer; use 'local', "
                "or `labbook submit` the queue's spec (<experiment_dir>/labbook-queue.yaml) to Slurm (docs/schedulers.md)"
            )
        if config_filenames is None or experiment_dir is None:
            raise UsageError("MLEQueue: give config_filenames and experiment_dir (the layer runs Python jobs with configs)")
        self.resource_to_run = resource_to_run
        self.job_filename = job_filename
        self.job_arguments = dict(job_arguments or {})
        self.config_filenames = [config_filenames] if isinstance(config_filenames, str) else list(config_filenames)
        self.experiment_dir = experiment_dir
        if random_seeds is not None:
            self.random_seeds = list(random_seeds)
        elif num_seeds > 1:
            self.random_seeds = random.sample(range(100000, 999999), num_seeds)
        else:
            self.random_seeds = [default_seed]
        self.num_seeds = len(self.random_seeds)
        self.max_running_jobs = max_running_jobs
        self.automerge_seeds = automerge_seeds
        self.automerge_configs = automerge_configs
        self.protocol_db = protocol_db
        self.mle_run_ids = [os.path.split(fname)[1].split(".")[0] for fname in self.config_filenames]
        self.mle_log_dirs = [os.path.join(experiment_dir, run_id) for run_id in self.mle_run_ids]
        self.num_total_jobs = len(self.config_filenames) * self.num_seeds
        self.log: Any = None

    def run(self) -> None:
        """Runs every configuration × seed through labbook's engine; a failed job fails its
        run (``labbook ls <experiment>`` shows it) and the others go on."""
        cli = Cli()
        ensure_store(cli)
        spec = Path(self.experiment_dir) / "labbook-queue.yaml"
        write_data(self._spec(), spec)
        try:
            cli.run(["run", str(spec), "--rerun", "-j", str(self.max_running_jobs)])
        except CliError as error:
            if error.exit_status != 1:  # 1: some jobs failed, and mle-scheduler goes on then too
                raise
        if self.automerge_configs:
            self.merge_configs(merge_seeds=True)
        elif self.automerge_seeds:
            for log_dir in self.mle_log_dirs:
                self.merge_seeds(log_dir)

    def _spec(self) -> Dict[str, Any]:
        extra = self.job_arguments.get("extra_cmd_line_input") or {}
        # Paths as given, as mle-scheduler passes them: the runs start in this directory (where
        # `labbook run` starts), and the runs' identity (configuration file × seed) stays the
        # same wherever the project is.
        interpreter = "bash" if self.job_filename.endswith(".sh") else sys.executable
        command = [_literal(word) for word in (interpreter, self.job_filename, "-exp_dir", self.experiment_dir)]
        command += ["-config", "{config}", "-seed", "{seed}"]
        for key, value in extra.items():
            command += [_literal(f"-{key}"), _literal(str(value))]
        return {
            "name": experiment_name(self.experiment_dir),
            "parameters": {"config": list(self.config_filenames)},
            "seeds": self.random_seeds,
            "command": command,
        }

    def merge_seeds(self, experiment_dir: str, load: bool = True) -> None:
        """Loads one configuration's log, its seeds averaged, into ``self.log``."""
        if load:
            self.log = load_log(experiment_dir, aggregate_seeds=True)

    def merge_configs(self, merge_seeds: bool = False, load: bool = True) -> None:
        """Loads every configuration's log into ``self.log[run_id]`` (seeds averaged)."""
        if load:
            self.log = MetaLog({run_id: load_log(log_dir, aggregate_seeds=True) for run_id, log_dir in zip(self.mle_run_ids, self.mle_log_dirs)})


def _literal(word: str) -> str:
    """A word of the command as it is: braces doubled, so that labbook does not read them as
    placeholders."""
    return word.replace("{", "{{").replace("}", "}}")
