"""A driver's slots under Ctrl-C and SIGKILL, with real signals to the driver's process group
(as a terminal sends them): runs finish or go back to the queue, no slot is left behind, and
running the script again finishes the grid without redoing what completed."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from helpers import labbook_json

SCRIPT = textwrap.dedent(
    """
    import os, time
    import labbook

    def slow(ctx, config):
        print("pid", os.getpid(), flush=True)
        time.sleep(float(os.environ.get("LATER_RUNS_SLEEP", "0.3")) if config.i >= 4 else 0.3)
        return config.i

    try:
        results = labbook.run(slow, {"parameters": {"i": list(range(16))}}, workers=2, experiment="slow")
        print("done", sum(r.ok for r in results), sum(r.was_cached for r in results), flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    """
)


def states(project):
    runs = labbook_json(project, "ls", "-e", "slow")
    return {state: sorted(r["id"] for r in runs if r["state"] == state) for state in {r["state"] for r in runs}}


def start_driver(project, **env):
    (project / "slow.py").write_text(SCRIPT)
    driver = subprocess.Popen(
        [sys.executable, "slow.py"], cwd=project, env={**os.environ, **env}, start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    while len(states(project).get("COMPLETED", [])) < 4:
        assert driver.poll() is None, "the driver ended before it could be interrupted"
        time.sleep(0.1)
    return driver


def slot_pids(project):
    logs = (project / ".labbook" / "runs").glob("*/stdout.log")
    return {int(line.split()[1]) for log in logs for line in log.read_text().splitlines() if line.startswith("pid ")}


def assert_gone(pids):
    for _ in range(500):
        alive = {pid for pid in pids if _running(pid)}
        if not alive:
            return
        time.sleep(0.02)
    raise AssertionError(f"slot processes still running: {alive}")


def _running(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def finish_and_check(project, before):
    done = subprocess.run([sys.executable, "slow.py"], cwd=project, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"done 16 {len(before)}", "completed runs come from the cache"
    assert states(project) == {"COMPLETED": list(range(1, 17))}


def test_ctrl_c_lets_running_runs_finish_and_a_second_drive_completes_the_rest(project):
    driver = start_driver(project)
    os.killpg(driver.pid, signal.SIGINT)
    out, _ = driver.communicate(timeout=120)
    assert out.splitlines()[-1] == "interrupted"
    after = states(project)
    assert "RUNNING" not in after and "FAILED" not in after, after
    assert 4 <= len(after["COMPLETED"]) < 16 and after.get("PENDING"), after
    assert_gone(slot_pids(project))
    finish_and_check(project, after["COMPLETED"])


def test_sigkill_of_the_driver_and_its_engine_leaves_no_slot_behind(project):
    # Slots lead process groups of their own: killing the driver's group does not reach them,
    # their fork server's death does. (Resuming after a SIGKILL waits for the dead engine's
    # leases to expire; tests/test_sklearn_example.py covers it.)
    driver = start_driver(project, LATER_RUNS_SLEEP="60")
    while len(states(project).get("RUNNING", [])) < 2:
        time.sleep(0.05)
    os.killpg(driver.pid, signal.SIGKILL)
    driver.wait(timeout=120)  # not its stdout's end: a slot left behind would still hold it
    driver.stdout.close()
    assert_gone(slot_pids(project))
