"""A slot: one persistent process of a Python driver, forked by its fork server for one
connection of the engine, executing the runs the engine sends it one after another.

The wire format (the engine's side is src/runner/driver-executor.ts):

- the slot says ``!slot {"pid": …, "stdout": path, "stderr": path}`` once (the pid leads its
  own process group; the paths are its output files, below);
- the engine sends one JSON line per run: ``{"env": {LABBOOK_* variables}, "cwd": dir}``;
  while runs are short it sends several ahead, and the slot begins each as soon as the one
  before ends;
- the run speaks the fd-3 protocol of docs/protocol.md on the same connection (its lines
  never start with ``!``), and the slot ends it with ``!end <exit status>``;
- ``{"skip": run id}`` takes back a run sent ahead: if the slot has not begun it, it answers
  ``!skip`` in its place (the engine gives the run back to the queue);
- end of file from the engine ends the slot.

A run's stdout and stderr end up in ``stdout.log`` and ``stderr.log`` in its run directory,
as a command's do, but those files (and the directory) are made only when the run writes
something: creating a directory and two files per run would cost more than a short run, and
most short runs print nothing. A run's descriptors 1 and 2 start on two files of the slot;
the first write through ``sys.stdout`` / ``sys.stderr`` makes the run's log and points the
descriptor at it (so ``labbook logs -f`` follows the run as it goes), and whatever reached the
slot's file before (written below Python) is appended to the run's log when the run ends. A
run that takes its process down (``os._exit``, a crash, a timeout's kill) closes the
connection: the engine moves what the slot's files hold to the run's logs, fails that run, and
opens a new slot for the next one.
"""

from __future__ import annotations

import collections
import faulthandler
import io
import json
import os
import select
import socket
import sys
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Set

from ._channel import hold_last_lines, read_through, take_last_lines

__all__ = ["Slot", "RunHandler", "ExitListener", "slot_output"]

# Called in a slot with a run's environment; returns the run's exit status.
RunHandler = Callable[[Mapping[str, str]], int]
# Told in the slot how each run ended (its environment, its exit status).
ExitListener = Callable[[Mapping[str, str], int], None]

_LINE_LIMIT = 1 << 24


def slot_output(directory: str, pid: int, name: str) -> str:
    """The file of the slot `pid` that its runs' `name` (stdout, stderr) goes to until they write."""
    return os.path.join(directory, f"slot-{pid}.{name}")


