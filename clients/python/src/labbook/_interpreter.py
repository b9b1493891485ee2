"""A description of the running interpreter: the ``python`` part of a run's recorded
environment (docs/tracking.md). A driver imports it to describe itself; the engine runs this
file as a script in the interpreter of a Python command (src/track/environment.ts). So it
needs nothing but the standard library, and no syntax newer than Python 3.6."""

import os
import re
import sys
from typing import Dict, List, Optional, Union

__all__ = ["interpreter_info"]


def interpreter_info() -> Dict[str, Union[str, Optional[List[str]]]]:
    """``{"executable", "version", "packages"}``: packages as ``name==version`` from the names
    of the ``*.dist-info`` / ``*.egg-info`` directories on sys.path, PEP 503-normalised, the
    first of a name winning (as in imports)."""
    packages: Dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            parts = stem.split("-")
            if dot and kind in ("dist-info", "egg-info") and len(parts) >= 2:
                packages.setdefault(re.sub(r"[-_.]+", "-", parts[0]).lower(), parts[1])
    return {
        "executable": sys.executable,
        "version": sys.version.split()[0],
        "packages": sorted("%s==%s" % item for item in packages.items()),
    }
