"""The fork server and its slots, with real processes: the test speaks the slot protocol as
the engine does (src/runner/driver-executor.ts): connect, read ``!slot {pid, stdout, stderr}``,
send one JSON line per run, read the run's protocol lines up to ``!end <status>``, and move a
dead slot's output files to the run's logs."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from labbook._forkserver import ForkServer

WARM = {"imported_once": os.getpid()}


def handler(env):
    action = env.get("ACTION", "ok")
    if action == "ok":
        print(f"run {env['LABBOOK_RUN_ID']} in {os.getcwd()} forked from {WARM['imported_once']} as {os.getpid()}", flush=True)
        print("to stderr", file=sys.stderr, flush=True)
        return 0
    if action == "exit":
        return int(env["CODE"])
    if action == "env":
        os.write(int(env["LABBOOK_CHANNEL_FD"]), b'{"type":"log","message":"hello"}\n')
        print(json.dumps({k: v for k, v in os.environ.items() if k.startswith("LABBOOK_")}), flush=True)
        return 0
    if action == "print-then-wait":
        print("started", flush=True)
        while not os.path.exists(env["GO"]):
            time.sleep(0.01)
        return 0
    if action == "native-then-python":
        os.write(1, b"below python\n")
        print("from python", flush=True)
        os.write(1, b"below python again\n")
        os.write(2, b"only below python\n")
        return 0
    if action == "leave-a-writer-behind":
        subprocess.Popen(["sh", "-c", "sleep 0.2; echo late"])
        return 0
    if action == "leave-a-thread-behind":
        threading.Thread(target=lambda: (time.sleep(0.2), os.write(1, b"late thread\n"), os.write(2, b"late error\n"))).start()
        return 0
    if action == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    if action == "wait":
        time.sleep(60)
    raise RuntimeError(f"unknown action {action}")


@pytest.fixture
def server():
    with ForkServer(handler) as started:
        yield started


class Engine:
    """The engine's end of one slot connection."""

    def __init__(self, server):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(str(server.path))
        self.file = self.sock.makefile("rb")
        word, _, hello = self.file.readline().partition(b" ")
        assert word == b"!slot"
        hello = json.loads(hello)
        self.pid = hello["pid"]
        self.outputs = {name: hello[name] for name in ("stdout", "stderr")}

    def run(self, run_dir, run_id=1, cwd=None, **env):
        """Sends a run and returns (its protocol lines, its exit status or None if the slot died)."""
        message = {"env": {"LABBOOK_RUN_ID": str(run_id), "LABBOOK_RUN_DIR": str(run_dir), **env}, "cwd": str(cwd or run_dir.parent)}
        self.sock.sendall(json.dumps(message).encode() + b"\n")
        lines = []
        while True:
            line = self.readline()
            if not line:
                self.move_outputs(run_dir)
                return lines, None
            if line.startswith(b"!end "):
                return lines, int(line.split()[1])
            lines.append(line)

    def move_outputs(self, run_dir):
        for name, path in self.outputs.items():
            with open(path, "rb") as f:
                written = f.read()
            if written:
                run_dir.mkdir(parents=True, exist_ok=True)
                with open(run_dir / f"{name}.log", "ab") as log:
                    log.write(written)
            os.unlink(path)

    def readline(self):
        """The slot's next line; b"" once the slot is gone (a reset when it died with unread input)."""
        try:
            return self.file.readline()
        except ConnectionResetError:
            return b""

    def close(self):
        self.file.close()
        self.sock.close()


@pytest.fixture
def engine(server):
    connected = Engine(server)
    yield connected
    connected.close()


def test_a_slot_runs_in_a_forked_process_with_its_output_in_the_run_directory(engine, tmp_path):
    lines, status = engine.run(tmp_path / "run-7", run_id=7, cwd=tmp_path)
    assert status == 0 and lines == []
    stdout = (tmp_path / "run-7" / "stdout.log").read_text()
    assert stdout == f"run 7 in {tmp_path} forked from {os.getpid()} as {engine.pid}\n"
    assert (tmp_path / "run-7" / "stderr.log").read_text() == "to stderr\n"
    assert engine.pid != os.getpid()


def test_a_run_that_writes_nothing_gets_no_directory_and_the_slots_files_are_emptied_between_runs(engine, tmp_path):
    assert engine.run(tmp_path / "quiet", ACTION="exit", CODE="0")[1] == 0
    assert not (tmp_path / "quiet").exists()
    assert all(os.path.getsize(path) == 0 for path in engine.outputs.values())
    assert engine.run(tmp_path / "loud")[1] == 0
    assert engine.run(tmp_path / "loud")[1] == 0
    assert (tmp_path / "loud" / "stderr.log").read_text() == "to stderr\n" * 2, "a run's logs are appended to, never replaced"
    assert all(os.path.getsize(path) == 0 for path in engine.outputs.values())


def test_a_runs_output_reaches_its_log_while_it_runs(engine, tmp_path):
    run_dir, go = tmp_path / "r", tmp_path / "go"
    message = {"env": {"LABBOOK_RUN_ID": "1", "LABBOOK_RUN_DIR": str(run_dir), "ACTION": "print-then-wait", "GO": str(go)}}
    engine.sock.sendall(json.dumps(message).encode() + b"\n")
    for _ in range(1500):  # polls; not a timing assertion
        if (run_dir / "stdout.log").exists() and (run_dir / "stdout.log").read_text() == "started\n":
            break
        time.sleep(0.02)
    assert (run_dir / "stdout.log").read_text() == "started\n", "labbook logs -f would see nothing until the run ends"
    go.touch()
    assert engine.readline() == b"!end 0\n"


