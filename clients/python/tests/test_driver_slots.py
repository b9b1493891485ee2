"""Runs of a driver in persistent slot processes: what one run does to its process (exits,
crashes, hangs past its timeout) fails that run alone; the next run gets a fresh slot."""

import subprocess
import sys
import textwrap
import time

from helpers import LABBOOK_BIN, labbook_json, query_store, run_python

SPEC = textwrap.dedent(
    """
    name: slots
    parameters:
      action: [ok, sys-exit, os-exit, hang, segfault, last]
    timeout: 2
    """
)

SCRIPT = textwrap.dedent(
    """
    import ctypes, os, sys, time
    import labbook

    @labbook.experiment(spec="sweep.yaml", workers=1)
    def act(ctx):
        action = ctx.params["action"]
        print("pid", os.getpid(), flush=True)
        if action == "sys-exit":
            sys.exit(3)
        if action == "os-exit":
            os._exit(4)
        if action == "hang":
            time.sleep(60)
        if action == "segfault":
            ctypes.string_at(0)
        return action

    if __name__ == "__main__":
        for r in act():
            print(r.params["action"], r.state, r.value)
    """
)


def test_a_run_that_takes_its_slot_down_fails_alone_and_the_next_run_gets_a_new_slot(project):
    (project / "sweep.yaml").write_text(SPEC)
    (project / "act.py").write_text(SCRIPT)
    out = run_python("import runpy; runpy.run_path('act.py', run_name='__main__')", cwd=project).stdout.splitlines()
    assert out == [
        "ok COMPLETED ok",
        "sys-exit FAILED None",
        "os-exit FAILED None",
        "hang FAILED None",
        "segfault FAILED None",
        "last COMPLETED last",
    ]
    runs = {r["params"]["action"]: r for r in labbook_json(project, "ls", "-e", "slots")}
    assert runs["sys-exit"]["exitCode"] == 3
    assert "the Python slot process died during the run" in runs["os-exit"]["error"]
    assert "timed out after 2s" in runs["hang"]["error"]
    assert 'File "act.py", line 16 in act' in runs["segfault"]["error"], "faulthandler left where it crashed"
    pids = {action: (project / ".labbook" / "runs" / str(run["id"]) / "stdout.log").read_text().split()[1] for action, run in runs.items()}
    assert pids["ok"] == pids["sys-exit"] == pids["os-exit"], "sys.exit ends the run, not the slot"
    # Each of these takes its slot down, so each ran in a slot of its own: a dead slot is replaced.
    # (Not in order: runs sent ahead to a slot that died run later, possibly after "last".)
    assert len({pids["os-exit"], pids["hang"], pids["segfault"]}) == 3, "a slot that died is replaced"


def test_runs_sent_ahead_to_a_slot_that_dies_go_back_unspent_and_each_run_executes_once(project):
    script = textwrap.dedent(
        """
        import os, time
        import labbook

        def act(ctx, config):
            with open("executions.log", "a") as log:
                log.write(f"{config.i}\\n")
            if config.i == 60:  # once the engine knows runs are short and sends them ahead
                time.sleep(0.05)  # its slot, the least busy, is sent runs meanwhile
                os._exit(4)  # takes its slot down, with the runs sent ahead to it
            return config.i

        labbook.run(act, {"parameters": {"i": list(range(80))}}, workers=2, experiment="ahead")
        """
    )
    run_python(script, cwd=project)
    runs = {r["params"]["i"]: r for r in labbook_json(project, "ls", "-e", "ahead")}
    assert runs[60]["state"] == "FAILED"
    assert all(r["state"] == "COMPLETED" and r["result"] == i and r["attempt"] == 1 for i, r in runs.items() if i != 60)
    executions = (project / "executions.log").read_text().split()
    assert sorted(map(int, executions)) == list(range(80)), "each run executed exactly once"
    (given_back,) = query_store(project, "SELECT count(*) FROM run_events WHERE reason = 'not started'")[0]
    assert given_back > 0, "runs waited in the slot that died and went back to the queue"


