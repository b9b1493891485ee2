"""The fork server of a Python driver: a copy of the driver process (forked once, with the
user's function, its parameter objects and every module already imported) that forks one
slot process for every connection the engine opens (see _slot.py for what a slot does).

Forking from a warm process is what makes many small runs cheap: a slot executes run after
run, each paying a message instead of an interpreter start-up and the imports. The server
is single-threaded (a selector over the listening socket, a SIGCHLD wake-up pipe and a
lifeline from the driver), so forking it is safe.
"""

from __future__ import annotations

import os
import selectors
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import Dict, Optional, Set

from ._slot import ExitListener, RunHandler, Slot

__all__ = ["ForkServer", "RunHandler", "ExitListener"]


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
        self.selector = selectors.DefaultSelector()
        self.slots: Set[int] = set()
        self.stopping = False

    def serve(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the engine and the driver
        signal.signal(signal.SIGTERM, self._stop)
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(wake_read, selectors.EVENT_READ, "wake")
        self.selector.register(self.lifeline, selectors.EVENT_READ, "lifeline")
        while not self.stopping:
            for key, _ in self.selector.select():
                if key.data == "accept":
                    self._accept()
                elif key.data == "lifeline":
                    self.stopping = True  # the driver is gone
                else:
                    os.read(wake_read, 512)
                    self._reap()
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
        conn.close()
        self.slots.add(pid)

    def _become_slot(self, conn: socket.socket, server: int) -> None:
        code = 70
        try:
            os.setpgid(0, 0)  # the engine stops a slot (timeouts) by killing its group
            _die_with_parent(server)
            self.selector.close()
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


def _die_with_parent(parent: int) -> None:
    """A slot is killed when the fork server dies, even by SIGKILL with the driver's process
    group (the slot has a group of its own). Linux's PR_SET_PDEATHSIG; elsewhere the slot
    ends when it next reads from the engine."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request took effect
        os._exit(70)


def _kill_group(pid: int, signum: int) -> None:
    for target in (-pid, pid):
        try:
            os.kill(target, signum)
            return
        except ProcessLookupError:
            continue
        except PermissionError:
            return
