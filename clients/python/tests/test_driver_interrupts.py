"""A driver's slots under Ctrl-C and SIGKILL, with real signals to the driver's process group
(as a terminal sends them) or to the driver alone (``kill -INT PID``): labbook.run raises
KeyboardInterrupt, runs finish or go back to the queue, no slot is left behind, and running
the script again finishes the grid without redoing what completed."""

import os
import select
import signal
import subprocess
import sys
import textwrap
import time

import pytest

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


def start_driver(project, sigint_ignored=False, **env):
    """The script in a session of its own; `sigint_ignored` starts it as a shell starts a
    background job (``python slow.py &`` in a script): with SIGINT ignored."""
    (project / "slow.py").write_text(SCRIPT)
    argv = ["sh", "-c", f"trap '' INT; exec {sys.executable} slow.py"] if sigint_ignored else [sys.executable, "slow.py"]
    driver = subprocess.Popen(argv, cwd=project, env={**os.environ, **env}, start_new_session=True, stdout=subprocess.PIPE, text=True)
    while len(states(project).get("COMPLETED", [])) < 4:
        assert driver.poll() is None, "the driver ended before it could be interrupted"
        time.sleep(0.1)
    return driver


def slot_pids(project):
    logs = (project / ".labbook" / "runs").glob("*/stdout.log")
    return {int(line.split()[1]) for log in logs for line in log.read_text().splitlines() if line.startswith("pid ")}


def begun_runs(project):
    """The runs whose function began (it prints first, which makes the run's stdout.log)."""
    return sorted(int(log.parent.name) for log in (project / ".labbook" / "runs").glob("*/stdout.log"))


def assert_gone(pids):
    for _ in range(500):
        alive = {pid for pid in pids if _running(pid)}
        if not alive:
            return
        time.sleep(0.02)
    raise AssertionError(f"slot processes still running: {alive}")


def assert_closed(stream, timeout=120):
    """Reads `stream` until its end: every process that holds it has ended."""
    deadline = time.monotonic() + timeout
    while select.select([stream], [], [], max(0, deadline - time.monotonic()))[0]:
        if not os.read(stream.fileno(), 1 << 16):
            return
    raise AssertionError(f"still open after {timeout} s")


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


@pytest.mark.parametrize("sigint_ignored", [False, True], ids=["sigint-default", "sigint-ignored"])
@pytest.mark.parametrize("send", [os.killpg, os.kill], ids=["to-group", "to-driver"])
def test_ctrl_c_raises_keyboard_interrupt_once_running_runs_finish_and_a_second_drive_completes_the_rest(project, send, sigint_ignored):
    # Later runs take long enough to be mid-way when the signal comes: one Ctrl-C lets them
    # finish (counted once, though the terminal sends it to the driver and its engine alike).
    driver = start_driver(project, sigint_ignored, LATER_RUNS_SLEEP="2")
    send(driver.pid, signal.SIGINT)
    out, _ = driver.communicate(timeout=120)
    assert out.splitlines()[-1] == "interrupted", "KeyboardInterrupt reached the script"
    after = states(project)
    assert "RUNNING" not in after and "FAILED" not in after, after
    assert 4 <= len(after["COMPLETED"]) < 16 and after.get("PENDING"), after
    assert set(begun_runs(project)) <= set(after["COMPLETED"]), "the runs under way finished"
    assert_gone(slot_pids(project))
    finish_and_check(project, after["COMPLETED"])


def test_ctrl_c_twice_stops_running_runs_and_puts_them_back_in_the_queue(project):
    driver = start_driver(project, LATER_RUNS_SLEEP="600")
    while not set(begun_runs(project)) - set(states(project)["COMPLETED"]):
        time.sleep(0.05)
    os.killpg(driver.pid, signal.SIGINT)
    time.sleep(0.5)
    os.killpg(driver.pid, signal.SIGINT)
    out, _ = driver.communicate(timeout=120)  # not the 600 s the running runs would take
    assert out.splitlines()[-1] == "interrupted"
    after = states(project)
    assert set(after) == {"COMPLETED", "PENDING"} and len(after["COMPLETED"]) + len(after["PENDING"]) == 16, after
    assert set(begun_runs(project)) - set(after["COMPLETED"]) <= set(after["PENDING"]), "stopped runs are back in the queue"
    assert_gone(slot_pids(project))


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


def test_sigkill_of_the_driver_alone_puts_its_runs_back_in_the_queue(project):
    # Its engine outlives it, with nothing left to execute the runs: it stops them and ends.
    driver = start_driver(project, LATER_RUNS_SLEEP="600")
    while not set(begun_runs(project)) - set(states(project)["COMPLETED"]):
        time.sleep(0.05)
    os.kill(driver.pid, signal.SIGKILL)
    driver.wait(timeout=120)
    assert_closed(driver.stdout)  # the engine and the slots, which hold it too, are gone
    after = states(project)
    assert set(after) == {"COMPLETED", "PENDING"} and len(after["COMPLETED"]) + len(after["PENDING"]) == 16, after
    assert_gone(slot_pids(project))
