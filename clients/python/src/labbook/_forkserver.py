"""The fork server of a Python driver: a copy of the driver process (forked once, with the
user's function, its parameter objects and every module already imported) that forks one
child per run for the stubs the engine starts (see _stub.py for the wire format).

Forking from a warm process is what makes many small runs cheap: a run pays a fork, not an
interpreter start-up and the imports. Each run still gets its own process, so a crash, a
leak or ``os._exit`` in one run touches no other. The server is single-threaded (a
selector over the listening socket, one socket per run and a SIGCHLD wake-up pipe), so
forking it is safe.
"""

from __future__ import annotations

import fcntl
import faulthandler
import os
import selectors
import signal
import socket
import sys
import tempfile
from pathlib import Path
from typing import Callable, Dict, Mapping, Optional, Tuple

__all__ = ["ForkServer", "RunHandler"]

# Called in the run's child process with the run's environment; returns its exit status.
RunHandler = Callable[[Mapping[str, str]], int]

_MAX_FDS = 4


class ForkServer:
    """Start it before the engine, pass ``env()`` to the engine, stop it afterwards."""

    def __init__(self, handler: RunHandler, on_exit: Optional[Callable[[Mapping[str, str], int], None]] = None) -> None:
        self.handler = handler
        self.on_exit = on_exit
        self.directory = Path(tempfile.mkdtemp(prefix="labbook-py-"))
        self.path = self.directory / "fork.sock"
        self.pid: Optional[int] = None
        self._lifeline: Optional[int] = None

    def env(self) -> Dict[str, str]:
        """The variables the engine's commands need to find this server."""
        return {"LABBOOK_PY_SERVER": str(self.path)}

    def start(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen(64)
        # A lifeline: the server reads end-of-file on it when the driver is gone, even killed
        # by SIGKILL, and then stops (and its runs with it). Pipes are not inherited by the
        # driver's other children (close-on-exec), so only the driver holds the write end.
        lifeline, self._lifeline = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(self._lifeline)
                _Server(listener, self.handler, self.on_exit, lifeline).serve()
            except BaseException:  # noqa: BLE001 - the server must never fall back into the driver's code
                code = 70
            finally:
                os._exit(code)
        os.close(lifeline)
        listener.close()
        self.pid = pid

    def stop(self) -> None:
        """Ends the server; runs still going are killed (the engine has finished with them)."""
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
        self.path.unlink(missing_ok=True)
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
        self, listener: socket.socket, handler: RunHandler, on_exit: Optional[Callable[[Mapping[str, str], int], None]], lifeline: int
    ) -> None:
        self.listener = listener
        self.lifeline = lifeline
        self.handler = handler
        self.on_exit = on_exit
        self.selector = selectors.DefaultSelector()
        self.runs: Dict[int, Tuple[socket.socket, Mapping[str, str]]] = {}
        self.by_conn: Dict[int, int] = {}
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
                elif key.data == "wake":
                    os.read(wake_read, 512)
                    self._reap()
                else:
                    self._from_stub(key.fileobj)  # type: ignore[arg-type]
        for pid in list(self.runs):
            _kill_group(pid, signal.SIGKILL)

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        try:
            cwd, env, fds = _receive_request(conn)
        except (OSError, ValueError) as error:
            sys.stderr.write(f"labbook fork server: bad request from a stub: {error}\n")
            conn.close()
            return
        pid = os.fork()
        if pid == 0:
            self._become_run(conn, cwd, env, fds)
        for fd in fds.values():
            os.close(fd)
        self.runs[pid] = (conn, env)
        self.by_conn[conn.fileno()] = pid
        self.selector.register(conn, selectors.EVENT_READ, "stub")

    def _become_run(self, conn: socket.socket, cwd: str, env: Dict[str, str], fds: Dict[int, int]) -> None:
        code = 70
        try:
            os.setpgid(0, 0)
            self.selector.close()
            self.listener.close()
            os.close(self.lifeline)
            conn.close()
            for other, _ in self.runs.values():
                other.close()
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
                signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
            _install_fds(fds)
            _reopen_std_streams()
            if faulthandler.is_enabled():
                faulthandler.enable(file=sys.stderr)
            os.chdir(cwd)
            os.environ.clear()
            os.environ.update(env)
            code = self.handler(env)
        except BaseException:  # noqa: BLE001 - whatever happens, this process must not return into the server
            import traceback

            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:  # noqa: BLE001
                    pass
            os._exit(code)

    def _from_stub(self, conn: socket.socket) -> None:
        pid = self.by_conn.get(conn.fileno())
        try:
            data = conn.recv(256)
        except OSError:
            data = b""
        if pid is None:
            return
        if not data:
            # The stub died (killed by a timeout or with its worker): the run goes with it.
            _kill_group(pid, signal.SIGKILL)
            self.selector.unregister(conn)
            return
        for line in data.decode(errors="replace").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "SIG" and parts[1].isdigit():
                _kill_group(pid, int(parts[1]))

    def _reap(self) -> None:
        while self.runs:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn, env = self.runs.pop(pid)
            self.by_conn.pop(conn.fileno(), None)
            code = os.waitstatus_to_exitcode(status)
            try:
                self.selector.unregister(conn)
            except (KeyError, ValueError):
                pass
            try:
                conn.sendall(f"EXIT {code}\n".encode())
            except OSError:
                pass
            conn.close()
            if self.on_exit is not None:
                self.on_exit(env, code)


