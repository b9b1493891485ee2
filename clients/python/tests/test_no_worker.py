"""Scripts run by hand (no fd-3 channel): recorded in the local store, or kept nowhere with a
warning when there is no store."""

import os
import signal
import subprocess
import sys
import textwrap

from helpers import labbook_json, query_store, run_python

RECORDING_SCRIPT = textwrap.dedent(
    """
    import labbook
    ctx = labbook.context(params={"lr": 0.1, "model": "svc"}, settings={"n_fold": 5})
    for step in range(3):
        ctx.log_metrics({"loss": 1.0 / (step + 1), "acc": step / 10}, step=step)
    ctx.log_metrics({"loss": float("nan")}, step=3)
    open("notes.txt", "w").write("hello")
    ctx.log_artifact("notes.txt")
    ctx.log_artifact({"weights": [1, 2]}, "weights.pickle")
    ctx.checkpoint({"epoch": 2})
    ctx.log("half way")
    ctx.set_result({"accuracy": 0.93})
    print(ctx.run_id, ctx.attempt, ctx.run_dir)
    """
)


def test_without_a_store_nothing_is_kept_and_a_warning_says_so(tmp_path):
    done = run_python(
        "import labbook\n"
        "ctx = labbook.context(params={'lr': 0.1})\n"
        "ctx.log_metrics({'loss': 1.0}, step=0)\n"
        "ctx.checkpoint({'epoch': 1})\n"
        "print(ctx.run_id, ctx.checkpoint_exists(), ctx.restore('none'), ctx.should_prune(1, 0.5), ctx.params)\n",
        cwd=tmp_path,
    )
    assert done.stdout.strip() == "None False none False {'lr': 0.1}"
    assert done.stderr.count("not kept") == 1
    assert not (tmp_path / ".labbook").exists()


def test_a_run_by_hand_records_itself_in_the_store(project):
    done = run_python(RECORDING_SCRIPT, cwd=project)
    run_id, attempt, run_dir = done.stdout.split()
    assert (int(attempt), run_dir) == (1, str(project / ".labbook" / "runs" / run_id))
    [run] = labbook_json(project, "ls")
    assert (run["experiment"], run["state"], run["params"]) == ("manual", "COMPLETED", {"lr": 0.1, "model": "svc"})
    assert run["result"] == {"accuracy": 0.93}
    assert query_store(project, "SELECT key, step, value FROM metrics WHERE key = 'loss' ORDER BY rowid") == [
        ("loss", 0, 1.0), ("loss", 1, 0.5), ("loss", 2, 1 / 3), ("loss", 3, None)
    ]  # fmt: skip
    assert query_store(project, "SELECT key, min, max, count, last_step FROM metric_summaries ORDER BY key") == [
        ("acc", 0.0, 0.2, 3, 2), ("loss", 1 / 3, 1.0, 4, 3)
    ]  # fmt: skip
    artifacts = dict(query_store(project, "SELECT name, sha256 FROM artifacts"))
    assert set(artifacts) == {"notes.txt", "weights.pickle"}
    stored = project / ".labbook" / "objects" / artifacts["notes.txt"][:2] / artifacts["notes.txt"]
    assert stored.read_text() == "hello"
    assert query_store(project, "SELECT count(*) FROM checkpoints WHERE run_id = ?", int(run_id)) == [(1,)]
    assert "half way" in (project / ".labbook" / "runs" / run_id / "labbook.log").read_text()


def test_the_cli_sees_the_run_by_hand_in_its_history(project):
    run_python(RECORDING_SCRIPT, cwd=project)
    show = labbook_json(project, "show", "1")
    assert [(e["fromState"], e["toState"]) for e in show["events"]] == [(None, "RUNNING"), ("RUNNING", "COMPLETED")]


def test_an_uncaught_exception_marks_the_run_failed_with_its_traceback(project):
    done = run_python(
        "import labbook\nctx = labbook.context(params={'lr': 0.5})\nctx.checkpoint({'epoch': 4})\nraise ValueError('diverged')\n",
        cwd=project,
        check=False,
    )
    assert done.returncode == 1
    [run] = labbook_json(project, "ls")
    assert run["state"] == "FAILED"
    assert "Traceback" in run["error"] and "ValueError: diverged" in run["error"]


def test_running_the_same_parameters_again_is_a_new_attempt_that_can_restore(project):
    crash = "import labbook\nctx = labbook.context(params={'lr': 0.5})\nctx.checkpoint({'epoch': 4})\nraise SystemExit(3)\n"
    run_python(crash, cwd=project, check=False)
    done = run_python(
        "import labbook\nctx = labbook.context(params={'lr': 0.5})\n"
        "print(ctx.attempt, ctx.checkpoint_exists(), ctx.restore())\n",
        cwd=project,
    )
    assert done.stdout.strip() == "2 True {'epoch': 4}"
    [run] = labbook_json(project, "ls")
    assert (run["attempt"], run["state"]) == (2, "COMPLETED")


def test_callables_in_parameters_are_recorded_by_qualified_name(project):
    run_python("import labbook, json\nlabbook.context(params={'loader': json.loads})\n", cwd=project)
    [run] = labbook_json(project, "ls")
    assert run["params"] == {"loader": "json.loads"}


def test_labbook_experiment_names_the_experiment(project):
    run_python("import labbook\nlabbook.context(params={'x': 1})\n", cwd=project, env={"LABBOOK_EXPERIMENT": "notebook-trials"})
    [run] = labbook_json(project, "ls")
    assert run["experiment"] == "notebook-trials"


def test_a_non_json_result_is_pickled_as_an_artifact(project):
    run_python("import labbook\nclass P: pass\nlabbook.context().set_result(P())\n", cwd=project)
    [run] = labbook_json(project, "ls")
    assert run["result"] == {"$pickle": "result.pickle"}
    assert query_store(project, "SELECT name FROM artifacts") == [("result.pickle",)]


def test_a_script_killed_with_sigkill_leaves_its_run_leased_not_completed(project):
    script = "import labbook, sys, time\nctx = labbook.context(params={'x': 1})\nprint('ready', flush=True)\ntime.sleep(60)\n"
    child = subprocess.Popen([sys.executable, "-c", script], cwd=project, stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    assert child.stdout.readline().strip() == "ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    [(state, owner, expires, started)] = query_store(project, "SELECT state, lease_owner, lease_expires_at, started_at FROM runs")
    assert state == "RUNNING" and owner.startswith("python:")
    # The lease runs out on its own (30 s): the reaper then counts the script as a lost worker.
    assert 0 < expires - started <= 30_000
    child.stdout.close()


def test_a_second_process_cannot_take_over_a_run_that_is_held(project):
    script = "import labbook, time\nlabbook.context(params={'x': 1})\nprint('ready', flush=True)\ntime.sleep(60)\n"
    holder = subprocess.Popen([sys.executable, "-c", script], cwd=project, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        done = run_python("import labbook\nlabbook.context(params={'x': 1})\n", cwd=project, check=False)
        assert done.returncode != 0 and "is running under python:" in done.stderr
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert labbook_json(project, "ls")[0]["state"] == "RUNNING"
