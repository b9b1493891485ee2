"""labbook's Python client: the context of a run (fd-3 protocol, or the local store when
run by hand), Memento-, MLXP- and PyExperimenter-style drivers, and a reader.

See clients/python/README.md and docs/python.md."""

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
    RunFailedError,
    SpecError,
    StoreNotFoundError,
)
from ._identity import IdentityError, identity, qualified_name
from ._open_context import context
from ._reader import Reader, RunTable
from ._results import RunResult

__version__ = "0.1.0"

__all__ = [
    "context",
    "Context",
    "Config",
    "run",
    "experiment",
    "Reader",
    "RunTable",
    "RunResult",
    "canonical_json",
    "run_hash",
    "identity",
    "qualified_name",
    "IdentityError",
    "LabbookError",
    "ProtocolError",
    "ChannelClosedError",
    "CliError",
    "CliNotFoundError",
    "SpecError",
    "StoreNotFoundError",
    "RunFailedError",
]
