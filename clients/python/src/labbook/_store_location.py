"""Finding the store as the CLI does: ``$LABBOOK_STORE``, else the nearest ``.labbook``
directory holding ``labbook.db`` from the working directory upwards (as git finds .git)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Optional, Union

__all__ = ["STORE_DIR", "DB_FILE", "find_store", "store_dir_of"]

STORE_DIR = ".labbook"
DB_FILE = "labbook.db"

PathLike = Union[str, "os.PathLike[str]"]


def store_dir_of(path: PathLike) -> Path:
    """The store directory a user means by `path`: the .labbook directory itself, or a
    project directory containing one."""
    path = Path(path).resolve()
    if path.name == STORE_DIR or (path / DB_FILE).exists():
        return path
    return path / STORE_DIR


def find_store(start: Optional[PathLike] = None, env: Optional[Mapping[str, str]] = None) -> Optional[Path]:
    """The store directory to use, or None when there is none (``labbook init`` makes one)."""
    env = os.environ if env is None else env
    given = env.get("LABBOOK_STORE")
    base = Path(start or os.getcwd()).resolve()
    if given:
        candidate = store_dir_of(base / given)
        return candidate if (candidate / DB_FILE).exists() else None
    for directory in (base, *base.parents):
        if (directory / STORE_DIR / DB_FILE).exists():
            return directory / STORE_DIR
    return None
