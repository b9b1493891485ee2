"""The backend of a run started by a labbook worker: everything goes over the fd-3 channel."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

from ._channel import Channel
from ._protocol import Point, encode_artifact, encode_log, encode_points, encode_result

__all__ = ["WorkerBackend"]


class WorkerBackend:
    def __init__(self, channel: Channel, run_id: int, run_dir: str, attempt: int) -> None:
        self.channel = channel
        self.run_id: Optional[int] = run_id
        self._run_dir_text = run_dir
        self._run_dir: Optional[Path] = None
        self.attempt = attempt

    @property
    def run_dir(self) -> Path:
        """The run's directory, made on first use (a driver's run gets one only when it writes
        something; a command's exists already). A Path only then: most short runs never ask."""
        if self._run_dir is None:
            self._run_dir = Path(self._run_dir_text)
            self._run_dir.mkdir(parents=True, exist_ok=True)
        return self._run_dir

    def points(self, points: Sequence[Point]) -> None:
        self.channel.send(encode_points(points))

    def artifact(self, name: str, path: Path, media_type: Optional[str]) -> None:
        self.channel.send(encode_artifact(name, str(path), media_type))

    def checkpoint(self, path: Path) -> None:
        try:
            self.channel.request("checkpoint", path=str(path))
        finally:
            # The worker moved or copied it; a copy left behind is ours to remove.
            path.unlink(missing_ok=True)

    def checkpoint_exists(self) -> bool:
        return bool(self.channel.request("checkpoint_exists"))

    def restore_path(self) -> Optional[Path]:
        found = self.channel.request("restore")
        return Path(found["path"]) if found else None

    def should_prune(self, step: int, value: float) -> bool:
        return bool(self.channel.request("should_prune", step=step, value=value))

    def preempted(self) -> bool:
        return bool(self.channel.request("preempted"))

    def result(self, value: Any) -> None:
        self.channel.send(encode_result(value))

    def log(self, message: str, level: str) -> None:
        self.channel.send(encode_log(message, level))

    def flush(self) -> None:
        self.channel.request("flush")

    def finish(self, error: Optional[str]) -> None:
        # The worker records the outcome from the exit status; what is queued must reach it.
        self.channel.finish_writes()
