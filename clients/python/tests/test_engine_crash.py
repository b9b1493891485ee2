"""The resident engine killed with SIGKILL in the middle of a sweep: the slots it was using
(and the runs they were executing) die with it, the driver goes on in a new engine, and the
sweep completes with every run COMPLETED exactly once."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from helpers import LABBOOK_BIN, labbook_json, query_store

SCRIPT = textwrap.dedent(
    """
    import os, time
    import labbook

    def run(ctx, config):
        with open(f"began-{config.i}", "a") as f:
            f.write(f"{os.getpid()} {ctx.attempt}\\n")
        if config.i >= 4 and ctx.attempt == 1:
            time.sleep(60)  # still running when the engine is killed
        while config.i >= 4 and not os.path.exists("go"):  # a second attempt waits for the test
            time.sleep(0.05)
        with open(f"ended-{config.i}", "a") as f:
            f.write(f"{os.getpid()}\\n")
        return config.i

    results = labbook.run(run, {"parameters": {"i": list(range(8))}}, workers=2, experiment="sweep")
    print("done", sum(r.ok for r in results), flush=True)
    """
)


def wait_for(condition, what, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.05)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def engine_pid(project):
    done = subprocess.run([str(LABBOOK_BIN), "engine", "status", "--json"], cwd=project, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["pid"]


def test_an_engine_killed_mid_sweep_takes_its_slots_along_and_the_sweep_completes_exactly_once(project):
    (project / "sweep.py").write_text(SCRIPT)
    driver = subprocess.Popen([sys.executable, "sweep.py"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (project / "began-4").exists() and (project / "began-5").exists(), "runs 4 and 5 to begin")
        in_flight = {int((project / f"began-{i}").read_text().split()[0]) for i in (4, 5)}
        first = engine_pid(project)
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: not any(alive(pid) for pid in in_flight), "the slots of the killed engine to die")
        wait_for(lambda: (project / "began-4").read_text().count("\n") == 2, "run 4 to begin again, in the new engine")
        (project / "go").touch()
        out, err = driver.communicate(timeout=120)
    finally:
        driver.kill()
    assert driver.returncode == 0, err
    assert out.strip() == "done 8"
    assert "the engine ended during the session; going on in a new one" in err
    assert engine_pid(project) != first
    for i in (4, 5):
        assert (project / f"ended-{i}").read_text().count("\n") == 1, "a killed run wrote nothing more"
    completions = query_store(project, "SELECT run_id, count(*) FROM run_events WHERE to_state = 'COMPLETED' GROUP BY run_id ORDER BY run_id")
    assert completions == [(run_id, 1) for run_id in range(1, 9)]
    assert {run["state"] for run in labbook_json(project, "ls")} == {"COMPLETED"}
