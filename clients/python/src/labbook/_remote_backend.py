"""The backend of a run that records itself in a store on another machine, through that
store's HTTP API (``labbook serve``): set ``LABBOOK_URL`` (and ``LABBOOK_TOKEN`` when the
server asks for one). Metric points go in batches of at most ``BATCH_BYTES``; a daemon thread
sends a heartbeat every ``HEARTBEAT_SECONDS``, so that the engine holds the run's lease while
this process lives and lets it expire (the run is redone) once it is killed. Artifacts and
checkpoints are files of this machine, which the server does not read: they are not kept."""

from __future__ import annotations

import json
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ._backends import NullBackend
from ._errors import error_for_answer
from ._protocol import Point

__all__ = ["RemoteBackend"]

# Under the server's 64 KiB limit of a request body, with room for the envelope.
BATCH_BYTES = 48 * 1024
HEARTBEAT_SECONDS = 10.0
TIMEOUT_SECONDS = 30.0

REMOTE_FILES_WARNING = (
    "labbook: this run records to {url}: its metrics, logs and result are kept there, its artifacts and "
    "checkpoints are not (they are files of this machine)\n"
)


class RemoteBackend(NullBackend):
    def __init__(self, url: str, token: Optional[str], experiment: str, params: Dict[str, Any]) -> None:
        super().__init__()
        self._api = url.rstrip("/") + "/api"
        self._url = url
        self._token = token
        self._lock = threading.Lock()
        started = self._post("/remote/runs", {"experiment": experiment, "params": params})
        self.run_id: Optional[int] = started["run"]
        self.attempt: int = started["attempt"]
        self._key: str = started["key"]
        self._done = threading.Event()
        self._heartbeat = threading.Thread(target=self._beat, name="labbook-heartbeat", daemon=True)
        self._heartbeat.start()

    def _warn(self) -> None:
        if not self._warned:
            self._warned = True
            sys.stderr.write(REMOTE_FILES_WARNING.format(url=self._url))

    def _post(self, path: str, body: Mapping[str, Any]) -> Any:
        request = urllib.request.Request(
            self._api + path,
            data=json.dumps(body, allow_nan=False).encode(),
            headers={"content-type": "application/json", **({"authorization": f"Bearer {self._token}"} if self._token else {})},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise _api_error(error) from None

    def _messages(self, messages: List[Dict[str, Any]]) -> None:
        with self._lock:  # the heartbeat thread posts too: one request at a time keeps them in order
            self._post(f"/remote/runs/{self.run_id}/messages", {"key": self._key, "messages": messages})

    def _beat(self) -> None:
        while not self._done.wait(HEARTBEAT_SECONDS):
            try:
                self._messages([])
            except Exception as error:  # the next request says it too; a heartbeat must not kill the run
                sys.stderr.write(f"labbook: heartbeat to {self._url} failed: {error}\n")

    def points(self, points: Sequence[Point]) -> None:
        batch: List[Point] = []
        size = 0
        for point in points:
            bytes_ = len(json.dumps(point)) + 1
            if batch and size + bytes_ > BATCH_BYTES:
                self._messages([{"type": "metrics", "points": batch}])
                batch, size = [], 0
            batch.append(point)
            size += bytes_
        if batch:
            self._messages([{"type": "metrics", "points": batch}])

    def result(self, value: Any) -> None:
        self._messages([{"type": "result", "value": value}])

    def log(self, message: str, level: str) -> None:
        self._messages([{"type": "log", "message": message, "level": level}])

    def flush(self) -> None:
        self._messages([{"type": "flush"}])

    def finish(self, error: Optional[str]) -> None:
        self._done.set()
        with self._lock:
            self._post(f"/remote/runs/{self.run_id}/finish", {"key": self._key, **({"error": error} if error is not None else {})})


def _api_error(error: urllib.error.HTTPError) -> Exception:
    try:
        body = json.loads(error.read() or b"null") or {}
    except ValueError:
        body = {}
    problem = body.get("error") or {}
    code, message = problem.get("code"), problem.get("message") or f"HTTP {error.code} from {error.url}"
    return error_for_answer(code, message, None)
