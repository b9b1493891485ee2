"""Choosing how a run records, from its environment, and the process's current context."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import sys
from typing import Any, Iterator, Mapping, Optional

from ._backends import Backend, NullBackend
from ._channel import Channel
from ._context import Context, UnstorableResultError
from ._identity import identity
from ._store_location import find_store
from ._worker_backend import WorkerBackend

__all__ = ["context", "open_context", "as_current", "MANUAL_EXPERIMENT"]

# The experiment of runs recorded by scripts run by hand (unless LABBOOK_EXPERIMENT names one).
MANUAL_EXPERIMENT = "manual"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

_current: Optional[Context] = None
_uncaught: Optional[str] = None


def open_context(
    env: Mapping[str, str],
    params: Optional[Mapping[str, Any]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    experiment: Optional[str] = None,
) -> Context:
    """A new context for the run described by `env` (the LABBOOK_* variables of
    docs/protocol.md). Under a worker (LABBOOK_CHANNEL_FD set), the worker's parameters and
    settings win over the arguments; by hand, the arguments are the run's identity."""
    if env.get("LABBOOK_CHANNEL_FD"):
        backend: Backend = WorkerBackend(
            Channel(int(env["LABBOOK_CHANNEL_FD"])),
            int(env["LABBOOK_RUN_ID"]),
            env["LABBOOK_RUN_DIR"],
            int(env.get("LABBOOK_ATTEMPT", "1")),
        )
        return Context(
            backend,
            json.loads(env.get("LABBOOK_PARAMS") or "{}"),
            json.loads(env.get("LABBOOK_SETTINGS") or "{}"),
            env.get("LABBOOK_EXPERIMENT"),
        )
    name = experiment or env.get("LABBOOK_EXPERIMENT") or MANUAL_EXPERIMENT
    if not _NAME.match(name):
        raise ValueError(f"experiment name {name!r}: use letters, digits, '.', '_' or '-' (starting with a letter or digit)")
    run_params = identity(dict(params or {}))
    if env.get("LABBOOK_URL"):
        # Imported here, not at the top: only a run that records to a remote store needs urllib.
        from ._remote_backend import RemoteBackend

        remote = RemoteBackend(env["LABBOOK_URL"], env.get("LABBOOK_TOKEN") or None, name, run_params)
        return Context(remote, run_params, identity(dict(settings or {})), name)
    store = find_store(env=env)
    if store is None:
        backend: Backend = NullBackend()
    else:
        # Imported here, not at the top: a run under a worker never loads the engine's client.
        from ._hand_run_backend import HandRunBackend

        backend = HandRunBackend(store, name, run_params)
    return Context(backend, run_params, identity(dict(settings or {})), name)


def context(
    params: Optional[Mapping[str, Any]] = None,
    settings: Optional[Mapping[str, Any]] = None,
    experiment: Optional[str] = None,
) -> Context:
    """The context of the run this process is (created on first call, closed at exit).

    Started by a labbook worker, it speaks the fd-3 protocol. Run by hand with $LABBOOK_URL
    set, it records itself through that server's HTTP API (and $LABBOOK_TOKEN). Run by hand in
    a project with a store, the run records itself in the store (experiment `experiment`, or
    $LABBOOK_EXPERIMENT, or "manual"; identity = `params`). With neither, nothing is kept and
    a warning says so."""
    global _current
    if _current is None:
        _current = open_context(os.environ, params, settings, experiment)
        atexit.register(_close_at_exit)
        previous_hook = sys.excepthook

        def remember_uncaught(kind, value, tb):  # type: ignore[no-untyped-def]
            global _uncaught
            import traceback

            _uncaught = "".join(traceback.format_exception(kind, value, tb))
            previous_hook(kind, value, tb)

        sys.excepthook = remember_uncaught
    return _current


@contextlib.contextmanager
def as_current(ctx: Context) -> Iterator[Context]:
    """Makes `ctx` what ``labbook.context()`` returns while it runs (a driver's slot
    executes many runs in one process, one at a time)."""
    global _current
    previous, _current = _current, ctx
    try:
        yield ctx
    finally:
        _current = previous


def _close_at_exit() -> None:
    if _current is not None:
        try:
            _current.close(error=_uncaught)
        except UnstorableResultError as error:  # the run is recorded FAILED with it; a traceback would add nothing
            sys.stderr.write(f"labbook: {error}\n")
