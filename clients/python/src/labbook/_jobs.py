"""How many runs a driver executes at once: its ``workers`` argument as the engine's ``jobs``."""

from __future__ import annotations

import os
from typing import Any

from ._errors import UsageError

__all__ = ["jobs_option"]


def jobs_option(workers: Any, argument: str = "workers") -> int:
    """The number of processes for `workers`: itself, or one per CPU for None. Anything else than a
    whole number of at least 1 raises UsageError, naming `argument` (the caller's name for it)."""
    cpus = os.cpu_count() or 1
    if workers is None:
        return cpus
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"{argument}={workers!r}: give a number of processes of at least 1, or None for one per CPU ({cpus} here)")
    return workers
