"""The backend of a script run by hand in a project with a store: the run records itself in
the store directly (see _local_store.py), holding a lease that a daemon thread renews, so a
script killed with SIGKILL is seen as a lost worker once the lease expires."""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

from ._local_store import LocalStore
from ._objects import object_path, put_file
from ._protocol import Point

__all__ = ["LocalBackend", "LEASE_MS"]

LEASE_MS = 30_000


def _now() -> int:
    return int(time.time() * 1000)


class LocalBackend:
    def __init__(self, store_dir: Path, experiment: str, params: Dict[str, Any]) -> None:
        self.store_dir = store_dir
        self.store = LocalStore(store_dir)
        self.owner = f"python:{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.run_id, self.attempt = self.store.start_run(experiment, params, self.owner, _now(), LEASE_MS)
        self.run_dir = store_dir / "runs" / str(self.run_id)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._result: Any = None
        self._stop = threading.Event()
        self._heartbeat = threading.Thread(target=self._renew_lease, name="labbook-lease", daemon=True)
        self._heartbeat.start()

    def _renew_lease(self) -> None:
        # A second connection: sqlite3 connections must not be shared across threads mid-transaction.
        store = LocalStore(self.store_dir)
        try:
            while not self._stop.wait(LEASE_MS / 3000):
                if not store.renew_lease(self.run_id, self.owner, _now() + LEASE_MS):
                    return
        finally:
            store.close()

    def points(self, points: Sequence[Point]) -> None:
        self.store.append_metrics(self.run_id, self.attempt, points)

    def artifact(self, name: str, path: Path, media_type: Optional[str]) -> None:
        sha256, size = put_file(self.store_dir, path)
        self.store.add_artifact(self.run_id, self.attempt, name, sha256, size, media_type or "application/octet-stream", _now())

    def checkpoint(self, path: Path) -> None:
        try:
            sha256, size = put_file(self.store_dir, path)
            self.store.save_checkpoint(self.run_id, self.attempt, sha256, size, _now())
        finally:
            path.unlink(missing_ok=True)

    def checkpoint_exists(self) -> bool:
        return self.store.checkpoint_of(self.run_id) is not None

    def restore_path(self) -> Optional[Path]:
        found = self.store.checkpoint_of(self.run_id)
        return object_path(self.store_dir, found[0]) if found else None

    def should_prune(self, step: int, value: float) -> bool:
        return False

    def result(self, value: Any) -> None:
        self._result = value

    def log(self, message: str, level: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        with open(self.run_dir / "labbook.log", "a", encoding="utf-8") as f:
            f.write(f"{stamp} {level} {message}\n")

    def flush(self) -> None:
        pass  # every call above is its own committed transaction

    def finish(self, error: Optional[str]) -> None:
        self._stop.set()
        self._heartbeat.join()
        self.store.finish_run(self.run_id, self.owner, self.attempt, _now(), result=self._result, error=error)
        self.store.close()
