"""Ask/tell from Python (labbook.create_study) through the store's engine: trials are runs,
the same seed gives the same trials, failed and pruned trials are told as such, and a process
killed while it holds a trial leaves it to the next process that asks."""

import signal
import subprocess
import sys
import textwrap
import time

import pytest

import labbook
from helpers import labbook_json

SPACE = {"x": {"uniform": [-5, 5]}, "kernel": {"categorical": ["linear", "rbf"]}, "gamma": {"loguniform": [1e-3, 1], "when": {"kernel": "rbf"}}}


def quadratic(params):
    return (params["x"] - 1) ** 2 + (params.get("gamma", 0.5) - 0.5) ** 2


def optimise(name, trials, **options):
    with labbook.create_study(name, SPACE, **options) as study:
        for _ in range(trials):
            trial = study.ask()
            study.tell(trial, quadratic(trial.params))
        return study.trials()


def test_trials_are_runs_with_their_values_as_results(project):
    trials = optimise("quad", 12, sampler={"name": "tpe", "options": {"nStartupTrials": 5}}, seed=1)
    assert [t.number for t in trials] == list(range(12)) and {t.state for t in trials} == {"COMPLETE"}
    assert all(("gamma" in t.params) == (t.params["kernel"] == "rbf") for t in trials), "gamma only when the kernel is rbf"
    runs = {run["id"]: run for run in labbook_json(project, "ls", "-e", "quad")}
    assert [(runs[t.run]["params"], runs[t.run]["result"], runs[t.run]["state"]) for t in trials] == [
        (t.params, {"value": t.values[0]}, "COMPLETED") for t in trials
    ]
    with labbook.load_study("quad") as study:
        assert study.best_trial.values[0] == min(t.values[0] for t in trials)


@pytest.mark.parametrize("sampler", ["random", "tpe"])
def test_the_same_seed_gives_the_same_trials(project, sampler):
    first = [t.params for t in optimise("a", 15, sampler=sampler, seed=42)]
    assert [t.params for t in optimise("b", 15, sampler=sampler, seed=42)] == first
    assert [t.params for t in optimise("c", 15, sampler=sampler, seed=43)] != first


def test_failed_and_pruned_trials_are_told_as_such(project):
    with labbook.create_study("p", SPACE, sampler="random", pruner={"name": "median", "options": {"nStartupTrials": 1}}, seed=3) as study:
        good = study.ask()
        good.report(1, 0.1)
        assert not good.should_prune()
        study.tell(good, 0.1)
        bad = study.ask()
        bad.report(1, 5.0)
        assert bad.should_prune()
        assert study.tell(bad, state="PRUNED").state == "PRUNED"
        failed = study.ask()
        study.tell(failed.number, state="FAILED", error="diverged")
        with pytest.raises(labbook.LabbookError) as error:
            study.tell(failed, 1.0)
        assert error.value.code == "LB_TRIAL_FINISHED"
        with pytest.raises(labbook.UsageError):
            study.tell(study.ask(), state="DONE")
        assert [t.state for t in study.trials()] == ["COMPLETE", "PRUNED", "FAILED", "RUNNING"]
    states = {run["id"]: (run["state"], run.get("failureReason")) for run in labbook_json(project, "ls", "-e", "p")}
    assert [states[t.run] for t in (good, bad, failed)] == [("COMPLETED", None), ("CANCELLED", "pruned"), ("FAILED", "error")]


HOLDER = textwrap.dedent(
    """
    import time, labbook
    study = labbook.create_study("shared", {"x": {"uniform": [0, 1]}}, sampler="random", seed=5, load_if_exists=True)
    trial = study.ask()
    print(trial.number, trial.params["x"], flush=True)
    time.sleep(600)
    """
)


def test_a_trial_held_by_a_killed_process_goes_to_the_next_that_asks(project):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=project, stdout=subprocess.PIPE, text=True)
    try:
        number, x = holder.stdout.readline().split()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with labbook.load_study("shared") as study:
        deadline = time.monotonic() + 30
        trial = study.ask()
        while trial.number != int(number):  # until the engine saw the connection close
            assert time.monotonic() < deadline, "the killed process's trial never came back"
            study.tell(trial, 0.0)
            trial = study.ask()
        assert trial.params["x"] == float(x)
        study.tell(trial, 1.0)
        assert sorted(t.number for t in study.trials()) == list(range(len(study.trials())))
