"""The fork server of a Python driver: a copy of the driver process (forked once, with the
user's function, its parameter objects and every module already imported) that forks one
slot process for every connection the engine opens (see _slot.py for what a slot does).

Forking from a warm process is what makes many small runs cheap: a slot executes run after
run, each paying a message instead of an interpreter start-up and the imports. The server
is single-threaded (a poll over the listening socket, a SIGCHLD wake-up pipe, a lifeline from
the driver and the slots' connections), so forking it is safe.

It keeps a copy of each slot's connection, to watch for the engine's end of it: when the
engine is gone (killed with ``kill -9`` mid-sweep, say), the slot is killed with its process
group, the run it was executing included, instead of running on for no one. (The engine's
side of the connection is closed for the engine only when the slot exits and the server
closes its copy too: the server does so when it reaps the slot.)
"""

from __future__ import annotations

import functools
import os
import select
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import Callable, Dict, Optional, Set, Tuple

from ._slot import ExitListener, RunHandler, Slot, slot_output

__all__ = ["ForkServer", "RunHandler", "ExitListener"]

# What poll reports when the peer of a socket shut it down, data or not (Linux's POLLRDHUP);
# None where there is no such event: slots then end when they next read from the engine.
_HANG_UP = getattr(select, "POLLRDHUP", None)


class ForkServer:
    """Start it before the engine, pass ``env()`` to the engine, stop it afterwards."""

    def __init__(self, handler: RunHandler, on_exit: Optional[ExitListener] = None) -> None:
        self.handler = handler
        self.on_exit = on_exit
        self.directory = Path(tempfile.mkdtemp(prefix="labbook-py-"))
        self.path = self.directory / "fork.sock"
        self.pid: Optional[int] = None
        self._lifeline: Optional[int] = None

    def env(self) -> Dict[str, str]:
        """The variables the engine needs to find this server."""
        return {"LABBOOK_PY_SERVER": str(self.path)}

    def start(self) -> None:
        _prctl()  # looked up here, inherited by the slots
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen(64)
        # A lifeline: the server reads end-of-file on it when the driver is gone, even killed
        # by SIGKILL, and then stops (and its slots with it). Pipes are not inherited by the
        # driver's other children (close-on-exec), so only the driver holds the write end.
        lifeline, self._lifeline = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(self._lifeline)
                _Server(listener, self.handler, self.on_exit, lifeline, str(self.directory)).serve()
            except BaseException:  # noqa: BLE001 - the server must never fall back into the driver's code
                code = 70
            finally:
                os._exit(code)
        os.close(lifeline)
        listener.close()
        self.pid = pid

    def stop(self) -> None:
        """Ends the server; slots still running are killed (the engine has finished with them)."""
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
        # The socket, and the output files of slots that were killed.
        if self.directory.is_dir():
            for leftover in self.directory.iterdir():
                leftover.unlink(missing_ok=True)
            try:
                self.directory.rmdir()
            except OSError:
                pass

    def __enter__(self) -> "ForkServer":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class _Server:
    def __init__(
        self,
        listener: socket.socket,
        handler: RunHandler,
        on_exit: Optional[ExitListener],
        lifeline: int,
        directory: str,
    ) -> None:
        self.listener = listener
        self.directory = directory
        self.lifeline = lifeline
        self.handler = handler
        self.on_exit = on_exit
        self.poll = select.poll()
        self.slots: Set[int] = set()
        # Each slot's connection, by its descriptor here, with the slot's pid.
        self.connections: Dict[int, Tuple[socket.socket, int]] = {}
        self.stopping = False

    def serve(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the engine and the driver
        signal.signal(signal.SIGTERM, self._stop)
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for fd in (self.listener.fileno(), wake_read, self.lifeline):
            self.poll.register(fd, select.POLLIN)
        driver_gone = False
        while not self.stopping and not (driver_gone and not self.slots):
            for fd, _ in self.poll.poll():
                if fd == self.listener.fileno():
                    self._accept()
                elif fd == self.lifeline:
                    # The driver is gone: so is its session, which the engine stops, stopping the
                    # slots' runs (they go back to the queue) and closing their connections. Killing
                    # them here would make the engine record their runs as failed.
                    driver_gone = True
                    self.poll.unregister(self.lifeline)
                    self.poll.unregister(self.listener)
                elif fd == wake_read:
                    os.read(wake_read, 512)
                    self._reap()
                elif fd in self.connections:
                    self._engine_gone(fd)
        for pid in self.slots:
            _kill_group(pid, signal.SIGKILL)

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        server = os.getpid()
        pid = os.fork()
        if pid == 0:
            self._become_slot(conn, server)
        self.slots.add(pid)
        if _HANG_UP is None:
            conn.close()
        else:
            self.connections[conn.fileno()] = (conn, pid)
            self.poll.register(conn, _HANG_UP)

    def _engine_gone(self, fd: int) -> None:
        """The engine's end of a slot's connection closed: the slot's group is killed (a slot
        between runs would end by itself; one in a run would go on for no one)."""
        conn, pid = self.connections.pop(fd)
        self.poll.unregister(fd)
        conn.close()
        _kill_group(pid, signal.SIGKILL)
        for name in ("stdout", "stderr"):  # what the slot would have removed, had it ended by itself
            Path(slot_output(self.directory, pid, name)).unlink(missing_ok=True)

    def _become_slot(self, conn: socket.socket, server: int) -> None:
        code = 70
        try:
            os.setpgid(0, 0)  # the engine stops a slot (timeouts) by killing its group
            _die_with_parent(server)
            for other, _ in self.connections.values():  # a slot holding another's connection would hide its end
                other.close()
            self.listener.close()
            os.close(self.lifeline)
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for signum in (signal.SIGTERM, signal.SIGCHLD):
                signal.signal(signum, signal.SIG_DFL)
            Slot(conn, self.handler, self.on_exit, self.directory).serve()
            code = 0
        except BaseException:  # noqa: BLE001 - whatever happens, this process must not return into the server
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)

    def _reap(self) -> None:
        while self.slots:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.slots.discard(pid)
            for fd, (conn, slot) in list(self.connections.items()):
                if slot == pid:  # the engine sees the connection end once this copy is closed too
                    del self.connections[fd]
                    self.poll.unregister(fd)
                    conn.close()


def _die_with_parent(parent: int) -> None:
    """A slot is killed when the fork server dies, even by SIGKILL with the driver's process
    group (the slot has a group of its own). Linux's PR_SET_PDEATHSIG; elsewhere the slot
    ends when it next reads from the engine."""
    prctl = _prctl()
    if prctl is None:
        return
    PR_SET_PDEATHSIG = 1
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(70)


@functools.lru_cache(maxsize=None)
def _prctl() -> Optional[Callable[..., int]]:
    """Linux's prctl, found once per driver (ForkServer.start): importing ctypes takes ~3.5 ms,
    which every slot would pay before its first run if it looked it up after its fork."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    return ctypes.CDLL(None, use_errno=True).prctl


def _kill_group(pid: int, signum: int) -> None:
    for target in (-pid, pid):
        try:
            os.kill(target, signum)
            return
        except ProcessLookupError:
            continue
        except PermissionError:
            return
