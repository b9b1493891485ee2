"""Content-addressed blobs under ``<store>/objects/<2 hex>/<sha256>``, written exactly as
src/track/object-store.ts writes them: temporary file, fsync, read-only, linked into place."""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from pathlib import Path
from typing import Tuple

__all__ = ["object_path", "put_file", "sha256_file"]


def object_path(store_dir: Path, sha256: str) -> Path:
    return store_dir / "objects" / sha256[:2] / sha256


def sha256_file(path: Path) -> Tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def put_file(store_dir: Path, source: Path) -> Tuple[str, int]:
    """Stores a copy of `source` (left as it is); returns (sha256, size)."""
    sha256, size = sha256_file(source)
    target = object_path(store_dir, sha256)
    if target.exists():
        return sha256, size
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{sha256}.tmp-{secrets.token_hex(6)}")
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        # Blobs are shared by every run with the same content: nobody may change one.
        os.chmod(tmp, 0o444)
        try:
            os.link(tmp, target)
        except FileExistsError:
            pass  # another writer placed the same content first, which is just as good
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return sha256, size


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
