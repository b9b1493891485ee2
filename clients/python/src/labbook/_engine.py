"""Executing a grid through the real engine: the spec (``driver: python``) goes to
``labbook run`` (or the runs already in the store to ``labbook worker``), and the engine
executes every run in a slot process of this driver (see _forkserver.py and _slot.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

from ._cli import Cli
from ._errors import CliError, error_for_code
from ._forkserver import ExitListener, ForkServer, RunHandler
from ._interpreter import interpreter_info
from ._interrupts import DriverInterrupts
from ._runner import EXIT_INTERRUPTED

__all__ = ["write_spec", "run_engine_session", "ExitListener"]


def write_spec(spec: Dict[str, Any], directory: Path) -> Path:
    """Writes the spec as JSON, with ``driver: python`` (its runs are executed by the Python
    script that added them), and returns its path."""
    path = directory / f"{spec['name']}.json"
    path.write_text(json.dumps({**spec, "driver": "python"}, indent=2, allow_nan=False), encoding="utf-8")
    return path


def run_engine_session(
    cli: Cli,
    command: str,
    args: Sequence[str],
    handler: RunHandler,
    on_exit: Optional[ExitListener] = None,
    *,
    subject: str,
    source: Optional[str] = None,
) -> Dict[str, Any]:
    """Runs `labbook COMMAND ARGS` (``run`` or ``worker``) like `_run_engine` and returns the
    session's report (counts, failures, ``started``, ``runs``): some failed runs are an outcome,
    not an error. When the engine refused to work (a usage mistake, a bad spec, a store it
    cannot open), raises its error: its code's class and its message, prefixed with `source`
    (what the user wrote the spec in) when given. `subject` names what it was asked to run."""
    with tempfile.TemporaryDirectory(prefix="labbook-report-") as directory:
        report_path = Path(directory) / "report.json"
        code = _run_engine(cli, [command, "--report", str(report_path), *args], handler, on_exit)
        if not report_path.exists():  # it stopped before its action (a malformed command line) or crashed; it printed why
            raise CliError(f"labbook {command} stopped before running {subject} (exit status {code}); its message is above", exit_status=code, printed=True)
        report: Dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    if "error" in report:
        message = report["error"]["message"]
        raise error_for_code(report["error"].get("code"), f"{source}: {message}" if source else message, code, printed=True)
    return report


def _run_engine(cli: Cli, args: Sequence[str], handler: RunHandler, on_exit: Optional[ExitListener] = None) -> int:
    """Runs `labbook ARGS` with a fork server whose slots execute the runs; the engine's
    progress goes to this process's terminal. Returns the engine's exit status. Each Ctrl-C is
    handed to the engine (_interrupts.py), which knows what to do (stop claiming, requeue,
    summarise): once it is done, raises KeyboardInterrupt."""
    server = ForkServer(handler, on_exit)
    server.start()
    try:
        with DriverInterrupts() as interrupts:
            env = {
                **cli.env,
                **server.env(),
                **interrupts.env,
                "LABBOOK_PY_ARGV": json.dumps([sys.executable, *sys.argv]),
                "LABBOOK_PY_INFO": json.dumps(interpreter_info()),
            }
            engine = subprocess.Popen(cli.argv(args), cwd=cli.cwd, env=env, pass_fds=interrupts.pass_fds)
            interrupts.engine_started()
            code = engine.wait()
    finally:
        server.stop()
    # Also when the engine alone was interrupted (the driver could not own Ctrl-C off the main thread).
    if interrupts.received or code == EXIT_INTERRUPTED:
        raise KeyboardInterrupt
    return code
