"""The context of one run: parameters, settings, and what the run records."""

from __future__ import annotations

import os
import pickle
import signal
import time
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional

from ._backends import Backend
from ._protocol import NotJsonError, Point, metric_value, to_json_value

__all__ = ["Context", "PICKLED_RESULT", "UnstorableResultError"]

# Points kept before they are sent as one bulk `metrics` line.
BUFFER_POINTS = 10_000

# The result of a run whose return value is not JSON: the value is pickled into this
# artifact and the result records where it is.
PICKLED_RESULT = "result.pickle"

PICKLE_MEDIA_TYPE = "application/x-python-pickle"

_UNSET = object()


class UnstorableResultError(TypeError):
    """A run's result is neither JSON nor a value pickle can save and load back: the run fails
    with this message rather than store what no driver could read."""


class Context:
    """What a run sees of labbook. Created by :func:`labbook.context` (or by the drivers);
    the same calls work under a worker, by hand in a project with a store, and with neither
    (see the package README)."""

    def __init__(self, backend: Backend, params: Mapping[str, Any], settings: Mapping[str, Any], experiment: Optional[str]) -> None:
        self._backend = backend
        self.params: Dict[str, Any] = dict(params)
        self.settings: Dict[str, Any] = dict(settings)
        self.experiment = experiment
        self._points: list[Point] = []
        self._result: Any = _UNSET
        self._closed = False

    @property
    def run_id(self) -> Optional[int]:
        """The run's id in the store (None when nothing is recorded)."""
        return self._backend.run_id

    @property
    def run_dir(self) -> Path:
        """A directory for this run's files (``<store>/runs/<id>``)."""
        return self._backend.run_dir

    @property
    def attempt(self) -> int:
        """1 for the first attempt, 2 after a retry or a lost worker, …"""
        return self._backend.attempt

    def log_metrics(self, values: Mapping[str, Any], step: Optional[int] = None) -> None:
        """Records one point per key (``{"loss": 0.3, "val.acc": 0.9}``) at `step`. Points are
        buffered and sent in bulk; NaN and ±infinity are kept as null."""
        now = int(time.time() * 1000)
        points = self._points
        for key, value in values.items():
            points.append([key, step, metric_value(value), now])
        if len(points) >= BUFFER_POINTS:
            self._send_points()

    def log_artifact(self, path_or_obj: Any, name: Optional[str] = None, media_type: Optional[str] = None) -> None:
        """Stores a file (a path) or an object (pickled; bytes as they are) under `name`."""
        if isinstance(path_or_obj, (str, os.PathLike)):
            path = Path(path_or_obj)
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no such file to log as an artifact (give a file, or an object with a name)")
            name = name or path.name
        else:
            if not name:
                raise ValueError("log_artifact(obj, name): an object needs a name to be stored under")
            path = self.run_dir / "artifacts" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(path_or_obj, (bytes, bytearray)):
                path.write_bytes(path_or_obj)
            else:
                with open(path, "wb") as f:
                    pickle.dump(path_or_obj, f)
                media_type = media_type or PICKLE_MEDIA_TYPE
        self._send_points()
        self._backend.artifact(name, path.resolve(), media_type)

    def checkpoint(self, obj: Any) -> None:
        """Stores `obj` (pickled) as the run's latest checkpoint; returns once it is durable.
        The next attempt of this run (after a crash or a retry) gets it from restore()."""
        path = self.run_dir / f".checkpoint-{os.urandom(4).hex()}.pickle"
        with open(path, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        self._send_points()
        self._backend.checkpoint(path)

    def checkpoint_exists(self) -> bool:
        """True if this run has a checkpoint, from this or an earlier attempt."""
        self._send_points()
        return self._backend.checkpoint_exists()

    def restore(self, default: Any = None) -> Any:
        """The object of the latest checkpoint, or `default` when there is none."""
        self._send_points()
        path = self._backend.restore_path()
        if path is None:
            return default
        with open(path, "rb") as f:
            return pickle.load(f)

    def should_prune(self, step: int, value: float) -> bool:
        """True if a search's pruner asks this run to stop early (never for a plain grid)."""
        self._send_points()
        return self._backend.should_prune(int(step), float(value))

    def preempted(self) -> bool:
        """True once the worker is going away (a scheduler's cancel, time limit or preemption):
        checkpoint and return; the run goes back to the queue without spending an attempt. A run
        that asks is given the worker's grace period (``--preempt-grace``) instead of a SIGTERM.
        Each call asks the worker: call it once per step or epoch."""
        self._send_points()
        return self._backend.preempted()

    def on_preempt(self, fn: Callable[[], Any]) -> None:
        """Calls ``fn()`` when the worker stops the run (its SIGTERM: the worker is preempted,
        interrupted, or the run timed out), then ends the run, which goes back to the queue (a
        timeout still counts). Installs a SIGTERM handler: call it from the main thread."""

        def stop(signum: int, frame: Any) -> None:
            # A scheduler signals the run itself too: a second SIGTERM must not cut fn short.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            fn()
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, stop)

    @property
    def has_result(self) -> bool:
        """True once set_result was called."""
        return self._result is not _UNSET

    def set_result(self, value: Any) -> None:
        """The run's result, written when the run completes (the last one set wins)."""
        self._result = value

    def log(self, message: str, level: str = "info") -> None:
        """A line in the run's ``labbook.log``."""
        self._send_points()
        self._backend.log(str(message), level)

    def flush(self) -> None:
        """Returns once everything recorded so far is stored."""
        self._send_points()
        self._backend.flush()

    def close(self, error: Optional[str] = None) -> None:
        """Sends what is buffered and the result, and ends the run's recording. `error` (a
        traceback) marks a run recorded by hand FAILED. Idempotent. A result that cannot be
        stored ends the run as failed with that message, then raises UnstorableResultError."""
        if self._closed:
            return
        self._closed = True
        self._send_points()
        if error is None and self._result is not _UNSET:
            try:
                self._backend.result(self._encode_result(self._result))
            except UnstorableResultError as problem:
                self._backend.finish(str(problem))
                raise
        self._backend.finish(error)

    def _send_points(self) -> None:
        if self._points:
            points, self._points = self._points, []
            self._backend.points(points)

    def _encode_result(self, value: Any) -> Any:
        try:
            return to_json_value(value)
        except NotJsonError:
            self.log_artifact(_pickled(value), PICKLED_RESULT, PICKLE_MEDIA_TYPE)
            return {"$pickle": PICKLED_RESULT}

    def __repr__(self) -> str:
        return f"<labbook.Context run={self.run_id} experiment={self.experiment!r} params={self.params!r}>"



def _pickled(value: Any) -> bytes:
    """`value` pickled, once it is known to load back: the driver unpickles every result it
    reads, from this drive or from the cache in later ones, and one it cannot read would break
    them all (an exception whose __init__ wants other arguments than its args pickles, but does
    not load)."""
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
    except Exception as error:  # noqa: BLE001 - pickle raises many kinds (PicklingError, TypeError, AttributeError, …)
        kind = f"{type(value).__module__}.{type(value).__qualname__}"
        raise UnstorableResultError(
            f"the run's result (a {kind}) cannot be stored: it is not JSON, and pickle cannot save it and load it "
            f"back ({type(error).__name__}: {error}); return JSON values (numbers, text, lists, dicts), an object "
            "pickle can load, or write it to a file and store that with ctx.log_artifact(path)"
        ) from None
    return data
