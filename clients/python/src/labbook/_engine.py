"""Executing a grid through the real engine: the spec (``driver: python``) goes to
``labbook run`` (or the runs already in the store to ``labbook worker``), and the engine
executes every run in a slot process of this driver (see _forkserver.py and _slot.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

from ._cli import Cli
from ._forkserver import ExitListener, ForkServer, RunHandler
from ._interpreter import interpreter_info

__all__ = ["write_spec", "run_engine", "ExitListener"]


def write_spec(spec: Dict[str, Any], directory: Path) -> Path:
    """Writes the spec as JSON, with ``driver: python`` (its runs are executed by the Python
    script that added them), and returns its path."""
    path = directory / f"{spec['name']}.json"
    path.write_text(json.dumps({**spec, "driver": "python"}, indent=2, allow_nan=False), encoding="utf-8")
    return path


def run_engine(cli: Cli, args: Sequence[str], handler: RunHandler, on_exit: Optional[ExitListener] = None) -> int:
    """Runs `labbook ARGS` with a fork server whose slots execute the runs; the engine's
    progress goes to this process's terminal. Returns the engine's exit status."""
    server = ForkServer(handler, on_exit)
    server.start()
    try:
        env = {
            **cli.env,
            **server.env(),
            "LABBOOK_PY_ARGV": json.dumps([sys.executable, *sys.argv]),
            "LABBOOK_PY_INFO": json.dumps(interpreter_info()),
        }
        engine = subprocess.Popen(cli.argv(args), cwd=cli.cwd, env=env)
        return _wait_through_interrupts(engine)
    finally:
        server.stop()


def _wait_through_interrupts(engine: "subprocess.Popen[bytes]") -> int:
    """Waits for the engine. Ctrl-C reaches it too (same process group) and it knows what
    to do (stop claiming, requeue, summarise): wait for that, then re-raise."""
    interrupted = False
    while True:
        try:
            code = engine.wait()
            break
        except KeyboardInterrupt:
            interrupted = True
    if interrupted:
        raise KeyboardInterrupt
    return code