def _receive_request(conn: socket.socket) -> Tuple[str, Dict[str, str], Dict[int, int]]:
    data, ancillary, _, _ = conn.recvmsg(1 << 16, socket.CMSG_SPACE(_MAX_FDS * 4))
    fds = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds += [int.from_bytes(payload[i : i + 4], sys.byteorder, signed=True) for i in range(0, len(payload) - len(payload) % 4, 4)]
    header, _, body = data.partition(b"\n")
    magic, length, numbers = (header.split(b" ") + [b"", b""])[:3]
    if magic != b"LB1" or not length.isdigit():
        raise ValueError(f"unknown request header {header[:20]!r}")
    targets = [int(n) for n in numbers.split(b",") if n.isdigit()]
    if len(targets) != len(fds) or any(t >= _MAX_FDS for t in targets):
        raise ValueError(f"descriptors {targets} do not match the {len(fds)} received")
    while len(body) < int(length):
        chunk = conn.recv(1 << 16)
        if not chunk:
            raise ValueError("request cut short")
        body += chunk
    cwd, *entries = body.split(b"\0")
    env = dict(entry.decode(errors="surrogateescape").split("=", 1) for entry in entries if b"=" in entry)
    return cwd.decode(errors="surrogateescape"), env, dict(zip(targets, fds))


def _install_fds(fds: Dict[int, int]) -> None:
    """The stub's descriptors become this process's 0, 1, 2 (and 3, the channel), at the
    numbers they had in the stub."""
    # Out of the way of the target numbers first (a plain dup could land on 0-3).
    moved = {target: fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for target, fd in fds.items()}
    for fd in fds.values():
        os.close(fd)
    for target in range(_MAX_FDS):
        if target in moved:
            os.dup2(moved[target], target, inheritable=target < 3)
        else:
            try:
                os.close(target)
            except OSError:
                pass
    for fd in moved.values():
        os.close(fd)


def _reopen_std_streams() -> None:
    """sys.stdin/stdout/stderr on the run's descriptors (the driver's may be replaced
    objects, e.g. under pytest or Jupyter)."""
    sys.stdin = sys.__stdin__ = open(0, "r", closefd=False) if _is_open(0) else None  # type: ignore[assignment]
    sys.stdout = sys.__stdout__ = open(1, "w", closefd=False) if _is_open(1) else None  # type: ignore[assignment]
    sys.stderr = sys.__stderr__ = open(2, "w", closefd=False, buffering=1) if _is_open(2) else None  # type: ignore[assignment]


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def _kill_group(pid: int, signum: int) -> None:
    for target in (-pid, pid):
        try:
            os.kill(target, signum)
            return
        except ProcessLookupError:
            continue
        except PermissionError:
            return
