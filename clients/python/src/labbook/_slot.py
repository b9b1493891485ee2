"""A slot: one persistent process of a Python driver, forked by its fork server for one
connection of the engine, executing the runs the engine sends it one after another.

The wire format (the engine's side is src/runner/driver-executor.ts):

- the slot says ``!slot <pid>`` once (the pid leads its own process group);
- the engine sends one JSON line per run: ``{"env": {LABBOOK_* variables}, "cwd": dir}``;
- the run speaks the fd-3 protocol of docs/protocol.md on the same connection (its lines
  never start with ``!``), and the slot ends it with ``!end <exit status>``;
- end of file from the engine ends the slot.

A run's stdout and stderr go to ``stdout.log`` and ``stderr.log`` in its run directory, as a
command's do. A run that takes its process down (``os._exit``, a crash, a timeout's kill)
closes the connection: the engine fails that run and opens a new slot for the next one.
"""

from __future__ import annotations

import faulthandler
import json
import os
import socket
import sys
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
    ) -> None:
        self.conn = conn
        self.handler = handler
        self.on_exit = on_exit
        self._inbox = b""

    def serve(self) -> None:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.close(devnull)
        # Between runs, output goes where the driver's goes (its terminal).
        self.console = (os.dup(1), os.dup(2))
        _reopen_std_streams()
        # A crash in native code (a segfault in an extension) leaves its Python traceback in
        # the run's stderr.log, where the engine takes the run's error from.
        faulthandler.enable(file=sys.stderr)
        self.conn.sendall(f"!slot {os.getpid()}\n".encode())
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
        run_dir = env["LABBOOK_RUN_DIR"]
        _redirect(os.path.join(run_dir, "stdout.log"), os.path.join(run_dir, "stderr.log"))
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


def _redirect(stdout_path: str, stderr_path: str) -> None:
    _flush_std_streams()
    for target, path in ((1, stdout_path), (2, stderr_path)):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, target)
        os.close(fd)


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
