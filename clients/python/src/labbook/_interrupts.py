"""Ctrl-C while the engine executes a drive: the driver owns it and hands each one to the
engine through a pipe (the engine's side is src/runner/driver-interrupts.ts).

The terminal sends Ctrl-C to the driver and its engine (one process group); ``kill -INT`` may
reach the driver alone; a script a shell starts in the background inherits SIGINT ignored,
which the engine (Node) does not honour. Whichever it is, each Ctrl-C the driver receives
reaches the engine once, and the driver raises KeyboardInterrupt when the engine is done."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any, Dict, Optional, Tuple

__all__ = ["DriverInterrupts", "INTERRUPTS_VARIABLE"]

INTERRUPTS_VARIABLE = "LABBOOK_PY_INTERRUPTS"


class DriverInterrupts:
    """``with DriverInterrupts() as interrupts:`` around starting and waiting for the engine:
    start it with ``env`` and ``pass_fds``, and call ``engine_started()`` once it runs.
    ``received`` counts the Ctrl-Cs handed over."""

    def __init__(self) -> None:
        self.received = 0
        self.env: Dict[str, str] = {}
        self.pass_fds: Tuple[int, ...] = ()
        self._read: Optional[int] = None
        self._write: Optional[int] = None
        self._previous: Any = None

    def __enter__(self) -> "DriverInterrupts":
        # signal.signal works in the main thread only; elsewhere the engine keeps its own SIGINT.
        if threading.current_thread() is threading.main_thread():
            self._read, self._write = os.pipe()
            self.env = {INTERRUPTS_VARIABLE: str(self._read)}
            self.pass_fds = (self._read,)
            self._previous = signal.signal(signal.SIGINT, self._hand_over)
        return self

    def engine_started(self) -> None:
        """The engine has its copy of the read end; ours would hide the pipe's end from it."""
        self._close_read()

    def _hand_over(self, signum: int, frame: Any) -> None:
        self.received += 1
        if self._write is not None:
            os.write(self._write, b"\x03")

    def _close_read(self) -> None:
        if self._read is not None:
            os.close(self._read)
            self._read = None

    def __exit__(self, *_: object) -> None:
        if self._write is None:
            return
        # None: a handler not set from Python, which cannot be put back; SIGINT's default is the closest.
        signal.signal(signal.SIGINT, signal.SIG_DFL if self._previous is None else self._previous)
        os.close(self._write)
        self._write = None
        self._close_read()