def test_a_run_in_a_slot_gets_its_answers_while_runs_wait_behind_it(project):
    script = textwrap.dedent(
        """
        import labbook

        def ask(ctx, config):
            before = ctx.checkpoint_exists()
            ctx.checkpoint({"i": config.i})
            return [before, ctx.checkpoint_exists(), ctx.restore()["i"]]

        labbook.run(ask, {"parameters": {"i": list(range(60))}}, workers=2, experiment="answers")
        """
    )
    run_python(script, cwd=project)
    runs = labbook_json(project, "ls", "-e", "answers")
    assert sorted((r["state"], r["result"]) for r in runs) == [("COMPLETED", [False, True, i]) for i in range(60)]


def test_a_long_run_in_a_slot_has_its_cpu_and_memory_sampled(project):
    script = textwrap.dedent(
        """
        import time
        import labbook

        def long(ctx, config):
            time.sleep(4.6)  # sampling starts after 2 s and reports every 2 s

        labbook.run(long, {"parameters": {"x": [1]}}, workers=1, experiment="long")
        """
    )
    run_python(script, cwd=project)
    keys = {key for (key,) in query_store(project, "SELECT key FROM metric_summaries")}
    assert {"sys.cpu_percent", "sys.rss_mb"} <= keys, keys


def test_a_long_run_after_short_ones_in_the_same_slot_is_sampled_and_they_are_not(project):
    script = textwrap.dedent(
        """
        import time
        import labbook

        def run(ctx, config):
            if config.x == 3:
                time.sleep(4.6)

        labbook.run(run, {"parameters": {"x": [0, 1, 2, 3]}}, workers=1, experiment="mixed")
        """
    )
    run_python(script, cwd=project)
    sampled = query_store(project, "SELECT DISTINCT r.params FROM metric_summaries m JOIN runs r ON r.id = m.run_id WHERE m.key LIKE 'sys.%'")
    assert sampled == [('{"x":3}',)], sampled


def test_a_run_that_writes_nothing_gets_no_run_directory_and_one_that_prints_keeps_its_output(project):
    script = textwrap.dedent(
        """
        import sys
        import labbook

        def maybe_print(ctx, config):
            if config.i % 2:
                print("out", config.i)
                print("err", config.i, file=sys.stderr)
            if config.i == 3:
                (ctx.run_dir / "note.txt").write_text("kept")

        labbook.run(maybe_print, {"parameters": {"i": [0, 1, 2, 3]}}, workers=2, experiment="quiet")
        """
    )
    run_python(script, cwd=project)
    runs = {r["params"]["i"]: r["id"] for r in labbook_json(project, "ls", "-e", "quiet")}
    run_dir = lambda i: project / ".labbook" / "runs" / str(runs[i])  # noqa: E731
    assert not run_dir(0).exists() and not run_dir(2).exists()
    assert (run_dir(1) / "stdout.log").read_text() == "out 1\n"
    assert (run_dir(3) / "stderr.log").read_text() == "err 3\n"
    assert (run_dir(3) / "note.txt").read_text() == "kept", "ctx.run_dir is made when the run asks for it"
    logs = subprocess.run([str(LABBOOK_BIN), "logs", str(runs[0])], cwd=project, capture_output=True, text=True)
    assert (logs.returncode, logs.stdout) == (0, "")


def test_labbook_logs_shows_a_driver_runs_output_while_it_runs(project):
    script = textwrap.dedent(
        """
        import os, time
        import labbook

        def slow(ctx, config):
            print("epoch 1", flush=True)
            while not os.path.exists("go"):
                time.sleep(0.01)

        labbook.run(slow, {"parameters": {"x": [1]}}, workers=1, experiment="live")
        """
    )
    driver = subprocess.Popen([sys.executable, "-c", script], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):  # polls; not a timing assertion
            logs = subprocess.run([str(LABBOOK_BIN), "logs", "1"], cwd=project, capture_output=True, text=True)
            if logs.stdout:
                break
            time.sleep(0.05)
        assert logs.stdout == "stdout| epoch 1\n", "the run's output must be in its log while it runs"
    finally:
        (project / "go").touch()
        assert driver.wait(timeout=120) == 0
