"""labbook's Python client: the context of a run (fd-3 protocol, or the store's engine when
run by hand), Memento-, MLXP- and PyExperimenter-style drivers, and a reader.

See clients/python/README.md and docs/python.md.

Names are imported on first use: a run that only calls ``labbook.context()`` does not pay
for the drivers, the reader and their imports (``import labbook`` is then a few ms instead of
~70 ms, in every run of a Python command)."""

from importlib import import_module
from typing import TYPE_CHECKING, Any, List

__version__ = "0.1.0"

# Each public name, and the module that defines it.
_MODULE_OF = {
    "context": "._open_context",
    "Context": "._context",
    "Config": "._config",
    "run": "._driver",
    "experiment": "._decorator",
    "Reader": "._reader",
    "RunTable": "._reader",
    "RunResult": "._results",
    "Study": "._study",
    "Trial": "._study",
    "create_study": "._study",
    "load_study": "._study",
    "canonical_json": "._canonical",
    "run_hash": "._canonical",
    "identity": "._identity",
    "qualified_name": "._identity",
    "IdentityError": "._identity",
    "LabbookError": "._errors",
    "ProtocolError": "._errors",
    "ChannelClosedError": "._errors",
    "CliError": "._errors",
    "CliNotFoundError": "._errors",
    "SpecError": "._errors",
    "StoreNotFoundError": "._errors",
    "UsageError": "._errors",
    "track": ".provenance",
    "track_dataset": ".provenance",
    "track_prediction": ".provenance",
    "track_evaluation": ".provenance",
    "track_sklearn": "._extract_sklearn",
}

__all__ = list(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'labbook' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # the next access is a plain lookup
    return value


def __dir__() -> List[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and IDEs see: the same names, imported eagerly
    from ._canonical import canonical_json, run_hash
    from ._config import Config
    from ._context import Context
    from ._decorator import experiment
    from ._driver import run
    from ._errors import (
        ChannelClosedError,
        CliError,
        CliNotFoundError,
        LabbookError,
        ProtocolError,
        SpecError,
        StoreNotFoundError,
        UsageError,
    )
    from ._identity import IdentityError, identity, qualified_name
    from ._open_context import context
    from ._extract_sklearn import track_sklearn
    from ._reader import Reader, RunTable
    from ._results import RunResult
    from .provenance import track, track_dataset, track_evaluation, track_prediction
    from ._study import Study, Trial, create_study, load_study
