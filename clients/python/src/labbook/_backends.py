"""Where a run's context sends what it records: the interface, and the backend used when
there is neither a worker nor a store (nothing is kept, one warning says so)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional, Protocol, Sequence

from ._protocol import Point

__all__ = ["Backend", "NullBackend"]


class Backend(Protocol):
    """What a context needs from the place it records to. Points arrive in batches; a
    request (checkpoint, restore, prune, flush) sees every earlier message stored."""

    run_id: Optional[int]
    attempt: int

    @property
    def run_dir(self) -> Path: ...

    def points(self, points: Sequence[Point]) -> None: ...
    def artifact(self, name: str, path: Path, media_type: Optional[str]) -> None: ...
    def checkpoint(self, path: Path) -> None: ...
    def checkpoint_exists(self) -> bool: ...
    def restore_path(self) -> Optional[Path]: ...
    def should_prune(self, step: int, value: float) -> bool: ...
    def preempted(self) -> bool: ...
    def result(self, value: Any) -> None: ...
    def log(self, message: str, level: str) -> None: ...
    def flush(self) -> None: ...
    def finish(self, error: Optional[str]) -> None: ...


NO_STORE_WARNING = (
    "labbook: no worker and no store here (run 'labbook init' in your project, or set LABBOOK_STORE): "
    "metrics, artifacts, checkpoints and the result of this run are not kept\n"
)


class NullBackend:
    """Keeps nothing: checkpoint_exists() is False, restore() finds nothing, should_prune()
    and preempted() are False. Warns once, on the first call that would have recorded something."""

    run_id: Optional[int] = None
    attempt = 1

    def __init__(self) -> None:
        import tempfile  # here, not at the top: a run under a worker never needs it

        self.run_dir = Path(tempfile.mkdtemp(prefix="labbook-run-"))
        self._warned = False

    def _warn(self) -> None:
        if not self._warned:
            self._warned = True
            sys.stderr.write(NO_STORE_WARNING)

    def points(self, points: Sequence[Point]) -> None:
        self._warn()

    def artifact(self, name: str, path: Path, media_type: Optional[str]) -> None:
        self._warn()

    def checkpoint(self, path: Path) -> None:
        self._warn()
        path.unlink(missing_ok=True)

    def checkpoint_exists(self) -> bool:
        return False

    def restore_path(self) -> Optional[Path]:
        return None

    def should_prune(self, step: int, value: float) -> bool:
        return False

    def preempted(self) -> bool:
        return False

    def result(self, value: Any) -> None:
        self._warn()

    def log(self, message: str, level: str) -> None:
        sys.stderr.write(f"[labbook {level}] {message}\n")

    def flush(self) -> None:
        pass

    def finish(self, error: Optional[str]) -> None:
        pass
