"""The fork server and the per-run stub, with real processes: the stub hands its descriptors
and environment to a child forked from the warm driver, and mirrors how that child ends."""

import os
import signal
import subprocess
import sys
import time

import pytest

from labbook._engine import stub_command
from labbook._forkserver import ForkServer

WARM = {"imported_once": os.getpid()}


def handler(env):
    action = env.get("ACTION", "ok")
    if action == "ok":
        print(f"run {env['RUN']} in {os.getcwd()} forked from {WARM['imported_once']}", flush=True)
        return 0
    if action == "exit":
        return int(env["CODE"])
    if action == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if action == "wait":
        print(f"pid {os.getpid()}", flush=True)
        time.sleep(60)
    if action == "terminate":
        signal.signal(signal.SIGTERM, lambda *_: (print("got SIGTERM", flush=True), os._exit(42)))
        print(f"pid {os.getpid()}", flush=True)
        time.sleep(60)
    raise RuntimeError(f"unknown action {action}")


@pytest.fixture
def server():
    with ForkServer(handler) as started:
        yield started


def start_stub(server, tmp_path, **env):
    return subprocess.Popen(
        stub_command(),
        cwd=tmp_path,
        env={**os.environ, **server.env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_run_gets_the_stubs_stdout_cwd_and_environment(server, tmp_path):
    stub = start_stub(server, tmp_path, RUN="7")
    out, _ = stub.communicate(timeout=30)
    assert stub.returncode == 0
    assert out.strip() == f"run 7 in {tmp_path} forked from {os.getpid()}"


@pytest.mark.parametrize("code", [1, 3, 17])
def test_the_stub_exits_with_the_runs_status(server, tmp_path, code):
    stub = start_stub(server, tmp_path, ACTION="exit", CODE=str(code))
    stub.communicate(timeout=30)
    assert stub.returncode == code


def test_a_run_killed_by_a_signal_kills_the_stub_with_the_same_signal(server, tmp_path):
    stub = start_stub(server, tmp_path, ACTION="crash")
    stub.communicate(timeout=30)
    assert stub.returncode == -signal.SIGSEGV


def test_an_exception_in_the_handler_fails_the_run_with_its_traceback(server, tmp_path):
    stub = start_stub(server, tmp_path, ACTION="nonsense")
    _, err = stub.communicate(timeout=30)
    assert stub.returncode != 0
    assert "RuntimeError: unknown action nonsense" in err


def test_sigterm_to_the_stub_reaches_the_run(server, tmp_path):
    stub = start_stub(server, tmp_path, ACTION="terminate")
    assert stub.stdout.readline().startswith("pid ")
    stub.send_signal(signal.SIGTERM)
    out, _ = stub.communicate(timeout=30)
    assert "got SIGTERM" in out
    assert stub.returncode == 42


def test_killing_the_stub_with_sigkill_kills_the_run(server, tmp_path):
    stub = start_stub(server, tmp_path, ACTION="wait")
    run_pid = int(stub.stdout.readline().split()[1])
    stub.kill()
    stub.wait(timeout=30)
    assert wait_until_gone(run_pid)
    stub.stdout.close()
    stub.stderr.close()


def test_runs_in_parallel_are_separate_processes(server, tmp_path):
    stubs = [start_stub(server, tmp_path, ACTION="wait") for _ in range(3)]
    pids = {int(s.stdout.readline().split()[1]) for s in stubs}
    assert len(pids) == 3 and os.getpid() not in pids
    for stub in stubs:
        stub.kill()
        stub.wait(timeout=30)
        stub.stdout.close()
        stub.stderr.close()
    assert all(wait_until_gone(pid) for pid in pids)


def test_stopping_the_server_kills_runs_still_going(tmp_path):
    server = ForkServer(handler)
    server.start()
    stub = start_stub(server, tmp_path, ACTION="wait")
    run_pid = int(stub.stdout.readline().split()[1])
    server.stop()
    assert wait_until_gone(run_pid)
    stub.communicate(timeout=30)
    assert stub.returncode != 0


def test_a_server_whose_driver_is_killed_stops_with_its_runs(tmp_path):
    driver = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from labbook._forkserver import ForkServer; "
         "s = ForkServer(lambda env: 0); s.start(); print(s.pid, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    server_pid = int(driver.stdout.readline())
    driver.kill()
    driver.wait(timeout=30)
    driver.stdout.close()
    assert wait_until_gone(server_pid), "the fork server outlived its driver"


def test_without_a_server_the_stub_explains_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LABBOOK_PY_SERVER"}
    done = subprocess.run(stub_command(), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "run the same Python script again" in done.stderr


def test_the_stub_imports_nothing_but_builtins():
    done = subprocess.run(
        [sys.executable, "-S", "-I", "-X", "importtime", stub_command()[-1]],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
    )
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert not imported & {"socket", "signal", "json", "selectors", "labbook"}


def wait_until_gone(pid, attempts=1500):
    """True once `pid` is gone or a zombie (polls; not a timing assertion)."""
    for _ in range(attempts):
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except (FileNotFoundError, ProcessLookupError):
            # Gone before the open, or between the open and the read (the kernel answers ESRCH).
            return True
        time.sleep(0.02)
    return False
