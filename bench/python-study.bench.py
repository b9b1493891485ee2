"""Studies from Python, every trial persisted in the store through the engine (issue 18):

- 200 TPE trials on Branin (ask, evaluate, tell) beside Optuna's TPESampler in memory (target:
  labbook <= 2x) and with Optuna's `sqlite:///` storage, where Optuna shares a study between
  workers (target: labbook >= 15x faster), in the same run;
- ask + tell of a 1,000-trial TPE study, milliseconds per trial (target <= 2 ms).

Prints one JSON line per figure. Optuna comes from the bench venv (make bench sets it up);
without it the comparisons print `skipped`.

    .venv-bench/bin/python bench/python-study.bench.py      (make bench runs it)
"""

import json
import math
import os
import subprocess
import tempfile
import time

import labbook
from seconds_line import print_seconds_line

SPACE = {"x": {"uniform": [-5, 10]}, "y": {"uniform": [0, 15]}}


def branin(p):
    x, y = p["x"], p["y"]
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def labbook_seconds(directory, name, trials):
    """Seconds of `trials` ask/evaluate/tell of a new TPE study, and each trial's seconds."""
    with labbook.create_study(name, SPACE, sampler="tpe", seed=0, store=os.path.join(directory, ".labbook")) as study:
        times = []
        start = time.perf_counter()
        for _ in range(trials):
            begun = time.perf_counter()
            trial = study.ask()
            study.tell(trial, branin(trial.params))
            times.append(time.perf_counter() - begun)
        return time.perf_counter() - start, times


def optuna_seconds(trials, storage):
    try:
        import optuna
    except ImportError:
        return None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    distributions = {name: optuna.distributions.FloatDistribution(*bounds["uniform"]) for name, bounds in SPACE.items()}
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=0), storage=storage)
    start = time.perf_counter()
    for _ in range(trials):
        trial = study.ask(distributions)
        study.tell(trial, branin(trial.params))
    return time.perf_counter() - start


def main():
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([os.environ["LABBOOK_CLI"], "init"], cwd=directory, check=True, capture_output=True)
        try:
            labbook_seconds(directory, "warm-up", 20)  # the engine started, its code compiled
            ours, _ = labbook_seconds(directory, "branin", 200)
            _, per_trial = labbook_seconds(directory, "long", 1000)
        finally:
            subprocess.run([os.environ["LABBOOK_CLI"], "engine", "stop"], cwd=directory, capture_output=True)
        memory = optuna_seconds(200, None)
        on_disk = None if memory is None else optuna_seconds(200, f"sqlite:///{directory}/optuna.db")
    print_seconds_line(
        "study-200-tpe-branin-persisted-vs-optuna-memory", ours, memory, "optuna TPESampler, in-memory study", "ratio <= 2"
    )
    print_seconds_line(
        "study-200-tpe-branin-persisted-vs-optuna-sqlite", ours, on_disk, "optuna TPESampler, sqlite:/// storage", "ratio <= 0.067 (15x faster)"
    )
    mean_ms = 1000 * sum(per_trial) / len(per_trial)
    last_ms = 1000 * sum(per_trial[-100:]) / 100
    print(json.dumps({"name": "study-python-ask-tell-1000-tpe", "value": round(mean_ms, 3), "unit": "ms/trial", "last100": round(last_ms, 3), "target": "<= 2 ms per trial"}))


if __name__ == "__main__":
    main()
