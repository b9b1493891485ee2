"""A slot: one persistent process of a Python driver, forked by its fork server for one
connection of the engine, executing the runs the engine sends it one after another.

The wire format (the engine's side is src/runner/driver-executor.ts):

- the slot says ``!slot {"pid": …, "stdout": path, "stderr": path}`` once (the pid leads its
  own process group; the paths are its output files, below);
- the engine sends one JSON line per run: ``{"env": {LABBOOK_* variables}, "cwd": dir}``;
- the run speaks the fd-3 protocol of docs/protocol.md on the same connection (its lines
  never start with ``!``), and the slot ends it with ``!end <exit status>``;
- end of file from the engine ends the slot.

A run's stdout and stderr end up in ``stdout.log`` and ``stderr.log`` in its run directory,
as a command's do, but only when it wrote something: while it runs they go to two files of
the slot, which are appended to the run's logs (its directory made then) and emptied when it
ends. Creating a directory and two files per run would cost more than a short run; most
short runs print nothing. A run that takes its process down (``os._exit``, a crash, a
timeout's kill) closes the connection: the engine moves what the slot files hold to the run's
logs, fails that run, and opens a new slot for the next one.
"""

from __future__ import annotations

import faulthandler
import json
import os
import socket
import sys
import tempfile
from typing import Callable, Mapping, Optional

__all__ = ["Slot", "RunHandler", "ExitListener"]

# Called in a slot with a run's environment; returns the run's exit status.
RunHandler = Callable[[Mapping[str, str]], int]
# Told in the slot how each run ended (its environment, its exit status).
ExitListener = Callable[[Mapping[str, str], int], None]

_LINE_LIMIT = 1 << 24


class Slot:
    def __init__(
        self,
        conn: socket.socket,
        handler: RunHandler,
        on_exit: Optional[ExitListener] = None,
        output_dir: Optional[str] = None,
    ) -> None:
        self.conn = conn
        self.handler = handler
        self.on_exit = on_exit
        self.output_dir = output_dir or tempfile.gettempdir()
        self._inbox = b""

    def serve(self) -> None:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.close(devnull)
        # Between runs, output goes where the driver's goes (its terminal).
        self.console = (os.dup(1), os.dup(2))
        self.outputs = [
            _SlotOutput(os.path.join(self.output_dir, f"slot-{os.getpid()}.{name}"), name) for name in ("stdout", "stderr")
        ]
        try:
            self._serve_runs()
        finally:
            for output in self.outputs:
                output.remove()

    def _serve_runs(self) -> None:
        _reopen_std_streams()
        # A crash in native code (a segfault in an extension) leaves its Python traceback in
        # the run's stderr.log, where the engine takes the run's error from.
        faulthandler.enable(file=sys.stderr)
        hello = {"pid": os.getpid(), **{output.name: output.path for output in self.outputs}}
        self.conn.sendall(f"!slot {json.dumps(hello)}\n".encode())
        while True:
            line = self._read_line()
            if line is None:
                return
            message = json.loads(line)
            env = {**message["env"], "LABBOOK_CHANNEL_FD": str(self.conn.fileno())}
            code = self._run(env, message.get("cwd"))
            if self.on_exit is not None:
                self.on_exit(env, code)
            self.conn.sendall(f"!end {code}\n".encode())

    def _run(self, env: Mapping[str, str], cwd: Optional[str]) -> int:
        _flush_std_streams()
        for target, output in enumerate(self.outputs, start=1):
            os.dup2(output.fd, target)
        try:
            if cwd:
                os.chdir(cwd)
            # The run's variables, as a command gets them; the channel is this connection,
            # which its subprocesses do not inherit, so its number stays out.
            os.environ.update({k: v for k, v in env.items() if k != "LABBOOK_CHANNEL_FD"})
            return self.handler(env)
        except BaseException:  # noqa: BLE001 - the handler's own failure is this run's, not the slot's
            import traceback

            traceback.print_exc()
            return 70
        finally:
            _restore(*self.console)
            for output in self.outputs:
                output.move_to(env["LABBOOK_RUN_DIR"])

    def _read_line(self) -> Optional[bytes]:
        while b"\n" not in self._inbox:
            chunk = self.conn.recv(1 << 16)
            if not chunk:
                return None
            self._inbox += chunk
            if len(self._inbox) > _LINE_LIMIT:
                raise ValueError("a run message longer than 16 MiB")
        line, _, self._inbox = self._inbox.partition(b"\n")
        return line


class _SlotOutput:
    """One output file of a slot (its runs' stdout or stderr), emptied after every run."""

    def __init__(self, path: str, name: str) -> None:
        self.path = path
        self.name = name
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)

    def move_to(self, run_dir: str) -> None:
        """Appends what the run wrote to ``<run_dir>/<name>.log`` (made only then) and empties
        the file for the next run."""
        size = os.fstat(self.fd).st_size
        if size == 0:
            return
        os.makedirs(run_dir, exist_ok=True)
        log = os.open(os.path.join(run_dir, f"{self.name}.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            offset = 0
            while offset < size:
                chunk = os.pread(self.fd, min(size - offset, 1 << 20), offset)
                if not chunk:
                    break
                offset += os.write(log, chunk)
        finally:
            os.close(log)
        os.ftruncate(self.fd, 0)

    def remove(self) -> None:
        os.close(self.fd)
        try:
            os.unlink(self.path)
        except OSError:
            pass


def _restore(stdout_fd: int, stderr_fd: int) -> None:
    _flush_std_streams()
    os.dup2(stdout_fd, 1)
    os.dup2(stderr_fd, 2)


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: BLE001 - a stream the run closed or replaced must not stop the slot
            pass


def _reopen_std_streams() -> None:
    """sys.stdin/stdout/stderr on descriptors 0-2 (the driver's may be replaced objects,
    e.g. under pytest or Jupyter)."""
    sys.stdin = sys.__stdin__ = open(0, "r", closefd=False)  # type: ignore[assignment]
    sys.stdout = sys.__stdout__ = open(1, "w", closefd=False)  # type: ignore[assignment]
    sys.stderr = sys.__stderr__ = open(2, "w", closefd=False, buffering=1)  # type: ignore[assignment]
