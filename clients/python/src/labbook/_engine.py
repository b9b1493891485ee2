"""Executing runs through the resident engine: a driver's session (``labbook.run``, the
decorator, the compat layers) runs in the engine as ``labbook run`` or ``labbook worker``
would run it, and the engine executes every run in a slot process of this driver (see
_forkserver.py and _slot.py). docs/protocol.md, "Driver sessions", is the other side."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any, Dict, Mapping, Optional

from ._cli import Cli
from ._engine_client import EngineClient, EngineUnavailableError, connect
from ._errors import CliError, LabbookError, error_for_code
from ._forkserver import ExitListener, ForkServer, RunHandler
from ._interpreter import interpreter_info
from ._runner import EXIT_INTERRUPTED

__all__ = ["run_session", "ExitListener"]


def run_session(
    cli: Cli,
    params: Mapping[str, Any],
    handler: RunHandler,
    on_exit: Optional[ExitListener] = None,
    *,
    source: Optional[str] = None,
) -> Dict[str, Any]:
    """Runs a session in the store's engine (`params`: ``spec`` with ``overrides`` and
    ``rerun``, or ``experiments``; ``jobs``, ``maxRuns``) whose runs `handler` executes in slots
    forked from this process, and returns its report (counts, failures, ``started``, ``runs``):
    some failed runs are an outcome, not an error. What the engine says (notes, progress, the
    summary) goes to this process's stderr. When the engine refused to work (a bad spec or
    override, a usage mistake), raises its error, the message prefixed with `source` (what the
    user wrote the spec in) when given. Each Ctrl-C is handed to the engine, which knows what to
    do (stop claiming, requeue, summarise): once it is done, raises KeyboardInterrupt."""
    server = ForkServer(handler, on_exit)
    # Forked before the connection is made: a copy of it in the server would hide the driver's end from the engine.
    server.start()
    # Made before the connection too: meanwhile, an engine just started may still be starting.
    request = {
        **params,
        "driver": {"socket": str(server.path), "argv": [sys.executable, *sys.argv], "python": interpreter_info()},
        "cwd": str(cli.cwd),
        "env": cli.env,
        "tty": sys.stderr.isatty(),
    }
    try:
        engine = connect(cli.cwd, cli.store, cli.env, client="python driver")
    except BaseException:
        server.stop()
        raise
    try:
        with _Interrupts() as interrupts:
            report = _run(cli, engine, request, interrupts)
    except CliError as error:
        raise error_for_code(error.code, f"{source}: {error}" if source else str(error), error.exit_status) from None
    finally:
        server.stop()
    # Also when the engine stopped it for another reason than this process's Ctrl-C.
    if interrupts.received or report.get("exitStatus") == EXIT_INTERRUPTED:
        raise KeyboardInterrupt
    return report


def _run(cli: Cli, engine: EngineClient, request: Mapping[str, Any], interrupts: "_Interrupts") -> Dict[str, Any]:
    """The session's report. An engine that ends mid-session (killed, say) took its slots
    with it (see _forkserver.py) and left its runs to be given back: the session goes on in
    a new engine, which takes them back and runs what is left. Not after a Ctrl-C, nor when
    engines keep ending."""
    for restarts in range(_MAX_RESTARTS + 1):
        try:
            with engine:
                return _follow(engine, request, interrupts)
        except EngineUnavailableError:
            if interrupts.received or restarts == _MAX_RESTARTS:
                raise
        sys.stderr.write("labbook: the engine ended during the session; going on in a new one\n")
        engine = connect(cli.cwd, cli.store, cli.env, client="python driver")
    raise AssertionError("unreachable")


# Engines a session may see end before it gives up.
_MAX_RESTARTS = 3


def _follow(engine: EngineClient, request: Mapping[str, Any], interrupts: "_Interrupts") -> Dict[str, Any]:
    """Runs the session on `engine`, writing what it says to stderr until it answers its report."""
    session = engine.send("session", request)
    interrupts.follow(engine, session)
    rows = engine.rows(session)
    while True:
        try:
            row = next(rows)
        except StopIteration as done:
            return done.value
        sys.stderr.write(row.get("stderr", ""))
        sys.stderr.flush()


class _Interrupts:
    """Hands each Ctrl-C this process receives to the engine as an ``interrupt`` of the
    session (the slots have process groups of their own: the terminal's Ctrl-C reaches only
    this process). signal.signal works in the main thread only; elsewhere Ctrl-C stays Python's."""

    def __init__(self) -> None:
        self.engine: Optional[EngineClient] = None
        self.session: Optional[int] = None
        self.received = 0
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> "_Interrupts":
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._hand_over)
            self._installed = True
        return self

    def follow(self, engine: EngineClient, session: int) -> None:
        """Ctrl-C from now on interrupts the request `session` of `engine`."""
        self.engine, self.session = engine, session

    def _hand_over(self, signum: int, frame: Any) -> None:
        self.received += 1
        if self.engine is not None and self.session is not None:
            try:
                self.engine.notify("interrupt", {"session": self.session})
            except LabbookError:
                pass  # the engine is gone: the session ends with the connection

    def __exit__(self, *_: object) -> None:
        if self._installed:
            # None: a handler not set from Python, which cannot be put back; SIGINT's default is the closest.
            signal.signal(signal.SIGINT, signal.SIG_DFL if self._previous is None else self._previous)
