"""Executing one run's function in its own process, as the engine expects of a command:
status 0 and a `result` message when it returns, the traceback on stderr and status 1 when it
raises or returns a value that cannot be stored (the worker stores the end of stderr as the
run's error)."""

from __future__ import annotations

import sys
import traceback
from typing import Any, Callable, Mapping

from ._context import Context, UnstorableResultError
from ._open_context import as_current, open_context

__all__ = ["run_in_context", "EXIT_INTERRUPTED"]

EXIT_INTERRUPTED = 130


def run_in_context(env: Mapping[str, str], call: Callable[[Context], Any]) -> int:
    """Opens the run's context from `env`, calls `call(ctx)` and records its return value
    as the result (unless the function set one itself). Returns the exit status."""
    ctx = open_context(env)
    try:
        with as_current(ctx):
            value = call(ctx)
    except KeyboardInterrupt:
        ctx.close(error="interrupted")
        return EXIT_INTERRUPTED
    except BaseException as error:  # noqa: BLE001 - every failure of user code is the run's failure
        if isinstance(error, SystemExit) and error.code in (0, None):
            ctx.close()
            return 0
        text = traceback.format_exc()
        sys.stderr.write(text)
        ctx.close(error=text)
        return error.code if isinstance(error, SystemExit) and isinstance(error.code, int) else 1
    if value is not None and not ctx.has_result:
        ctx.set_result(value)
    try:
        ctx.close()
    except UnstorableResultError as error:
        sys.stderr.write(f"labbook: {error}\n")
        return 1
    return 0
