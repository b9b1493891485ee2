"""``@labbook.experiment``: a script whose function is the run, launched MLXP-style with
Hydra overrides from the command line (``python train.py lr=0.1,0.01 seed=1,2``)."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence

from ._cli import Cli
from ._context import Context
from ._driver import command_line_errors, drive, ensure_store, experiment_name, read_config
from ._errors import SpecError
from ._jobs import jobs_option
from ._results import RESULT_FIELDS, RunResult, results_of
from ._runner import run_in_context

__all__ = ["experiment", "load_spec"]


def load_spec(path: os.PathLike, cli: Optional[Cli] = None) -> Dict[str, Any]:
    """A labbook spec file as a dict (its `command`/`function` are replaced by the driver's),
    read by the engine as the CLI reads specs. A file that is missing, unreadable or not a spec
    raises SpecError, naming it (and the line and column)."""
    data = read_config(cli or Cli(), path)
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a spec must be a mapping with at least parameters, e.g. parameters: {{lr: [0.1, 0.01]}} (see docs/spec.md)")
    data.pop("command", None)
    data.pop("function", None)
    return data


def experiment(
    spec: Optional[os.PathLike] = None,
    *,
    name: Optional[str] = None,
    workers: Optional[int] = 1,
    store: Optional[os.PathLike] = None,
) -> Callable[[Callable[[Context], Any]], Callable[..., Any]]:
    """Makes ``def train(ctx): ...`` a labbook experiment over the grid of `spec` (a YAML
    spec; see docs/spec.md). Calling ``train()`` applies the overrides in ``sys.argv[1:]``
    (or ``train(argv=[...])``), adds the runs, executes the pending ones on `workers`
    processes forked from this script, and returns one RunResult per run. Called with a
    context, ``train(ctx)`` is just the function."""
    jobs = jobs_option(workers)

    def decorate(func: Callable[[Context], Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def launch(*args: Any, argv: Optional[Sequence[str]] = None) -> Any:
            if args and isinstance(args[0], Context):
                return func(*args)
            overrides: List[str] = list(sys.argv[1:] if argv is None else argv)
            cli = Cli(store=store) if store else Cli()
            with command_line_errors(argv is None):
                data = load_spec(spec, cli) if spec else {"parameters": {}}
                data["name"] = name or data.get("name") or experiment_name(func)
                options = {"overrides": overrides, "jobs": jobs, "runFields": RESULT_FIELDS}
                runs, before = drive(data, lambda env: run_in_context(env, func), options, cli=cli, source=str(spec) if spec else None)
            return results_of(runs, before, cli.store or ensure_store(cli))

        launch.__wrapped__ = func  # type: ignore[attr-defined]
        return launch

    return decorate
