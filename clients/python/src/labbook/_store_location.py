"""Finding the store as the CLI does: ``$LABBOOK_STORE``, else the nearest ``.labbook``
directory holding ``labbook.db`` from the working directory upwards (as git finds .git). A
``postgres://`` URL names a PostgreSQL store: it is kept as the string it is."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Mapping, Optional, Union

__all__ = ["STORE_DIR", "DB_FILE", "find_store", "store_dir_of", "is_postgres_url", "without_password", "store_exists"]

STORE_DIR = ".labbook"
DB_FILE = "labbook.db"

PathLike = Union[str, "os.PathLike[str]"]
#: A store: its directory, or a PostgreSQL store's URL.
StoreRef = Union[Path, str]

_POSTGRES_URL = re.compile(r"^postgres(ql)?://")
_PASSWORD = re.compile(r"^(postgres(?:ql)?://[^:@/]*):[^@/]*@")


def is_postgres_url(value: object) -> bool:
    return isinstance(value, str) and _POSTGRES_URL.match(value) is not None


def without_password(url: str) -> str:
    """The URL less its password, as the engine's socket is keyed (src/store/postgres/postgres-url.ts)."""
    return _PASSWORD.sub(r"\1@", url)


def store_exists(store: StoreRef) -> bool:
    """Whether a store is there (a PostgreSQL store's server is asked by the engine, not here)."""
    return is_postgres_url(store) or (Path(store) / DB_FILE).exists()


def store_dir_of(path: PathLike, base: Optional[PathLike] = None) -> StoreRef:
    """The store a user means by `path` (relative to `base`): the .labbook directory itself, a
    project directory containing one, or a PostgreSQL URL."""
    if is_postgres_url(path):
        return str(path)
    path = (Path(base) / path if base is not None else Path(path)).resolve()
    if path.name == STORE_DIR or (path / DB_FILE).exists():
        return path
    return path / STORE_DIR


def find_store(start: Optional[PathLike] = None, env: Optional[Mapping[str, str]] = None) -> Optional[StoreRef]:
    """The store to use, or None when there is none (``labbook init`` makes one)."""
    env = os.environ if env is None else env
    given = env.get("LABBOOK_STORE")
    base = Path(start or os.getcwd()).resolve()
    if given:
        candidate = store_dir_of(given, base)
        return candidate if store_exists(candidate) else None
    for directory in (base, *base.parents):
        if (directory / STORE_DIR / DB_FILE).exists():
            return directory / STORE_DIR
    return None