def test_output_written_below_python_keeps_its_order_with_pythons(engine, tmp_path):
    assert engine.run(tmp_path / "r", ACTION="native-then-python")[1] == 0
    assert (tmp_path / "r" / "stdout.log").read_text() == "below python\nfrom python\nbelow python again\n"
    assert (tmp_path / "r" / "stderr.log").read_text() == "only below python\n", "moved when the run ended"


@pytest.mark.parametrize(
    ("action", "logs"),
    [
        ("leave-a-writer-behind", {"stdout": "late\n"}),
        # Written between runs, on the slot's own descriptors: to its files, not the driver's terminal.
        ("leave-a-thread-behind", {"stdout": "late thread\n", "stderr": "late error\n"}),
    ],
)
def test_what_a_process_or_thread_left_behind_by_a_run_writes_later_goes_to_that_runs_log(engine, tmp_path, action, logs):
    assert engine.run(tmp_path / "first", ACTION=action)[1] == 0
    written_last = list(logs)[-1]
    for _ in range(1500):  # polls until the straggler wrote; not a timing assertion
        if os.path.getsize(engine.outputs[written_last]) > 0:
            break
        time.sleep(0.02)
    assert engine.run(tmp_path / "second", ACTION="exit", CODE="0")[1] == 0
    assert {name: (tmp_path / "first" / f"{name}.log").read_text() for name in logs} == logs
    assert not (tmp_path / "second").exists()


def test_a_slot_removes_its_output_files_when_the_engine_is_done_with_it(server, tmp_path):
    slot = Engine(server)
    assert slot.run(tmp_path / "r")[1] == 0
    slot.close()
    assert wait_until_gone(slot.pid)
    assert not any(os.path.exists(path) for path in slot.outputs.values())


def test_a_slot_executes_run_after_run_in_one_process(engine, tmp_path):
    for run_id in (1, 2, 3):
        _, status = engine.run(tmp_path / str(run_id), run_id=run_id)
        assert status == 0
    pids = {(tmp_path / str(i) / "stdout.log").read_text().split()[-1] for i in (1, 2, 3)}
    assert pids == {str(engine.pid)}


@pytest.mark.parametrize("code", [0, 1, 3])
def test_the_run_ends_with_the_handlers_status_and_the_slot_goes_on(engine, tmp_path, code):
    assert engine.run(tmp_path / "a", ACTION="exit", CODE=str(code))[1] == code
    assert engine.run(tmp_path / "b")[1] == 0


def test_the_run_speaks_the_protocol_on_the_connection_and_gets_its_variables(engine, tmp_path):
    lines, status = engine.run(tmp_path / "r", run_id=9, ACTION="env", LABBOOK_PARAMS='{"lr": 0.1}')
    assert status == 0
    assert lines == [b'{"type":"log","message":"hello"}\n']
    seen = json.loads((tmp_path / "r" / "stdout.log").read_text())
    assert seen["LABBOOK_RUN_ID"] == "9" and seen["LABBOOK_PARAMS"] == '{"lr": 0.1}'
    assert "LABBOOK_CHANNEL_FD" not in seen, "the connection is not inherited: its number must not reach subprocesses"


def test_a_run_that_crashes_its_slot_closes_the_connection_and_leaves_its_traceback(engine, tmp_path):
    assert engine.run(tmp_path / "r", ACTION="crash")[1] is None
    assert wait_until_gone(engine.pid)
    stderr = (tmp_path / "r" / "stderr.log").read_text()
    assert "Segmentation fault" in stderr and "in handler" in stderr


def test_slots_of_parallel_connections_are_separate_processes(server):
    engines = [Engine(server) for _ in range(3)]
    pids = {e.pid for e in engines}
    assert len(pids) == 3 and os.getpid() not in pids
    for e in engines:
        e.close()
    assert all(wait_until_gone(pid) for pid in pids), "a slot must end when the engine closes its connection"


def test_killing_a_slots_group_stops_its_run(engine, tmp_path):
    run_dir = tmp_path / "r"
    run_dir.mkdir()
    engine.sock.sendall(json.dumps({"env": {"LABBOOK_RUN_ID": "1", "LABBOOK_RUN_DIR": str(run_dir), "ACTION": "wait"}}).encode() + b"\n")
    os.killpg(engine.pid, signal.SIGKILL)  # what the engine does on a timeout
    assert engine.readline() == b""
    assert wait_until_gone(engine.pid)


def test_stopping_the_server_kills_slots_still_running(tmp_path):
    server = ForkServer(handler)
    server.start()
    engine = Engine(server)
    (tmp_path / "r").mkdir()
    engine.sock.sendall(json.dumps({"env": {"LABBOOK_RUN_ID": "1", "LABBOOK_RUN_DIR": str(tmp_path / "r"), "ACTION": "wait"}}).encode() + b"\n")
    server.stop()
    assert wait_until_gone(engine.pid)
    engine.close()


def test_a_server_whose_driver_is_killed_stops_with_its_slots_once_the_engine_is_done(tmp_path):
    driver = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from labbook._forkserver import ForkServer; "
         "s = ForkServer(lambda env: 0); s.start(); print(s.pid, s.path, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    server_pid, path = driver.stdout.readline().split()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(path)
    slot_pid = json.loads(sock.makefile("rb").readline().partition(b" ")[2])["pid"]
    driver.kill()
    driver.wait(timeout=30)
    driver.stdout.close()
    # The engine stops the session of a driver that is gone, and closes the slots' connections.
    sock.close()
    assert wait_until_gone(int(server_pid)), "the fork server outlived its driver and its engine's connections"
    assert wait_until_gone(slot_pid), "a slot outlived its driver"


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
