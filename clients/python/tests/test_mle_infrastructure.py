"""The MLE-Infrastructure layers (mle-hyperopt, mle-scheduler, mle-monitor, mle-logging): the
paper's illustrative example and a typical train.py run unchanged but for their imports, and
each layer keeps its package's API over the store."""

import shutil
import sqlite3
import subprocess
import sys

import pytest

from helpers import REPO_ROOT, labbook_json
from labbook import CliError, UsageError
from labbook._reader import list_runs
from labbook.compat.mle_hyperopt import GridSearch, RandomSearch, SMBOSearch
from labbook.compat.mle_logging import load_log
from labbook.compat.mle_monitor import MLEProtocol
from labbook.compat.mle_scheduler import MLEQueue

EXAMPLE = REPO_ROOT / "examples" / "mle-infrastructure"
SPACE = {
    "real": {"lrate": {"begin": 0.1, "end": 0.5, "prior": "log-uniform"}},
    "integer": {"batch_size": {"begin": 1, "end": 5, "prior": "uniform"}},
    "categorical": {"arch": ["mlp", "cnn"]},
}


def run_script(name, cwd, *args):
    shutil.copy(EXAMPLE / name, cwd / name)
    done = subprocess.run([sys.executable, name, *args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def runs_with_metrics(project):
    return list_runs(project / ".labbook", metrics=True)


def checkpointed_runs(project):
    with sqlite3.connect(project / ".labbook" / "labbook.db") as db:
        return {row[0] for row in db.execute("SELECT run_id FROM checkpoints")}


def test_the_papers_example_runs_every_config_and_seed_and_tells_the_seed_means(project):
    shutil.copy(EXAMPLE / "train.py", project / "train.py")
    shutil.copy(EXAMPLE / "base_config.json", project / "base_config.json")  # the protocol reads it
    run_script("search.py", project)

    runs = runs_with_metrics(project)
    jobs = [r for r in runs if r["experiment"] == "logs_search"]
    assert [(r["params"]["config"], r["params"]["seed"]) for r in jobs] == [(f"eval_{i}.yaml", seed) for i in (0, 1) for seed in (1, 2)]
    assert all(r["state"] == "COMPLETED" for r in jobs)
    assert all(set(r["metrics"]) == {"train_loss", "test_loss"} for r in jobs)
    assert checkpointed_runs(project) == {r["id"] for r in jobs}  # the model of each update

    (study_name,) = {r["experiment"] for r in runs} - {"logs_search"}
    study = labbook_json(project, "study", study_name)
    assert study["space"]["lrate"] == {"loguniform": [0.1, 0.5]} and study["sampler"]["name"] == "random"
    for trial, config in zip(study["trials"], ["eval_0", "eval_1"]):
        seeds = [r["metrics"]["test_loss"] for r in jobs if r["params"]["config"] == f"{config}.yaml"]
        assert trial["state"] == "COMPLETE" and trial["values"][0] == pytest.approx(sum(seeds) / 2)

    entry = MLEProtocol(str(project / "mle_protocol.db")).get(1)
    assert (entry["job_status"], entry["completed_jobs"], entry["labbook_experiment"]) == ("completed", 4, "logs_search")
    assert entry["loaded_config"] == [{"lrate": 0.2, "batch_size": 2, "arch": "mlp"}]


def test_a_train_script_run_by_hand_is_a_run_and_load_log_reads_its_series(project):
    shutil.copy(EXAMPLE / "base_config.json", project / "base_config.json")
    run_script("train.py", project, "-exp_dir", "by_hand", "-seed", "3")

    (run,) = runs_with_metrics(project)
    assert (run["experiment"], run["state"], run["params"]["seed"]) == ("by_hand", "COMPLETED", 3)
    log = load_log(str(project / "by_hand" / "base_config"))
    assert log.time.num_epochs == [1.0, 2.0, 3.0]
    assert log.stats.test_loss[-1] == pytest.approx(run["metrics"]["test_loss"])
    assert log.meta.runs == [run["id"]] and checkpointed_runs(project) == {run["id"]}


def test_ask_stores_configs_named_by_evaluation_and_a_saved_log_resumes_the_study(project):
    strategy = RandomSearch(**SPACE, seed_id=5)
    configs, fnames = strategy.ask(2, store=True)
    assert fnames == ["eval_0.yaml", "eval_1.yaml"]
    for config in configs:
        assert 0.1 <= config["lrate"] <= 0.5 and config["batch_size"] in range(1, 6) and config["arch"] in ("mlp", "cnn")
    strategy.tell(configs, [0.7, 0.2])
    assert strategy.get_best()[1:3] == (configs[1], 0.2)
    strategy.save("search_log.json")

    resumed = RandomSearch(**SPACE, seed_id=5, reload_path="search_log.json")
    assert resumed.study_name == strategy.study_name and resumed.eval_counter == 2
    config, fname = resumed.ask(1, store=True)
    assert fname == "eval_2.yaml"
    resumed.tell(config, 0.1)
    assert resumed.get_best()[1:3] == (config, 0.1)
    assert [t["number"] for t in labbook_json(project, "study", strategy.study_name)["trials"]] == [0, 1, 2]


def test_grid_search_tries_each_binned_point_once_then_is_done(project):
    strategy = GridSearch(real={"x": {"begin": 0, "end": 1, "bins": 3}}, integer={"n": {"begin": 1, "end": 2, "bins": 2}})
    points = strategy.ask(10)
    assert sorted((p["x"], p["n"]) for p in points) == [(x, n) for x in (0.0, 0.5, 1.0) for n in (1, 2)]
    assert all(isinstance(p["x"], float) for p in points)
    assert strategy.ask(1) == []


def test_smbo_search_is_the_studys_tpe_with_the_initial_random_points(project):
    strategy = SMBOSearch(**SPACE, search_config={"n_initial_points": 3}, maximize_objective=True)
    study = labbook_json(project, "study", strategy.study_name)
    assert study["sampler"] == {"name": "tpe", "options": {"nStartupTrials": 3}} and study["directions"] == ["maximize"]


def test_misuse_is_refused_with_what_to_do(project):
    strategy = RandomSearch(**SPACE)
    with pytest.raises(UsageError, match="was not asked"):
        strategy.tell({"lrate": 0.3, "batch_size": 1, "arch": "mlp"}, 0.5)
    with pytest.raises(UsageError, match="'uniform' or 'log-uniform'"):
        RandomSearch(real={"lr": {"begin": 0.1, "end": 1, "prior": "normal"}})
    with pytest.raises(UsageError, match="labbook submit"):
        MLEQueue(resource_to_run="slurm-cluster", job_filename="train.py", config_filenames=["a.yaml"], experiment_dir="x")
    protocol = MLEProtocol(str(project / "p.db"))
    with pytest.raises(UsageError, match="experiment_type"):
        protocol.add({"experiment_type": "sweep"})
    assert protocol.add({"experiment_dir": "a"}) == 1 and protocol.add({"experiment_dir": "b"}) == 2
    with pytest.raises(UsageError, match="no experiment 3"):
        protocol.complete(3)


def test_a_job_that_fails_fails_its_run_and_the_queue_goes_on(project):
    (project / "train.py").write_text(
        "import sys\nfrom labbook.compat.mle_logging import MLELogger\n"
        "seed = int(sys.argv[sys.argv.index('-seed') + 1])\n"
        "if seed == 2: raise SystemExit('seed 2 diverged')\n"
        "MLELogger(experiment_dir='q', what_to_track=['loss'], config_fname='eval_0.yaml', seed_id=seed).update({}, {'loss': 1.0}, save=True)\n"
    )
    (project / "eval_0.yaml").write_text("lrate: 0.1\n")
    queue = MLEQueue(resource_to_run="local", job_filename="train.py", config_filenames=["eval_0.yaml"], random_seeds=[1, 2], experiment_dir="q")
    queue.run()
    assert [(r["params"]["seed"], r["state"]) for r in runs_with_metrics(project)] == [(1, "COMPLETED"), (2, "FAILED")]
    queue.merge_configs(merge_seeds=True)
    assert queue.log["eval_0"].stats.loss.mean == [1.0]  # the seeds that ran


def test_a_queue_the_engine_refuses_raises_its_error(project):
    (project / "eval_0.yaml").write_text("lrate: 0.1\n")
    queue = MLEQueue(resource_to_run="local", job_filename="train.py", config_filenames=["eval_0.yaml"], experiment_dir="q", max_running_jobs=0)
    with pytest.raises(CliError, match="--jobs"):
        queue.run()


def test_a_log_mle_hyperopt_wrote_restores_the_log_into_a_new_study(project):
    (project / "search_log.yaml").write_text(
        "- eval_id: 0\n  params: {lrate: 0.2, batch_size: 2, arch: mlp}\n  objective: 0.4\n"
        "- eval_id: 1\n  params: {lrate: 0.3, batch_size: 4, arch: cnn}\n  objective: 0.1\n"
    )
    strategy = RandomSearch(**SPACE, reload_path="search_log.yaml")
    assert strategy.eval_counter == 2 and strategy.get_best()[1:3] == ({"lrate": 0.3, "batch_size": 4, "arch": "cnn"}, 0.1)
    assert strategy.ask(1, store=True)[1] == "eval_2.yaml"
    assert labbook_json(project, "study", strategy.study_name)["counts"]["RUNNING"] == 1


def test_a_shell_job_gets_the_arguments_as_mle_scheduler_passes_them(project):
    (project / "job.sh").write_text('echo "$@" > "args_$6.txt"\n')
    (project / "eval_0.yaml").write_text("lrate: 0.1\n")
    queue = MLEQueue(resource_to_run="local", job_filename="job.sh", config_filenames=["eval_0.yaml"], experiment_dir="q",
                     job_arguments={"extra_cmd_line_input": {"note": "{not_a_placeholder}"}})
    queue.run()
    assert (project / "args_0.txt").read_text() == "-exp_dir q -config eval_0.yaml -seed 0 -note {not_a_placeholder}\n"
