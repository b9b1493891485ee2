"""The backend of a script run by hand in a project with a store: the run records itself
through the store's engine (``startRun``, ``runMessage``, ``finishRun`` of docs/protocol.md),
which holds its lease while this process's connection lasts, so a script killed with SIGKILL
is seen as a lost worker once the lease expires. The messages are those a worker's run sends
on fd 3."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Sequence

from ._engine_client import connect
from ._protocol import Point

__all__ = ["HandRunBackend"]


class HandRunBackend:
    def __init__(self, store_dir: Path, experiment: str, params: Dict[str, Any]) -> None:
        self.engine = connect(store=store_dir, client="python run by hand")
        started = self.engine.request("startRun", {"experiment": experiment, "params": params})
        self.run_id: Optional[int] = started["run"]
        self.attempt: int = started["attempt"]
        self._run_dir = Path(started["runDir"])
        self._run_dir_made = False

    @property
    def run_dir(self) -> Path:
        """The run's directory, made on first use (as a driver's run gets one)."""
        if not self._run_dir_made:
            self._run_dir.mkdir(parents=True, exist_ok=True)
            self._run_dir_made = True
        return self._run_dir

    def _send(self, message: Dict[str, Any]) -> None:
        """A message the engine records in order, unanswered (as on fd 3)."""
        self.engine.notify("runMessage", {"run": self.run_id, "message": message})

    def _ask(self, message: Dict[str, Any]) -> Any:
        return self.engine.request("runMessage", {"run": self.run_id, "message": message})

    def points(self, points: Sequence[Point]) -> None:
        self._send({"type": "metrics", "points": list(points)})

    def artifact(self, name: str, path: Path, media_type: Optional[str]) -> None:
        self._ask({"type": "artifact", "name": name, "path": str(path), **({"media_type": media_type} if media_type else {})})

    def checkpoint(self, path: Path) -> None:
        try:
            self._ask({"type": "checkpoint", "path": str(path)})
        finally:
            path.unlink(missing_ok=True)  # the engine copied it into the store

    def checkpoint_exists(self) -> bool:
        return bool(self._ask({"type": "checkpoint_exists"}))

    def restore_path(self) -> Optional[Path]:
        found = self._ask({"type": "restore"})
        return Path(found["path"]) if found else None

    def should_prune(self, step: int, value: float) -> bool:
        return False

    def preempted(self) -> bool:
        return False  # a run recorded by hand has no worker to go away

    def result(self, value: Any) -> None:
        self._send({"type": "result", "value": value})

    def log(self, message: str, level: str) -> None:
        self._send({"type": "log", "message": message, "level": level})

    def flush(self) -> None:
        self._ask({"type": "flush"})

    def finish(self, error: Optional[str]) -> None:
        try:
            self.engine.request("finishRun", {"run": self.run_id, **({"error": error} if error is not None else {})})
        finally:
            self.engine.close()
