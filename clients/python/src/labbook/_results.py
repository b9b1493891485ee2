"""What a driver returns: one RunResult per run of its grid, read back from the store."""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from ._context import PICKLED_RESULT
from ._errors import LabbookError

__all__ = ["RESULT_FIELDS", "RunResult", "results_of"]

# The fields of the store's run records that results_of reads: what a driver asks the engine's
# report for (a run record has 23; a report of 1,000 runs is then ~60% smaller to send and parse).
RESULT_FIELDS = ["id", "hash", "params", "state", "result", "error", "attempt", "startedAt", "finishedAt"]


@dataclass
class RunResult:
    """A run of a driver's grid as the store has it after the drive."""

    config: Dict[str, Any]
    """The run's parameters as the objects given to the driver."""
    params: Dict[str, Any]
    """The same as JSON (callables as qualified names): the run's identity."""
    run_id: int
    state: str
    value: Any
    """The result (a pickled one unpickled); None unless COMPLETED."""
    error: Optional[str]
    attempt: int
    was_cached: bool
    """True if the run had COMPLETED before and this drive did not run it (the cache)."""
    started_at: Optional[int] = None
    """When its last attempt started (ms since the epoch), if it did."""
    finished_at: Optional[int] = None
    """When it ended (ms since the epoch), if it did."""

    @property
    def ok(self) -> bool:
        return self.state == "COMPLETED"


def results_of(
    runs: List[Mapping[str, Any]],
    completed_before: set,
    store_dir: Path,
    by_hash: Optional[Mapping[str, Dict[str, Any]]] = None,
) -> List[RunResult]:
    """RunResults of the store's run records. With `by_hash` (a grid's objects by run hash,
    in grid order): only the grid's runs, in grid order, with their objects as `config`."""
    if by_hash is None:
        pairs = [(run, run["params"]) for run in runs]
    else:
        records = {run["hash"]: run for run in runs}
        pairs = [(records[digest], config) for digest, config in by_hash.items() if digest in records]
    return [
        RunResult(
            config=config,
            params=run["params"],
            run_id=run["id"],
            state=run["state"],
            value=_value(run, store_dir),
            error=run.get("error"),
            attempt=run.get("attempt", 0),
            was_cached=run["id"] in completed_before,
            started_at=run.get("startedAt"),
            finished_at=run.get("finishedAt"),
        )
        for run, config in pairs
    ]


def _value(run: Mapping[str, Any], store_dir: Path) -> Any:
    result = run.get("result")
    if run["state"] != "COMPLETED":
        return None
    if isinstance(result, dict) and result.get("$pickle") == PICKLED_RESULT:
        return _unpickled(store_dir / "runs" / str(run["id"]) / "artifacts" / PICKLED_RESULT, run["id"])
    return result


def _unpickled(path: Path, run_id: int) -> Any:
    # Runs check that their result loads back before they complete (see Context.close); a
    # result stored without that check (by a client before it) must not end the drive unexplained.
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception as error:  # noqa: BLE001 - unpickling raises many kinds
        raise LabbookError(
            f"the result of run {run_id} ({path}) cannot be read back ({type(error).__name__}: {error}); "
            f"put the run back in the queue with 'labbook reset {run_id}' and run the script again"
        ) from None