class Slot:
    def __init__(
        self,
        conn: socket.socket,
        handler: RunHandler,
        on_exit: Optional[ExitListener],
        output_dir: str,
    ) -> None:
        self.conn = conn
        self.handler = handler
        self.on_exit = on_exit
        # Where its output files go (the fork server's directory, removed with it).
        self.output_dir = output_dir
        self._inbox = b""
        # Runs sent ahead, in order; the ids of those the engine took back; the engine's
        # answers to the current run's requests (its channel reads them, see read_through).
        self._waiting: Deque[Dict[str, Any]] = collections.deque()
        self._skipped: Set[str] = set()
        self._answers: List[bytes] = []
        self._closed = False
        # Whether the engine sent something since the slot last read (polled before each run).
        self._sent = select.poll()
        self._sent.register(conn, select.POLLIN)
        # The LABBOOK_* variables the slot set in os.environ for the run before.
        self._variables: Dict[str, str] = {}

    def serve(self) -> None:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.close(devnull)
        self.outputs = [
            _SlotOutput(slot_output(self.output_dir, os.getpid(), name), name, target)
            for target, name in ((1, "stdout"), (2, "stderr"))
        ]
        try:
            self._serve_runs()
        finally:
            for output in self.outputs:
                output.remove()

    def _serve_runs(self) -> None:
        _reopen_std_streams(*self.outputs)
        # A crash in native code (a segfault in an extension) leaves its Python traceback in
        # the run's stderr.log, where the engine takes the run's error from.
        faulthandler.enable(file=sys.stderr)
        read_through(self.conn.fileno(), self._answers_for_run)
        hold_last_lines(self.conn.fileno())
        hello = {"pid": os.getpid(), **{output.name: output.path for output in self.outputs}}
        self.conn.sendall(f"!slot {json.dumps(hello)}\n".encode())
        while True:
            message = self._next_run()
            if message is None:
                return
            variables = message["env"]
            if variables["LABBOOK_RUN_ID"] in self._skipped:
                self._skipped.discard(variables["LABBOOK_RUN_ID"])
                self.conn.sendall(b"!skip\n")
                continue
            self._answers.clear()  # late answers to the run before (nobody waits for them)
            code = self._run(variables, message.get("cwd"))
            if self.on_exit is not None:
                self.on_exit(variables, code)
            self.conn.sendall(take_last_lines(self.conn.fileno()) + f"!end {code}\n".encode())

    def _run(self, variables: Mapping[str, str], cwd: Optional[str]) -> int:
        _flush_std_streams()
        for output in self.outputs:
            output.begin(variables["LABBOOK_RUN_DIR"])
        try:
            if cwd:
                os.chdir(cwd)
            # The run's variables, as a command gets them: those that changed since the run
            # before (most stay the same, and each costs a putenv; comparing with os.environ
            # would cost an encoding and a decoding each). The channel is this connection,
            # which its subprocesses do not inherit, so its number stays out of os.environ.
            changed = {k: v for k, v in variables.items() if self._variables.get(k) != v}
            os.environ.update(changed)
            self._variables.update(changed)
            return self.handler({**variables, "LABBOOK_CHANNEL_FD": str(self.conn.fileno())})
        except BaseException:  # noqa: BLE001 - the handler's own failure is this run's, not the slot's
            import traceback

            traceback.print_exc()
            return 70
        finally:
            _flush_std_streams()
            for output in self.outputs:
                output.end()

    def _next_run(self) -> Optional[Dict[str, Any]]:
        """The next run to begin, after reading what the engine sent meanwhile (it may have
        taken back a run sent ahead); None once the engine ended the connection."""
        while not self._waiting and not self._closed:
            self._receive(block=True)
        if not self._closed and self._sent.poll(0):
            self._receive(block=False)
        return None if self._closed else self._waiting.popleft()

    def _receive(self, block: bool) -> None:
        try:
            chunk = self.conn.recv(1 << 16, 0 if block else socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        if not chunk:
            self._closed = True
            return
        self._inbox += chunk
        *lines, self._inbox = self._inbox.split(b"\n")
        if len(self._inbox) > _LINE_LIMIT:
            raise ValueError("a run message longer than 16 MiB")
        for line in lines:
            if line.startswith(b'{"id":'):
                self._answers.append(line + b"\n")
                continue
            message = json.loads(line)
            if "skip" not in message:
                self._waiting.append(message)
            elif any(run["env"]["LABBOOK_RUN_ID"] == str(message["skip"]) for run in self._waiting):
                self._skipped.add(str(message["skip"]))

    def _answers_for_run(self) -> bytes:
        """What the current run's channel reads: the engine's answers (runs sent ahead
        meanwhile wait for their turn); b"" once the engine ended the connection."""
        while not self._answers and not self._closed:
            self._receive(block=True)
        answers = b"".join(self._answers)
        self._answers.clear()
        return answers


class _SlotOutput:
    """Where a slot's descriptor 1 or 2 points: a file of the slot, and from a run's first
    write through sys.stdout / sys.stderr on until the run ends, the run's own log. What
    reaches the slot's file between runs (a thread the run before left behind) goes to the
    log of the run before when the next begins."""

    def __init__(self, path: str, name: str, target: int) -> None:
        self.path = path
        self.name = name
        self.target = target
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        os.dup2(self.fd, target)
        self.run_dir: Optional[str] = None
        self.promoted = False
        # The run before: what a process it left behind writes to the file afterwards is its.
        self.last_run_dir: Optional[str] = None

    def begin(self, run_dir: str) -> None:
        if self.last_run_dir is not None:
            self._move_to_log(self.last_run_dir)
        self.run_dir = run_dir
        self.promoted = False

    def promote(self) -> None:
        """Points the descriptor at the run's log, after what the slot's file holds."""
        if self.run_dir is None or self.promoted:
            return
        self.promoted = True
        log = self._open_log(self.run_dir)
        try:
            self._move_into(log)
            os.dup2(log, self.target)
        finally:
            os.close(log)

    def end(self) -> None:
        """The run is over: the descriptor goes back to the slot's file, and what that holds
        (written below Python before the first Python-level write) to the run's log."""
        if self.promoted:
            os.dup2(self.fd, self.target)
        if self.run_dir is not None:
            self._move_to_log(self.run_dir)
        self.last_run_dir, self.run_dir = self.run_dir, None

    def remove(self) -> None:
        if self.last_run_dir is not None:
            self._move_to_log(self.last_run_dir)
        os.close(self.fd)
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def _move_to_log(self, run_dir: str) -> None:
        if os.fstat(self.fd).st_size == 0:
            return
        log = self._open_log(run_dir)
        try:
            self._move_into(log)
        finally:
            os.close(log)

    def _open_log(self, run_dir: str) -> int:
        os.makedirs(run_dir, exist_ok=True)
        return os.open(os.path.join(run_dir, f"{self.name}.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def _move_into(self, log: int) -> None:
        size = os.fstat(self.fd).st_size
        offset = 0
        while offset < size:
            chunk = os.pread(self.fd, min(size - offset, 1 << 20), offset)
            if not chunk:
                break
            offset += os.write(log, chunk)
        if size:
            os.ftruncate(self.fd, 0)


class _SlotStream(io.RawIOBase):
    """The descriptor under a slot's sys.stdout or sys.stderr: a run's first write makes its log."""

    def __init__(self, output: _SlotOutput) -> None:
        super().__init__()
        self.output = output

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.output.target

    def isatty(self) -> bool:
        return os.isatty(self.output.target)

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self.output.promote()
        return os.write(self.output.target, data)


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: BLE001 - a stream the run closed or replaced must not stop the slot
            pass


def _reopen_std_streams(stdout: _SlotOutput, stderr: _SlotOutput) -> None:
    """sys.stdin/stdout/stderr on descriptors 0-2 (the driver's may be replaced objects,
    e.g. under pytest or Jupyter); stdout and stderr make a run's logs on first write."""
    sys.stdin = sys.__stdin__ = open(0, "r", closefd=False)  # type: ignore[assignment]
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.BufferedWriter(_SlotStream(stdout)))  # type: ignore[assignment]
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(  # type: ignore[assignment]
        io.BufferedWriter(_SlotStream(stderr)), errors="backslashreplace", line_buffering=True
    )
