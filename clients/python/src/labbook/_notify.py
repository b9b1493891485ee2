"""Notifications of a Python driver, as runs finish: the fork server (another process) writes
one line per finished run into a pipe, a thread of the driver reads them and calls the
user's notifier in the driver process.

A notifier is an object with any of ``task_completed()``, ``task_failure()``,
``all_tasks_completed()`` (Memento's NotificationProvider), or a callable taking the event
name (``"completed"``, ``"failed"``, ``"all_completed"``)."""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Mapping, Optional

__all__ = ["Notifier"]

_METHODS = {"completed": "task_completed", "failed": "task_failure", "all_completed": "all_tasks_completed"}


class Notifier:
    def __init__(self, target: Any) -> None:
        self.target = target
        self._read, self._write = os.pipe()
        self._thread = threading.Thread(target=self._relay, name="labbook-notify", daemon=True)

    def __enter__(self) -> "Notifier":
        if self.target is not None:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self.target is not None:
            os.write(self._write, b"end\n")
            self._thread.join()
        os.close(self._write)
        os.close(self._read)

    @property
    def exit_listener(self) -> Optional[Callable[[Mapping[str, str], int], None]]:
        """What the fork server calls as each run ends; None without a notifier (a line per
        run through the pipe would wake this process for nothing)."""
        return self._on_exit if self.target is not None else None

    def _on_exit(self, env: Mapping[str, str], code: int) -> None:
        """Called in the fork server when a run's process ended with `code`."""
        os.write(self._write, b"completed\n" if code == 0 else b"failed\n")

    def finished(self) -> None:
        self.emit("all_completed")

    def emit(self, event: str) -> None:
        if self.target is None:
            return
        method: Optional[Any] = getattr(self.target, _METHODS[event], None)
        if method is not None:
            method()
        elif callable(self.target):
            self.target(event)

    def _relay(self) -> None:
        buffer = b""
        while True:
            chunk = os.read(self._read, 4096)
            if not chunk:
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if line == b"end":
                    return
                self.emit(line.decode())
